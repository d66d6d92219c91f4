import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
