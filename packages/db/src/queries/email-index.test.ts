import { type SQL, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../raw.ts';
import { openTestDatabase, seedWorkspace, type TestDatabase } from '../testing/index.ts';

let handle: TestDatabase;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(async () => {
  await handle?.close();
});

/** The plan of a statement as text, with sequential scans ruled out: which indexes can serve it. */
async function plan(statement: SQL): Promise<string> {
  return handle.db.transaction(async (tx) => {
    await tx.execute(sql`set local enable_seqscan = off`);
    const rows = await queryRows<Record<string, unknown>>(tx, sql`explain ${statement}`);
    return rows.map((r) => String(Object.values(r)[0])).join('\n');
  });
}

// One index serves e-mails by exact address and by prefix (migration 0009 dropped the plain one).
describe('the e-mail index', () => {
  it('serves an exact lookup, a lookup per value of an array and a prefix search', async () => {
    const { ctx } = await seedWorkspace(handle.db);
    const ws = ctx.workspaceId;
    const exact = await plan(
      sql`select client_id from client_emails where workspace_id = ${ws}::uuid and address = ${'ivan@example.ru'}`,
    );
    expect(exact).toMatch(/client_emails_prefix_idx/);
    const perValue = await plan(sql`
      select v.key, x.client_id from unnest(${sql.param(['ivan@example.ru', 'petr@example.ru'])}::text[]) as v(key)
      cross join lateral (
        select client_id from client_emails e where e.workspace_id = ${ws}::uuid and e.address = v.key limit 1
      ) x`);
    expect(perValue).toMatch(/client_emails_prefix_idx/);
    const prefix = await plan(
      sql`select client_id from client_emails where workspace_id = ${ws}::uuid and address like ${'ivan%'}`,
    );
    expect(prefix).toMatch(/client_emails_prefix_idx/);
  });
});
