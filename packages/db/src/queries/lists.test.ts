import { randomUUID } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recomputeClients, recomputeWorkspace } from '../recompute/recompute.ts';
import { auditLog, clients, segmentMembers } from '../schema/index.ts';
import { openTestDatabase, seedWorkspace, type TestDatabase } from '../testing/index.ts';
import type { MutationContext } from './context.ts';
import { addListMembers, createList, removeListMembers } from './lists.ts';
import { createSegment, getSegment, listSegmentMembers, listSegments } from './segments-crud.ts';

let handle: TestDatabase;
const T1 = new Date('2026-04-01T09:00:00.000Z');
const T2 = new Date('2026-04-02T09:00:00.000Z');
const T3 = new Date('2026-04-03T09:00:00.000Z');

beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(async () => {
  await handle?.close();
});

async function seedClients(workspaceId: string, names: string[], ownerId: string | null = null) {
  const rows = await handle.db
    .insert(clients)
    .values(
      names.map((name) => ({
        workspaceId,
        kind: 'person' as const,
        displayName: name,
        matchKey: name.toLowerCase(),
        ownerId,
      })),
    )
    .returning({ id: clients.id });
  return rows.map((r) => r.id);
}

async function spells(listId: string) {
  return handle.db
    .select({
      clientId: segmentMembers.clientId,
      enteredAt: segmentMembers.enteredAt,
      leftAt: segmentMembers.leftAt,
    })
    .from(segmentMembers)
    .where(eq(segmentMembers.segmentId, listId))
    .orderBy(asc(segmentMembers.id));
}

describe('static lists', () => {
  it('are created empty, as static segments that the segment reads show', async () => {
    const { ctx } = await seedWorkspace(handle.db);
    const list = await createList(handle.db, ctx, { name: 'VIP на обзвон' });
    expect(list).toMatchObject({ name: 'VIP на обзвон', kind: 'static', rule: null, memberCount: 0 });
    expect((await listSegments(handle.db, ctx.workspaceId)).map((s) => [s.id, s.kind])).toEqual([
      [list.id, 'static'],
    ]);
    const [audit] = await handle.db.select().from(auditLog).where(eq(auditLog.workspaceId, ctx.workspaceId));
    expect(audit).toMatchObject({ action: 'list.create', entity: 'segment', entityId: list.id });
  });

  it('add members once, remove them by closing their spells, and keep the history', async () => {
    const { ctx } = await seedWorkspace(handle.db);
    const { ctx: other } = await seedWorkspace(handle.db);
    const [anna, boris, vera] = await seedClients(ctx.workspaceId, ['Анна', 'Борис', 'Вера']);
    const [foreign] = await seedClients(other.workspaceId, ['Чужой']);
    const list = await createList(handle.db, ctx, { name: 'Список' });

    const first = await addListMembers(handle.db, ctx, {
      listId: list.id,
      clientIds: [anna!, boris!, foreign!, randomUUID()],
      now: T1,
    });
    expect(first).toEqual({ ok: true, value: { added: 2 } });
    const second = await addListMembers(handle.db, ctx, {
      listId: list.id,
      clientIds: [boris!, vera!],
      now: T2,
    });
    expect(second).toEqual({ ok: true, value: { added: 1 } });
    expect((await getSegment(handle.db, ctx.workspaceId, list.id))?.memberCount).toBe(3);

    const removed = await removeListMembers(handle.db, ctx, {
      listId: list.id,
      clientIds: [anna!, foreign!, randomUUID()],
      now: T3,
    });
    expect(removed).toEqual({ ok: true, value: { removed: 1 } });
    const again = await addListMembers(handle.db, ctx, { listId: list.id, clientIds: [anna!], now: T3 });
    expect(again).toEqual({ ok: true, value: { added: 1 } });

    const rows = await spells(list.id);
    const byClient = (id: string) =>
      rows.filter((r) => r.clientId === id).map((r) => [r.enteredAt, r.leftAt]);
    expect(byClient(anna!)).toEqual([
      [T1, T3],
      [T3, null],
    ]);
    expect(byClient(boris!)).toEqual([[T1, null]]);
    expect(byClient(vera!)).toEqual([[T2, null]]);
    expect(rows.some((r) => r.clientId === foreign)).toBe(false);

    const page = await listSegmentMembers(
      handle.db,
      { workspaceId: ctx.workspaceId },
      { segmentId: list.id },
    );
    expect(page.ok && page.value.items.map((i) => i.displayName)).toEqual(['Анна', 'Борис', 'Вера']);

    const audit = await handle.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.entityId, list.id))
      .orderBy(asc(auditLog.id));
    expect(audit.map((a) => [a.action, a.before, a.after])).toEqual([
      ['list.create', null, expect.objectContaining({ kind: 'static' })],
      ['list.add_members', null, { clientIds: [anna, boris].sort() }],
      ['list.add_members', null, { clientIds: [vera] }],
      ['list.remove_members', { clientIds: [anna] }, null],
      ['list.add_members', null, { clientIds: [anna] }],
    ]);
  });

  it('only hold clients the caller can see', async () => {
    const { ctx, user } = await seedWorkspace(handle.db);
    const [own] = await seedClients(ctx.workspaceId, ['Свой'], user.id);
    const [others] = await seedClients(ctx.workspaceId, ['Чужой'], null);
    const list = await createList(handle.db, ctx, { name: 'Мои' });
    const restricted: MutationContext = { ...ctx, onlyOwnerId: user.id };
    const added = await addListMembers(handle.db, restricted, {
      listId: list.id,
      clientIds: [own!, others!],
      now: T1,
    });
    expect(added).toEqual({ ok: true, value: { added: 1 } });
    await addListMembers(handle.db, ctx, { listId: list.id, clientIds: [others!], now: T1 });
    const removed = await removeListMembers(handle.db, restricted, {
      listId: list.id,
      clientIds: [own!, others!],
      now: T2,
    });
    expect(removed).toEqual({ ok: true, value: { removed: 1 } });
    expect((await spells(list.id)).map((s) => [s.clientId, s.leftAt])).toEqual([
      [own, T2],
      [others, null],
    ]);
  });

  it('refuse rule segments and lists of other workspaces, and write nothing then', async () => {
    const { ctx } = await seedWorkspace(handle.db);
    const { ctx: other } = await seedWorkspace(handle.db);
    const [client] = await seedClients(ctx.workspaceId, ['Клиент']);
    const rule = await createSegment(handle.db, ctx, {
      name: 'Все',
      rule: { type: 'and', rules: [] },
      now: T1,
    });
    const elsewhere = await createList(handle.db, other, { name: 'Чужой' });
    const params = { clientIds: [client!], now: T2 };
    expect(await addListMembers(handle.db, ctx, { listId: rule.id, ...params })).toEqual({
      ok: false,
      error: { code: 'not_static', id: rule.id },
    });
    expect(await removeListMembers(handle.db, ctx, { listId: rule.id, ...params })).toEqual({
      ok: false,
      error: { code: 'not_static', id: rule.id },
    });
    expect(await addListMembers(handle.db, ctx, { listId: elsewhere.id, ...params })).toEqual({
      ok: false,
      error: { code: 'not_found', entity: 'list', id: elsewhere.id },
    });
    expect((await spells(rule.id)).map((s) => [s.clientId, s.leftAt])).toEqual([[client, null]]);
    expect(await spells(elsewhere.id)).toEqual([]);
  });

  it('are left alone by the recompute, whole-workspace or per client', async () => {
    const { ctx } = await seedWorkspace(handle.db);
    const [kept, left] = await seedClients(ctx.workspaceId, ['Остался', 'Ушёл']);
    const list = await createList(handle.db, ctx, { name: 'Ручной' });
    await addListMembers(handle.db, ctx, { listId: list.id, clientIds: [kept!, left!], now: T1 });
    await removeListMembers(handle.db, ctx, { listId: list.id, clientIds: [left!], now: T2 });
    const before = await spells(list.id);

    const whole = await recomputeWorkspace(handle.db, { workspaceId: ctx.workspaceId, now: T3 });
    const some = await recomputeClients(handle.db, {
      workspaceId: ctx.workspaceId,
      clientIds: [kept!, left!],
      now: T3,
    });
    expect([whole.segmentsEntered, whole.segmentsLeft, some.segmentsEntered, some.segmentsLeft]).toEqual([
      0, 0, 0, 0,
    ]);
    expect(whole.skippedSegments).toEqual([]);
    expect(await spells(list.id)).toEqual(before);
  });
});
