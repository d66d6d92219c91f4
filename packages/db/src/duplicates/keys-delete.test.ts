import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientDupKeys, clients, workspaces } from '../schema/index.ts';
import { openTestDatabase, seedWorkspace, type TestDatabase } from '../testing/index.ts';
import { createPerson } from './test-support.ts';

let handle: TestDatabase;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(async () => {
  await handle?.close();
});

const keyCount = async (clientIds: string[]) =>
  (await handle.db.select().from(clientDupKeys).where(inArray(clientDupKeys.clientId, clientIds))).length;

// The keys have no foreign key to their client (a check per key row cost too much in bulk
// imports); the statement trigger `clients_dup_keys_delete` removes them with the client instead.
describe('duplicate keys of deleted clients', () => {
  it('go with the client, and only its keys go', async () => {
    const { ctx } = await seedWorkspace(handle.db);
    const gone = await createPerson(handle.db, ctx, {
      lastName: 'Фёдоров',
      firstName: 'Александр',
      phones: ['+79161234567'],
    });
    const kept = await createPerson(handle.db, ctx, {
      lastName: 'Федоров',
      firstName: 'Саша',
      phones: ['+79161234567'],
    });
    expect(await keyCount([gone.id])).toBeGreaterThan(0);
    const keptBefore = await keyCount([kept.id]);
    expect(keptBefore).toBeGreaterThan(0);

    await handle.db.delete(clients).where(eq(clients.id, gone.id));

    expect(await keyCount([gone.id])).toBe(0);
    expect(await keyCount([kept.id])).toBe(keptBefore);
  });

  it('go when the whole workspace is deleted (the clients cascade)', async () => {
    const { ctx } = await seedWorkspace(handle.db);
    const a = await createPerson(handle.db, ctx, {
      lastName: 'Иванов',
      firstName: 'Пётр',
      emails: ['p@example.ru'],
    });
    const b = await createPerson(handle.db, ctx, {
      lastName: 'Петров',
      firstName: 'Иван',
      emails: ['i@example.ru'],
    });
    expect(await keyCount([a.id, b.id])).toBeGreaterThan(0);

    await handle.db.delete(workspaces).where(eq(workspaces.id, ctx.workspaceId));

    expect(await keyCount([a.id, b.id])).toBe(0);
  });
});
