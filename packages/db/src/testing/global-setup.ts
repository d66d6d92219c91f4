import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createDatabase } from '../client.ts';
import { withDatabase } from './urls.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Path of a migrated PGlite data-dir dump (embedded back end). */
    cbPgliteTemplate: string;
    /** Name of a migrated template database on the server (when CB_TEST_DATABASE_URL is set). */
    cbServerTemplate: string;
  }
}

/**
 * Migrates one template per test run (migrating is the slow part, ~9 s on PGlite), then every
 * test file starts from a copy of it: a loaded dump on PGlite, `CREATE DATABASE … TEMPLATE` on
 * the server.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const serverUrl = process.env.CB_TEST_DATABASE_URL;
  if (serverUrl) {
    const name = `cb_tpl_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const handle = await createDatabase({ databaseUrl: withDatabase(serverUrl, name), maxConnections: 1 });
    await handle.close();
    project.provide('cbServerTemplate', name);
    project.provide('cbPgliteTemplate', '');
    return async () => {
      const cleanup = new pg.Client({ connectionString: serverUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'cb-pglite-template-'));
  const handle = await createDatabase({ dataDir: 'memory://' });
  const dump = await handle.pglite!.dumpDataDir('none');
  await handle.close();
  const file = join(dir, 'template.tar');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('cbPgliteTemplate', file);
  project.provide('cbServerTemplate', '');
  return async () => rmSync(dir, { recursive: true, force: true });
}
