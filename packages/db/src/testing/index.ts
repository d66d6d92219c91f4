import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import { createDatabase, type DatabaseHandle } from '../client.ts';
import { withDatabase } from './urls.ts';

export { withDatabase } from './urls.ts';

export type TestDatabase = DatabaseHandle & {
  /** The server URL of this file's own database (server back end only): for a second process. */
  url?: string;
};

/**
 * A fresh, migrated database for one test file, on the back end the run is configured for:
 * PGlite by default, the PostgreSQL server when CB_TEST_DATABASE_URL is set. Close it in afterAll.
 */
export async function openTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.CB_TEST_DATABASE_URL;
  if (serverUrl) {
    const template = inject('cbServerTemplate');
    const name = `cb_t_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    await createFromTemplate(serverUrl, name, template);
    const url = withDatabase(serverUrl, name);
    // The database is dropped with (force) at close: connections still open then are expected to die.
    const handle = await createDatabase({
      databaseUrl: url,
      migrate: false,
      maxConnections: 5,
      onPoolError: () => {},
    });
    return {
      ...handle,
      url,
      close: async () => {
        await handle.close();
        const admin = new pg.Client({ connectionString: serverUrl });
        await admin.connect();
        await admin.query(`drop database if exists ${name} with (force)`);
        await admin.end();
      },
    };
  }
  const dump = readFileSync(inject('cbPgliteTemplate'));
  return createDatabase({ dataDir: 'memory://', migrate: false, loadDataDir: new Blob([dump]) });
}

async function createFromTemplate(serverUrl: string, name: string, template: string): Promise<void> {
  // Two files copying the template at the same instant can collide ("source database is being
  // accessed by other users"); a short retry is enough.
  for (let attempt = 0; ; attempt++) {
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      await admin.query(`create database ${name} template ${template}`);
      return;
    } catch (error) {
      if (attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 + attempt * 50));
    } finally {
      await admin.end();
    }
  }
}

export { seedWorkspace } from './fixtures.ts';
