import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, type Caller, failure, openTestApp, signUp, type TestApp } from '../testing/harness.ts';

let t: TestApp;
let owner: Caller;
beforeAll(async () => {
  t = await openTestApp();
  ({ caller: owner } = await signUp(t.app));
});
afterAll(async () => {
  await t?.close();
});

const person = (lastName: string, extra: Record<string, unknown> = {}) =>
  ({ kind: 'person', lastName, firstName: 'Тест', ...extra }) as const;

async function createClients(caller: Caller, names: string[], extra: Record<string, unknown> = {}) {
  const ids: string[] = [];
  for (const name of names) ids.push((await caller.trpc.clients.create.mutate(person(name, extra))).id);
  return ids;
}

async function auditOf(caller: Caller, clientId: string) {
  return (await caller.trpc.audit.list.query({ entity: 'client', entityId: clientId })).items;
}

describe('clients.bulk', () => {
  it('adds and removes a tag on the clients it changes, bumping their versions, with an audit row each', async () => {
    const ids = await createClients(owner, ['Агеев', 'Белов', 'Власов']);
    await owner.trpc.clients.update.mutate({ id: ids[1]!, kind: 'person', tags: ['VIP клиент'] });
    const added = await owner.trpc.clients.bulk.mutate({
      ids,
      action: { type: 'addTag', tag: '  VIP   клиент ' },
    });
    expect(added).toEqual({ affected: 2 });
    const tagged = await owner.trpc.clients.list.query({ filter: { tags: ['VIP клиент'] } });
    expect(tagged.items.map((i) => i.id).sort()).toEqual([...ids].sort());
    const card = await owner.trpc.clients.get.query({ id: ids[0]! });
    expect(card).toMatchObject({ tags: ['VIP клиент'], version: 2 });
    expect((await owner.trpc.clients.get.query({ id: ids[1]! })).version).toBe(2);
    const [entry] = await auditOf(owner, ids[0]!);
    expect(entry).toMatchObject({
      action: 'client.update',
      before: { tags: [] },
      after: { tags: ['VIP клиент'] },
    });

    const removed = await owner.trpc.clients.bulk.mutate({
      ids,
      action: { type: 'removeTag', tag: 'VIP клиент' },
    });
    expect(removed).toEqual({ affected: 3 });
    const after = await owner.trpc.clients.list.query({ filter: { tags: ['VIP клиент'] } });
    expect(after.items).toEqual([]);
    expect((await owner.trpc.clients.get.query({ id: ids[0]! })).version).toBe(3);
  });

  it('sets and clears the owner, refusing one who is not a member', async () => {
    const manager = await addMember(t.app, owner, 'manager');
    const ids = await createClients(owner, ['Гусев', 'Дьяков']);
    expect(
      await owner.trpc.clients.bulk.mutate({ ids, action: { type: 'setOwner', ownerId: manager.userId } }),
    ).toEqual({ affected: 2 });
    expect((await owner.trpc.clients.get.query({ id: ids[0]! })).ownerId).toBe(manager.userId);
    expect(
      await owner.trpc.clients.bulk.mutate({ ids, action: { type: 'setOwner', ownerId: null } }),
    ).toEqual({
      affected: 2,
    });
    expect((await owner.trpc.clients.get.query({ id: ids[1]! })).ownerId).toBeNull();

    const { me: stranger } = await signUp(t.app);
    const error = await failure(
      owner.trpc.clients.bulk.mutate({ ids, action: { type: 'setOwner', ownerId: stranger.user.id } }),
      'BAD_REQUEST',
    );
    expect(error.issues).toEqual([
      {
        field: 'action.ownerId',
        code: 'owner_unknown',
        message: 'The owner must be a member of this workspace',
      },
    ]);
    expect((await owner.trpc.clients.get.query({ id: ids[0]! })).ownerId).toBeNull();
  });

  it('adds clients to a static list, and refuses a rule segment or an unknown list', async () => {
    const ids = await createClients(owner, ['Ежов', 'Жуков']);
    const list = await owner.trpc.lists.create.mutate({ name: 'Обзвон' });
    expect(
      await owner.trpc.clients.bulk.mutate({ ids, action: { type: 'addToList', listId: list.id } }),
    ).toEqual({ affected: 2 });
    expect(
      await owner.trpc.clients.bulk.mutate({ ids, action: { type: 'addToList', listId: list.id } }),
    ).toEqual({ affected: 0 });
    const members = await owner.trpc.segments.members.query({ id: list.id });
    expect(members.items.map((m) => m.id).sort()).toEqual([...ids].sort());

    const rule = await owner.trpc.segments.create.mutate({ name: 'Все', rule: { type: 'and', rules: [] } });
    const notStatic = await failure(
      owner.trpc.clients.bulk.mutate({ ids, action: { type: 'addToList', listId: rule.id } }),
      'BAD_REQUEST',
    );
    expect(notStatic.issues?.map((i) => [i.field, i.code])).toEqual([['action.listId', 'list_not_static']]);
    await failure(
      owner.trpc.clients.bulk.mutate({ ids, action: { type: 'addToList', listId: randomUUID() } }),
      'NOT_FOUND',
    );
  });

  it('archives the clients that are not archived yet', async () => {
    const ids = await createClients(owner, ['Зайцев', 'Иванов']);
    await owner.trpc.clients.archive.mutate({ id: ids[0]! });
    expect(await owner.trpc.clients.bulk.mutate({ ids, action: { type: 'archive' } })).toEqual({
      affected: 1,
    });
    const card = await owner.trpc.clients.get.query({ id: ids[1]! });
    expect(card).toMatchObject({ stage: 'archived', version: 2 });
    expect(card.archivedAt).not.toBeNull();
    const [entry] = await auditOf(owner, ids[1]!);
    expect(entry).toMatchObject({
      action: 'client.archive',
      before: { archivedAt: null, stage: 'prospect' },
    });
    const listed = await owner.trpc.clients.list.query();
    expect(listed.items.some((i) => ids.includes(i.id))).toBe(false);
  });

  it('changes only the clients a restricted manager can see, and nothing in another workspace', async () => {
    const { caller: boss } = await signUp(t.app);
    await boss.trpc.workspace.updateSettings.mutate({ managersSeeOwnClientsOnly: true });
    const manager = await addMember(t.app, boss, 'manager');
    const [bossClient] = await createClients(boss, ['Чужов']);
    const [own] = await createClients(manager.caller, ['Своев']);
    const [foreign] = await createClients(owner, ['Сторонний']);
    const result = await manager.caller.trpc.clients.bulk.mutate({
      ids: [bossClient!, own!, foreign!],
      action: { type: 'addTag', tag: 'горячий' },
    });
    expect(result).toEqual({ affected: 1 });
    expect((await boss.trpc.clients.get.query({ id: bossClient! })).tags).toEqual([]);
    expect((await boss.trpc.clients.get.query({ id: own! })).tags).toEqual(['горячий']);
    expect(await owner.trpc.clients.get.query({ id: foreign! })).toMatchObject({ tags: [], version: 1 });
    expect(await auditOf(owner, foreign!)).toHaveLength(1);

    const archived = await manager.caller.trpc.clients.bulk.mutate({
      ids: [bossClient!],
      action: { type: 'archive' },
    });
    expect(archived).toEqual({ affected: 0 });
    expect((await boss.trpc.clients.get.query({ id: bossClient! })).archivedAt).toBeNull();
  });

  it('writes nothing when one client cannot take the tag', async () => {
    const full = Array.from({ length: 50 }, (_, i) => `тег ${i}`);
    const [roomy] = await createClients(owner, ['Кузьмин']);
    const [crowded] = await createClients(owner, ['Лебедев'], { tags: full });
    const error = await failure(
      owner.trpc.clients.bulk.mutate({
        ids: [roomy!, crowded!],
        action: { type: 'addTag', tag: 'ещё один' },
      }),
      'BAD_REQUEST',
    );
    expect(error.issues?.map((i) => [i.field, i.code])).toEqual([['action.tag', 'tags_too_many']]);
    expect(await owner.trpc.clients.get.query({ id: roomy! })).toMatchObject({ tags: [], version: 1 });
    expect(await auditOf(owner, roomy!)).toHaveLength(1);
  });

  it('takes a thousand ids at once, and no more', async () => {
    const [real] = await createClients(owner, ['Морозов']);
    const ids = [real!, ...Array.from({ length: 999 }, () => randomUUID())];
    expect(await owner.trpc.clients.bulk.mutate({ ids, action: { type: 'addTag', tag: 'массово' } })).toEqual(
      {
        affected: 1,
      },
    );
    const tooMany = await failure(
      owner.trpc.clients.bulk.mutate({ ids: [...ids, randomUUID()], action: { type: 'archive' } }),
      'BAD_REQUEST',
    );
    expect(tooMany.issues?.map((i) => i.field)).toEqual(['ids']);
  });

  it.each([
    ['no ids', { ids: [], action: { type: 'archive' } }, ['ids']],
    ['an id that is not a uuid', { ids: ['42'], action: { type: 'archive' } }, ['ids.0']],
    ['an unknown action', { ids: [randomUUID()], action: { type: 'delete' } }, ['action.type']],
    ['an empty tag', { ids: [randomUUID()], action: { type: 'addTag', tag: '   ' } }, ['action.tag']],
    [
      'a tag too long',
      { ids: [randomUUID()], action: { type: 'removeTag', tag: 'x'.repeat(101) } },
      ['action.tag'],
    ],
    [
      'an owner that is not a uuid',
      { ids: [randomUUID()], action: { type: 'setOwner', ownerId: 'me' } },
      ['action.ownerId'],
    ],
    [
      'a list that is not a uuid',
      { ids: [randomUUID()], action: { type: 'addToList', listId: 'x' } },
      ['action.listId'],
    ],
    ['an unknown key', { ids: [randomUUID()], action: { type: 'archive', hard: true } }, ['action']],
  ])('refuses %s, naming the field', async (_name, input, fields) => {
    const res = await owner.raw('POST', '/trpc/clients.bulk', JSON.stringify(input));
    expect(res.status).toBe(400);
    expect(res.json.error?.data.issues?.map((i) => i.field)).toEqual(fields);
  });
});
