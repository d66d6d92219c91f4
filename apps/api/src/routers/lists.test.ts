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

async function createClients(caller: Caller, names: string[]) {
  const ids: string[] = [];
  for (const lastName of names) {
    ids.push((await caller.trpc.clients.create.mutate({ kind: 'person', lastName, firstName: 'Тест' })).id);
  }
  return ids;
}

describe('lists', () => {
  it('creates a static list that the segment reads show, and adds and removes members', async () => {
    const ids = await createClients(owner, ['Андреев', 'Борисов', 'Васильев']);
    const list = await owner.trpc.lists.create.mutate({ name: '  Обзвон в пятницу ' });
    expect(list).toMatchObject({ name: 'Обзвон в пятницу', kind: 'static', rule: null, memberCount: 0 });
    expect(typeof list.createdAt).toBe('string');

    expect(await owner.trpc.lists.addMembers.mutate({ id: list.id, clientIds: ids.slice(0, 2) })).toEqual({
      added: 2,
    });
    expect(await owner.trpc.lists.addMembers.mutate({ id: list.id, clientIds: ids })).toEqual({ added: 1 });
    const segments = await owner.trpc.segments.list.query();
    expect(segments.items.find((s) => s.id === list.id)).toMatchObject({ kind: 'static', memberCount: 3 });
    expect(await owner.trpc.segments.get.query({ id: list.id })).toMatchObject({
      kind: 'static',
      memberCount: 3,
    });

    expect(
      await owner.trpc.lists.removeMembers.mutate({ id: list.id, clientIds: [ids[0]!, randomUUID()] }),
    ).toEqual({ removed: 1 });
    expect(await owner.trpc.lists.removeMembers.mutate({ id: list.id, clientIds: [ids[0]!] })).toEqual({
      removed: 0,
    });
    const members = await owner.trpc.segments.members.query({ id: list.id });
    expect(members.items.map((m) => m.displayName)).toEqual(['Борисов Тест', 'Васильев Тест']);
    const filtered = await owner.trpc.clients.list.query({ filter: { segmentId: list.id } });
    expect(filtered.items.map((i) => i.id).sort()).toEqual(ids.slice(1).sort());

    const audit = await owner.trpc.audit.list.query({ entity: 'segment', entityId: list.id });
    expect(audit.items.map((a) => a.action)).toEqual([
      'list.remove_members',
      'list.add_members',
      'list.add_members',
      'list.create',
    ]);
    expect(audit.items[0]).toMatchObject({ before: { clientIds: [ids[0]] } });
  });

  it('refuses to edit the members of a rule segment by hand, and writes nothing', async () => {
    const [client] = await createClients(owner, ['Григорьев']);
    const rule = await owner.trpc.segments.create.mutate({
      name: 'Без тегов',
      rule: { type: 'condition', field: 'tags', op: 'hasNone', values: ['x'] },
    });
    const before = await owner.trpc.segments.get.query({ id: rule.id });
    // One call at a time: a second promise made up front would reject before anyone awaits it.
    for (const call of [
      () => owner.trpc.lists.addMembers.mutate({ id: rule.id, clientIds: [client!] }),
      () => owner.trpc.lists.removeMembers.mutate({ id: rule.id, clientIds: [client!] }),
    ]) {
      const error = await failure(call(), 'BAD_REQUEST');
      expect(error.issues?.map((i) => [i.field, i.code])).toEqual([['id', 'list_not_static']]);
    }
    expect(await owner.trpc.segments.get.query({ id: rule.id })).toEqual(before);
    const audit = await owner.trpc.audit.list.query({ entity: 'segment', entityId: rule.id });
    expect(audit.items.map((a) => a.action)).toEqual(['segment.create']);
  });

  it('adds only clients the caller can see, and does not reach into another workspace', async () => {
    const { caller: boss } = await signUp(t.app);
    await boss.trpc.workspace.updateSettings.mutate({ managersSeeOwnClientsOnly: true });
    const manager = await addMember(t.app, boss, 'manager');
    const [bossClient] = await createClients(boss, ['Чужов']);
    const [own] = await createClients(manager.caller, ['Своев']);
    const [foreign] = await createClients(owner, ['Сторонний']);
    const list = await manager.caller.trpc.lists.create.mutate({ name: 'Мои' });
    expect(
      await manager.caller.trpc.lists.addMembers.mutate({
        id: list.id,
        clientIds: [bossClient!, own!, foreign!],
      }),
    ).toEqual({ added: 1 });
    await boss.trpc.lists.addMembers.mutate({ id: list.id, clientIds: [bossClient!] });
    expect(
      await manager.caller.trpc.lists.removeMembers.mutate({ id: list.id, clientIds: [bossClient!, own!] }),
    ).toEqual({ removed: 1 });
    const members = await boss.trpc.segments.members.query({ id: list.id });
    expect(members.items.map((m) => m.id)).toEqual([bossClient]);

    await failure(owner.trpc.lists.addMembers.mutate({ id: list.id, clientIds: [foreign!] }), 'NOT_FOUND');
    await failure(owner.trpc.lists.removeMembers.mutate({ id: list.id, clientIds: [foreign!] }), 'NOT_FOUND');
    expect((await boss.trpc.segments.get.query({ id: list.id })).memberCount).toBe(1);
  });

  it('is for managers and up', async () => {
    const viewer = await addMember(t.app, owner, 'viewer');
    await failure(viewer.caller.trpc.lists.create.mutate({ name: 'Нельзя' }), 'FORBIDDEN');
  });

  it.each([
    ['lists.create', { name: '   ' }, ['name']],
    ['lists.create', { name: 'x'.repeat(201) }, ['name']],
    ['lists.create', { name: 'Ок', kind: 'rule' }, ['']],
    ['lists.addMembers', { id: randomUUID(), clientIds: [] }, ['clientIds']],
    ['lists.addMembers', { id: 'list', clientIds: [randomUUID()] }, ['id']],
    ['lists.removeMembers', { id: randomUUID(), clientIds: ['x'] }, ['clientIds.0']],
    [
      'lists.removeMembers',
      { id: randomUUID(), clientIds: Array.from({ length: 1001 }, () => randomUUID()) },
      ['clientIds'],
    ],
  ])('%s refuses %j, naming the field', async (path, input, fields) => {
    const res = await owner.raw('POST', `/trpc/${path}`, JSON.stringify(input));
    expect(res.status).toBe(400);
    expect(res.json.error?.data.issues?.map((i) => i.field)).toEqual(fields);
  });
});
