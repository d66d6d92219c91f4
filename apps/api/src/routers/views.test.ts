import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, Caller, failure, openTestApp, signUp, type TestApp } from '../testing/harness.ts';

let t: TestApp;
let owner: Caller;
let ownerName: string;
beforeAll(async () => {
  t = await openTestApp();
  const signedUp = await signUp(t.app);
  owner = signedUp.caller;
  ownerName = signedUp.me.user.name;
});
afterAll(async () => {
  await t?.close();
});

const state = {
  q: 'Иван',
  filter: { stage: ['customer' as const], tags: [' vip '], includeArchived: false },
  sort: { field: 'displayName' as const, direction: 'asc' as const },
  columns: ['displayName', 'phone', 'temperature'],
};

describe('views', () => {
  it('saves, lists, updates and removes the caller’s own views, with audit rows', async () => {
    const { caller } = await signUp(t.app);
    const saved = await caller.trpc.views.save.mutate({ name: ' Покупатели ', state });
    expect(saved).toMatchObject({
      name: 'Покупатели',
      state: { ...state, filter: { ...state.filter, tags: ['vip'] } },
      shared: false,
      mine: true,
    });
    expect(typeof saved.createdAt).toBe('string');
    expect(saved.createdAt).toBe(saved.updatedAt);
    await caller.trpc.views.save.mutate({ name: 'Архив', state: { filter: { includeArchived: true } } });
    const listed = await caller.trpc.views.list.query();
    expect(listed.items.map((v) => v.name)).toEqual(['Архив', 'Покупатели']);

    // The stored filter is one `clients.list` accepts as it is.
    const page = await caller.trpc.clients.list.query({ filter: saved.state.filter, sort: saved.state.sort });
    expect(page.items).toEqual([]);

    const updated = await caller.trpc.views.save.mutate({
      id: saved.id,
      name: 'Покупатели VIP',
      state: { q: 'Пётр' },
      shared: true,
    });
    expect(updated).toMatchObject({
      id: saved.id,
      name: 'Покупатели VIP',
      state: { q: 'Пётр' },
      shared: true,
    });
    const renamed = await caller.trpc.views.save.mutate({ id: saved.id, name: 'Покупатели', state: {} });
    expect(renamed).toMatchObject({ shared: true, state: {} });

    expect(await caller.trpc.views.remove.mutate({ id: saved.id })).toEqual({ removed: true });
    await failure(caller.trpc.views.remove.mutate({ id: saved.id }), 'NOT_FOUND');
    expect((await caller.trpc.views.list.query()).items.map((v) => v.name)).toEqual(['Архив']);

    const audit = await caller.trpc.audit.list.query({ entity: 'view', entityId: saved.id });
    expect(audit.items.map((a) => a.action)).toEqual([
      'view.remove',
      'view.update',
      'view.update',
      'view.create',
    ]);
  });

  it('refuses a name the caller already uses, and changes nothing', async () => {
    const first = await owner.trpc.views.save.mutate({ name: 'Дубль', state: {} });
    const second = await owner.trpc.views.save.mutate({ name: 'Другой', state: { q: 'x' } });
    const created = await failure(owner.trpc.views.save.mutate({ name: 'Дубль', state: {} }), 'CONFLICT');
    expect(created.conflict?.field).toBe('name');
    const renamed = await failure(
      owner.trpc.views.save.mutate({ id: second.id, name: 'Дубль', state: {} }),
      'CONFLICT',
    );
    expect(renamed.conflict?.field).toBe('name');
    const items = (await owner.trpc.views.list.query()).items;
    expect(items.find((v) => v.id === second.id)).toMatchObject({ name: 'Другой', state: { q: 'x' } });
    expect(items.filter((v) => v.name === 'Дубль').map((v) => v.id)).toEqual([first.id]);
    // Saving a view under its own name is no clash.
    await owner.trpc.views.save.mutate({ id: first.id, name: 'Дубль', state: { q: 'y' } });
  });

  it('shows shared views to the other members, who may not change them but may save their own', async () => {
    const { caller: boss, me } = await signUp(t.app);
    const viewer = await addMember(t.app, boss, 'viewer');
    const shared = await boss.trpc.views.save.mutate({ name: 'Общий', state: {}, shared: true });
    await boss.trpc.views.save.mutate({ name: 'Личный', state: {} });
    const own = await viewer.caller.trpc.views.save.mutate({ name: 'Общий', state: { q: 'моё' } });

    const seen = await viewer.caller.trpc.views.list.query();
    expect(seen.items.map((v) => [v.name, v.mine, v.ownerName])).toEqual([
      ['Общий', true, viewer.me.user.name],
      ['Общий', false, me.user.name],
    ]);
    await failure(
      viewer.caller.trpc.views.save.mutate({ id: shared.id, name: 'Угнан', state: {} }),
      'NOT_FOUND',
    );
    await failure(viewer.caller.trpc.views.remove.mutate({ id: shared.id }), 'NOT_FOUND');
    expect((await boss.trpc.views.list.query()).items.map((v) => [v.name, v.mine])).toEqual([
      ['Личный', true],
      ['Общий', true],
    ]);

    // A member who leaves takes their views along: nobody could change or remove them.
    await boss.trpc.members.remove.mutate({ userId: viewer.userId });
    expect((await boss.trpc.views.list.query()).items.map((v) => v.id)).not.toContain(own.id);
  });

  it('never shows or touches the views of another workspace', async () => {
    const shared = await owner.trpc.views.save.mutate({
      name: 'Секрет',
      state: { q: 'секрет' },
      shared: true,
    });
    const { caller: outsider } = await signUp(t.app);
    expect((await outsider.trpc.views.list.query()).items).toEqual([]);
    await failure(outsider.trpc.views.save.mutate({ id: shared.id, name: 'x', state: {} }), 'NOT_FOUND');
    await failure(outsider.trpc.views.remove.mutate({ id: shared.id }), 'NOT_FOUND');
    const mine = (await owner.trpc.views.list.query()).items.find((v) => v.id === shared.id);
    expect(mine).toMatchObject({ name: 'Секрет', ownerName });
  });

  it('works with an API token', async () => {
    const { caller } = await signUp(t.app);
    const { token } = await caller.trpc.auth.createApiToken.mutate({ name: 'Интеграция' });
    const integration = new Caller(t.app);
    integration.bearer = token;
    const saved = await integration.trpc.views.save.mutate({ name: 'Из скрипта', state: {} });
    expect(saved.mine).toBe(true);
    expect((await caller.trpc.views.list.query()).items.map((v) => v.id)).toEqual([saved.id]);
    expect(await integration.trpc.views.remove.mutate({ id: saved.id })).toEqual({ removed: true });
  });

  it.each([
    ['views.save', { name: '', state: {} }, ['name']],
    ['views.save', { name: 'x'.repeat(101), state: {} }, ['name']],
    ['views.save', { name: 'x' }, ['state']],
    ['views.save', { name: 'x', state: { q: 'x'.repeat(201) } }, ['state.q']],
    ['views.save', { name: 'x', state: { filter: { stage: ['gone'] } } }, ['state.filter.stage.0']],
    ['views.save', { name: 'x', state: { filter: { colour: 'red' } } }, ['state.filter']],
    [
      'views.save',
      { name: 'x', state: { sort: { field: 'phone', direction: 'asc' } } },
      ['state.sort.field'],
    ],
    [
      'views.save',
      { name: 'x', state: { columns: Array.from({ length: 31 }, () => 'c') } },
      ['state.columns'],
    ],
    ['views.save', { name: 'x', state: { columns: [''] } }, ['state.columns.0']],
    ['views.save', { name: 'x', state: { columns: ['x'.repeat(51)] } }, ['state.columns.0']],
    ['views.save', { name: 'x', state: { page: 2 } }, ['state']],
    ['views.save', { id: 'mine', name: 'x', state: {} }, ['id']],
    ['views.save', { name: 'x', state: {}, shared: 'yes' }, ['shared']],
    ['views.remove', { id: 'x' }, ['id']],
  ])('%s refuses %j, naming the field', async (path, input, fields) => {
    const res = await owner.raw('POST', `/trpc/${path}`, JSON.stringify(input));
    expect(res.status).toBe(400);
    expect(res.json.error?.data.issues?.map((i) => i.field)).toEqual(fields);
  });

  it('answers NOT_FOUND for an unknown id', async () => {
    await failure(owner.trpc.views.save.mutate({ id: randomUUID(), name: 'Нет', state: {} }), 'NOT_FOUND');
  });
});
