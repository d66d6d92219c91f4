import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabase } from './client.ts';
import { createWorkspace, getWorkspace } from './queries/workspaces.ts';
import { queryRows } from './raw.ts';
import { openTestDatabase, type TestDatabase } from './testing/index.ts';

let handle: TestDatabase;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(async () => {
  await handle?.close();
});

describe('createDatabase', () => {
  it('applies every migration and has pg_trgm', async () => {
    const tables = await queryRows<{ table_name: string }>(
      handle.db,
      sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`,
    );
    expect(tables.map((r) => r.table_name)).toEqual(
      expect.arrayContaining([
        'clients',
        'client_phones',
        'consents',
        'segment_members',
        'audit_log',
        'outbox',
      ]),
    );
    const [trgm] = await queryRows<{ similarity: number }>(
      handle.db,
      sql`select similarity('Фёдоров', 'Федоров')::float8 as similarity`,
    );
    expect(trgm!.similarity).toBeGreaterThan(0.2);
  });
});

describe.runIf(handleKind() === 'pglite')('PGlite in a data folder', () => {
  it('keeps what was written across a close and a reopen, and migrates only once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cb-data-'));
    try {
      const first = await createDatabase({ dataDir: dir });
      const workspace = await createWorkspace(first.db, { name: 'Переживёт перезапуск' });
      await first.close();
      const second = await createDatabase({ dataDir: dir });
      expect((await getWorkspace(second.db, workspace.id))?.name).toBe('Переживёт перезапуск');
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** The back end this run uses, known before the per-file database opens (from the global setup). */
function handleKind(): 'pglite' | 'postgres' {
  return inject('cbServerTemplate') ? 'postgres' : 'pglite';
}
