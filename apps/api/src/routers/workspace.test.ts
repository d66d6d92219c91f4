import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, type Caller, failure, openTestApp, signUp, type TestApp } from '../testing/harness.ts';

/** Segments, temperature policy, workspace settings and the audit log. */

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

describe('segments', () => {
  it('previews a rule live, creates a segment with its members, and shows it on the client card', async () => {
    const moscow = await owner.trpc.clients.create.mutate(
      person('Москвин', { city: 'Москва', tags: ['vip'] }),
    );
    const moscow2 = await owner.trpc.clients.create.mutate(person('Арбатов', { city: ' москва ' }));
    await owner.trpc.clients.create.mutate(person('Питерский', { city: 'Санкт-Петербург' }));
    const rule = { type: 'condition', field: 'city', op: 'in', values: ['Москва'] };

    const preview = await owner.trpc.segments.preview.query({ rule, sampleSize: 1 });
    expect(preview).toEqual({ count: 2, sample: [{ id: moscow2.id, displayName: 'Арбатов Тест' }] });

    const segment = await owner.trpc.segments.create.mutate({ name: 'Москва', rule });
    expect(segment).toMatchObject({ name: 'Москва', kind: 'rule', memberCount: 2 });
    const page1 = await owner.trpc.segments.members.query({ id: segment.id, limit: 1 });
    expect(page1.items.map((i) => i.id)).toEqual([moscow2.id]);
    expect(page1.items[0]?.enteredAt).toEqual(expect.any(String));
    const page2 = await owner.trpc.segments.members.query({
      id: segment.id,
      cursor: page1.nextCursor,
      limit: 1,
    });
    expect(page2.items.map((i) => i.id)).toEqual([moscow.id]);
    expect(page2.nextCursor).toBeNull();

    const card = await owner.trpc.clients.get.query({ id: moscow.id });
    expect(card.segments).toEqual([{ id: segment.id, name: 'Москва', enteredAt: expect.any(String) }]);

    const narrowed = await owner.trpc.segments.update.mutate({
      id: segment.id,
      rule: {
        type: 'and',
        rules: [rule, { type: 'condition', field: 'tags', op: 'hasAny', values: ['vip'] }],
      },
    });
    expect(narrowed.memberCount).toBe(1);
    expect((await owner.trpc.clients.get.query({ id: moscow2.id })).segments).toEqual([]);
    const listed = await owner.trpc.segments.list.query();
    expect(listed.items.map((s) => [s.name, s.memberCount])).toEqual([['Москва', 1]]);
  });

  it('names the bad part of a rule', async () => {
    const error = await failure(
      owner.trpc.segments.preview.query({
        rule: { type: 'and', rules: [{ type: 'condition', field: 'stage', op: 'in', values: ['nope'] }] },
      }),
      'BAD_REQUEST',
    );
    expect(error.issues?.[0]?.field).toMatch(/^rule\.rules\.0/);
    await failure(
      owner.trpc.segments.members.query({ id: '00000000-0000-4000-8000-000000000000' }),
      'NOT_FOUND',
    );
  });
});

describe('temperature policy', () => {
  it('returns the default, stores a valid policy, and refuses an invalid one naming the field', async () => {
    const initial = await owner.trpc.temperature.getPolicy.query();
    expect(initial).toMatchObject({ isDefault: true, policy: { warmFrom: 35, hotFrom: 65 } });
    const set = await owner.trpc.temperature.setPolicy.mutate({ policy: { warmFrom: 40, hotFrom: 70 } });
    expect(set.policy).toMatchObject({ warmFrom: 40, hotFrom: 70, halfLifeDays: 30 });
    expect(await owner.trpc.temperature.getPolicy.query()).toMatchObject({
      isDefault: false,
      policy: { warmFrom: 40 },
    });

    const error = await failure(
      owner.trpc.temperature.setPolicy.mutate({ policy: { warmFrom: 80, hotFrom: 70 } }),
      'BAD_REQUEST',
    );
    expect(error.issues?.map((i) => i.field)).toEqual(['policy.warmFrom']);
    const typed = await failure(
      owner.trpc.temperature.setPolicy.mutate({
        policy: { lastInteraction: { kindWeights: { call: 'many' } } },
      }),
      'BAD_REQUEST',
    );
    expect(typed.issues?.map((i) => i.field)).toEqual(['policy.lastInteraction.kindWeights.call']);
  });

  it('is for admins and owners to change', async () => {
    const manager = await addMember(t.app, owner, 'manager');
    expect((await manager.caller.trpc.temperature.getPolicy.query()).policy).toBeDefined();
    await failure(manager.caller.trpc.temperature.setPolicy.mutate({ policy: {} }), 'FORBIDDEN');
  });
});

describe('workspace settings', () => {
  it('changes only the given settings and checks them', async () => {
    const before = await owner.trpc.workspace.getSettings.query();
    expect(before.settings).toEqual({ defaultRegion: 'RU' });
    const after = await owner.trpc.workspace.updateSettings.mutate({ lapsedAfterDays: 90 });
    expect(after.settings).toEqual({ defaultRegion: 'RU', lapsedAfterDays: 90 });
    const error = await failure(
      owner.trpc.workspace.updateSettings.mutate({ defaultRegion: 'russia' }),
      'BAD_REQUEST',
    );
    expect(error.issues?.map((i) => i.field)).toEqual(['defaultRegion']);
  });
});

describe('audit.list', () => {
  it('shows the mutations, newest first, with the request id, and pages', async () => {
    const { caller } = await signUp(t.app);
    const client = await caller.trpc.clients.create.mutate(person('Аудитов'));
    await caller.trpc.clients.update.mutate({ id: client.id, kind: 'person', city: 'Омск' });
    await caller.trpc.interactions.add.mutate({
      clientId: client.id,
      kind: 'note',
      at: new Date().toISOString(),
    });
    const res = await caller.raw('POST', '/trpc/clients.archive', JSON.stringify({ id: client.id }), {
      'x-request-id': 'req-archive-1',
    });
    expect(res.status).toBe(200);

    const all = await caller.trpc.audit.list.query();
    expect(all.items.map((i) => i.action)).toEqual([
      'client.archive',
      'interaction.create',
      'client.update',
      'client.create',
      'workspace.create',
    ]);
    expect(all.items[0]).toMatchObject({
      requestId: 'req-archive-1',
      entityId: client.id,
      at: expect.any(String),
    });
    const clientsOnly = await caller.trpc.audit.list.query({ entity: 'client', limit: 2 });
    expect(clientsOnly.items.map((i) => i.action)).toEqual(['client.archive', 'client.update']);
    const next = await caller.trpc.audit.list.query({
      entity: 'client',
      limit: 2,
      cursor: clientsOnly.nextCursor,
    });
    expect(next.items.map((i) => i.action)).toEqual(['client.create']);
  });
});
