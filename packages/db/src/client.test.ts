import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    const tables = await handle.db.execute<{ table_name: string }>(
      sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`,
    );
    const names = tables.rows.map((r) => r.table_name);
    expect(names).toEqual(
      expect.arrayContaining(['clients', 'client_phones', 'consents', 'segment_members', 'audit_log']),
    );
    const trgm = await handle.db.execute<{ similarity: number }>(
      sql`select similarity('Фёдоров', 'Федоров') as similarity`,
    );
    expect(Number(trgm.rows[0]?.similarity)).toBeGreaterThan(0.2);
  });
});
