import { schema } from '@cb/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, type Caller, openTestApp, signUp, type TestApp } from '../testing/harness.ts';

let t: TestApp;
let owner: Caller;
let workspaceId: string;

beforeAll(async () => {
  t = await openTestApp();
  const signed = await signUp(t.app);
  owner = signed.caller;
  workspaceId = signed.me.workspace!.id;
});
afterAll(() => t.close());

describe('batches.list', () => {
  it('lists the workspace’s purchased lists with how many clients each brought, newest first', async () => {
    const [older] = await t.database.db
      .insert(schema.batches)
      .values({
        workspaceId,
        kind: 'purchased_list',
        name: 'База «Стройка» 2025',
        vendor: 'ООО Лиды',
        costKopecks: 1_500_000,
      })
      .returning();
    const [newer] = await t.database.db
      .insert(schema.batches)
      .values({ workspaceId, kind: 'import', name: 'Excel от отдела продаж' })
      .returning();
    for (const lastName of ['Первый', 'Второй']) {
      await owner.trpc.clients.create.mutate({
        kind: 'person',
        lastName,
        firstName: 'Клиент',
        source: { channel: 'purchased_list', batchId: older!.id },
      });
    }
    const other = await signUp(t.app);
    await other.caller.trpc.clients.create.mutate({ kind: 'person', lastName: 'Чужой', firstName: 'Клиент' });

    const { items } = await owner.trpc.batches.list.query();
    expect(items.map((b) => [b.name, b.clientCount])).toEqual([
      ['Excel от отдела продаж', 0],
      ['База «Стройка» 2025', 2],
    ]);
    expect(items[1]).toMatchObject({ kind: 'purchased_list', vendor: 'ООО Лиды', costKopecks: 1_500_000 });
    expect(items[0]!.id).toBe(newer!.id);
    expect((await other.caller.trpc.batches.list.query()).items).toEqual([]);

    // A viewer reads them; the counts are the clients the reader may see.
    const viewer = await addMember(t.app, owner, 'viewer');
    expect((await viewer.caller.trpc.batches.list.query()).items).toHaveLength(2);
  });
});
