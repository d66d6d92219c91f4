import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listClients } from '../queries/client-list.ts';
import { searchClients } from '../queries/client-search.ts';
import { updateClient } from '../queries/clients.ts';
import { addListMembers, createList } from '../queries/lists.ts';
import { createSegment, listSegmentMembers } from '../queries/segments-crud.ts';
import { recomputeWorkspace } from '../recompute/recompute.ts';
import {
  auditLog,
  clientEmails,
  clientPhones,
  clients,
  consents,
  duplicatePairs,
  interactions,
  merges,
  payments,
  purchases,
  segmentMembers,
  tasks,
} from '../schema/index.ts';
import { openTestDatabase, seedWorkspace, type TestDatabase } from '../testing/index.ts';
import { listMerges, mergeClients, unmergeClients } from './merge.ts';
import { listDuplicatePairs } from './pairs.ts';
import { scanDuplicates } from './scan.ts';
import { createPerson } from './test-support.ts';

let handle: TestDatabase;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(async () => {
  await handle?.close();
});

const AT = new Date('2026-03-01T10:00:00.000Z');

/** Two records of one person, each with some history, in static lists, one referring a third client. */
async function plant() {
  const { ctx, user } = await seedWorkspace(handle.db);
  const survivor = await createPerson(handle.db, ctx, {
    lastName: 'Фёдоров',
    firstName: 'Дмитрий',
    phones: ['+79161234567'],
    emails: ['d.fedorov@mail.ru'],
  });
  const merged = await createPerson(handle.db, ctx, {
    lastName: 'Fedorov',
    firstName: 'Dmitry',
    patronymic: 'Ivanovich',
    birthday: '1981-07-02',
    city: 'Тверь',
    externalId: '1C-0042',
    phones: ['+79161234567', '+74822000000'],
    emails: ['fedorov@yandex.ru'],
  });
  const friend = await createPerson(handle.db, ctx, { lastName: 'Котов', firstName: 'Илья' });
  await handle.db.update(clients).set({ sourceReferrerId: merged.id }).where(eq(clients.id, friend.id));
  const ws = ctx.workspaceId;
  await handle.db.insert(interactions).values([
    { workspaceId: ws, clientId: merged.id, kind: 'call', at: AT, summary: 'Звонок' },
    { workspaceId: ws, clientId: merged.id, kind: 'meeting', at: AT, summary: 'Встреча' },
    { workspaceId: ws, clientId: survivor.id, kind: 'note', at: AT, summary: 'Своя заметка' },
  ]);
  const [purchase] = await handle.db
    .insert(purchases)
    .values({ workspaceId: ws, clientId: merged.id, at: AT, amountKopecks: 150_000 })
    .returning();
  await handle.db.insert(payments).values({
    workspaceId: ws,
    clientId: merged.id,
    purchaseId: purchase!.id,
    at: AT,
    amountKopecks: 150_000,
  });
  await handle.db.insert(tasks).values({ workspaceId: ws, clientId: merged.id, title: 'Перезвонить' });
  await handle.db.insert(consents).values({
    workspaceId: ws,
    clientId: merged.id,
    channel: 'email',
    purpose: 'marketing',
    granted: true,
    at: AT,
    proof: { kind: 'signed_paper', documentRef: 'Анкета №7' },
  });
  const onlyMerged = await createList(handle.db, ctx, { name: 'Только второй' });
  const both = await createList(handle.db, ctx, { name: 'Оба' });
  await addListMembers(handle.db, ctx, { listId: onlyMerged.id, clientIds: [merged.id], now: AT });
  await addListMembers(handle.db, ctx, { listId: both.id, clientIds: [merged.id, survivor.id], now: AT });
  const reread = async (id: string) => (await handle.db.select().from(clients).where(eq(clients.id, id)))[0]!;
  return {
    ctx,
    user,
    survivor: await reread(survivor.id),
    merged: await reread(merged.id),
    friend,
    onlyMerged,
    both,
  };
}

/** Everything stored about the two clients, except the version counters and update times. */
async function snapshot(ids: string[], friendId: string) {
  const rows = async (
    table: typeof interactions | typeof purchases | typeof payments | typeof tasks | typeof consents,
  ) =>
    (await handle.db.select().from(table).where(inArray(table.clientId, ids))).sort((x, y) =>
      x.id < y.id ? -1 : 1,
    );
  const people = (
    await handle.db.select().from(clients).where(inArray(clients.id, ids)).orderBy(asc(clients.id))
  ).map(({ version: _v, updatedAt: _u, ...rest }) => rest);
  return {
    people,
    interactions: await rows(interactions),
    purchases: await rows(purchases),
    payments: await rows(payments),
    tasks: await rows(tasks),
    consents: await rows(consents),
    phones: await handle.db
      .select()
      .from(clientPhones)
      .where(inArray(clientPhones.clientId, ids))
      .orderBy(asc(clientPhones.id)),
    emails: await handle.db
      .select()
      .from(clientEmails)
      .where(inArray(clientEmails.clientId, ids))
      .orderBy(asc(clientEmails.id)),
    spells: await handle.db
      .select()
      .from(segmentMembers)
      .where(inArray(segmentMembers.clientId, ids))
      .orderBy(asc(segmentMembers.id)),
    friend: (
      await handle.db.select({ ref: clients.sourceReferrerId }).from(clients).where(eq(clients.id, friendId))
    )[0],
  };
}

describe('mergeClients / unmergeClients', () => {
  it('moves every kind of history to the survivor, fills its empty fields, and unmerge restores exactly', async () => {
    const p = await plant();
    const ids = [p.survivor.id, p.merged.id];
    const before = await snapshot(ids, p.friend.id);

    const merge = await mergeClients(handle.db, p.ctx, {
      survivorId: p.survivor.id,
      mergedId: p.merged.id,
      expectedVersions: { survivor: p.survivor.version, merged: p.merged.version },
      pick: { firstName: 'survivor' },
    });
    if (!merge.ok) throw new Error(JSON.stringify(merge.error));
    const during = await snapshot(ids, p.friend.id);
    const owner = (r: { clientId: string | null }) => r.clientId;
    for (const table of ['interactions', 'purchases', 'payments', 'tasks', 'consents'] as const) {
      expect(during[table].map(owner), table).toEqual(during[table].map(() => p.survivor.id));
    }
    // The shared number stays on the merged record; the new one and the other e-mail move.
    expect(
      during.phones
        .filter((r) => r.clientId === p.survivor.id)
        .map((r) => r.e164)
        .sort(),
    ).toEqual(['+74822000000', '+79161234567']);
    expect(
      during.emails
        .filter((r) => r.clientId === p.survivor.id)
        .map((r) => r.address)
        .sort(),
    ).toEqual(['d.fedorov@mail.ru', 'fedorov@yandex.ru']);
    expect(during.friend).toEqual({ ref: p.survivor.id });
    const survivorNow = during.people.find((c) => c.id === p.survivor.id)!;
    expect(survivorNow).toMatchObject({
      lastName: 'Фёдоров',
      firstName: 'Дмитрий',
      patronymic: 'Ivanovich',
      birthday: '1981-07-02',
      city: 'Тверь',
      externalId: '1C-0042',
      displayName: 'Фёдоров Дмитрий Ivanovich',
    });
    const mergedNow = during.people.find((c) => c.id === p.merged.id)!;
    expect(mergedNow).toMatchObject({ mergedIntoId: p.survivor.id, stage: 'archived', externalId: null });
    expect(mergedNow.archivedAt).not.toBeNull();
    // Static lists: the survivor joins the list only the merged record was in; no open spell is left on the merged one.
    const open = during.spells.filter((s) => s.leftAt === null);
    expect(open.map((s) => [s.segmentId, s.clientId]).sort()).toEqual(
      [
        [p.onlyMerged.id, p.survivor.id],
        [p.both.id, p.survivor.id],
      ].sort(),
    );
    const [pair] = await handle.db
      .select()
      .from(duplicatePairs)
      .where(eq(duplicatePairs.workspaceId, p.ctx.workspaceId));
    expect(pair).toMatchObject({ status: 'merged' });
    const audit = await handle.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(and(eq(auditLog.workspaceId, p.ctx.workspaceId), eq(auditLog.action, 'client.merge')));
    expect(audit).toHaveLength(1);
    const history = await listMerges(handle.db, p.ctx, {});
    expect(history.ok && history.value.items.map((m) => [m.id, m.merged.id, m.undoneAt])).toEqual([
      [merge.value.mergeId, p.merged.id, null],
    ]);

    const undo = await unmergeClients(handle.db, p.ctx, { mergeId: merge.value.mergeId });
    expect(undo).toEqual({ ok: true, value: { survivorId: p.survivor.id, restoredId: p.merged.id } });
    expect(await snapshot(ids, p.friend.id)).toEqual(before);
    const [row] = await handle.db.select().from(merges).where(eq(merges.id, merge.value.mergeId));
    expect(row!.undoneAt).not.toBeNull();
    const again = await unmergeClients(handle.db, p.ctx, { mergeId: merge.value.mergeId });
    expect(again).toMatchObject({ ok: false, error: { code: 'conflict', field: 'mergeId' } });
  });

  it('refuses a merge on stale versions, and an unmerge once the survivor was edited, naming it', async () => {
    const p = await plant();
    const stale = await mergeClients(handle.db, p.ctx, {
      survivorId: p.survivor.id,
      mergedId: p.merged.id,
      expectedVersions: { survivor: p.survivor.version, merged: p.merged.version - 1 },
    });
    expect(stale).toMatchObject({ ok: false, error: { code: 'stale', id: p.merged.id } });
    expect(
      (await handle.db.select().from(merges).where(eq(merges.workspaceId, p.ctx.workspaceId))).length,
    ).toBe(0);

    const merge = await mergeClients(handle.db, p.ctx, {
      survivorId: p.survivor.id,
      mergedId: p.merged.id,
      expectedVersions: { survivor: p.survivor.version, merged: p.merged.version },
    });
    if (!merge.ok) throw new Error(JSON.stringify(merge.error));
    const twice = await mergeClients(handle.db, p.ctx, {
      survivorId: p.friend.id,
      mergedId: p.merged.id,
      expectedVersions: { survivor: p.friend.version, merged: p.merged.version + 1 },
    });
    expect(twice).toMatchObject({ ok: false, error: { code: 'conflict', field: 'mergedId' } });
    const edited = await updateClient(handle.db, p.ctx, p.survivor.id, { city: 'Москва' });
    expect(edited.ok).toBe(true);
    const refused = await unmergeClients(handle.db, p.ctx, { mergeId: merge.value.mergeId });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'conflict', field: 'mergeId', other: { entity: 'client', id: p.survivor.id } },
    });
    expect(!refused.ok && refused.error.code === 'conflict' && refused.error.message).toContain('Фёдоров');
  });

  it('leaves merged clients out of lists, search, segments and the review queue', async () => {
    const p = await plant();
    await scanDuplicates(handle.db, p.ctx.workspaceId);
    const queued = await listDuplicatePairs(handle.db, p.ctx, {});
    expect(queued.ok && queued.value.items.length).toBeGreaterThan(0);
    const everyone = await createSegment(handle.db, p.ctx, {
      name: 'Все',
      rule: { type: 'and', rules: [] },
      now: AT,
    });
    await recomputeWorkspace(handle.db, { workspaceId: p.ctx.workspaceId, now: AT });
    const merge = await mergeClients(handle.db, p.ctx, {
      survivorId: p.survivor.id,
      mergedId: p.merged.id,
      expectedVersions: { survivor: p.survivor.version, merged: p.merged.version },
    });
    expect(merge.ok).toBe(true);
    await recomputeWorkspace(handle.db, { workspaceId: p.ctx.workspaceId, now: new Date() });
    const ruleMembers = await listSegmentMembers(handle.db, p.ctx, { segmentId: everyone.id });
    expect(ruleMembers.ok && ruleMembers.value.items.map((c) => c.id).sort()).toEqual(
      [p.survivor.id, p.friend.id].sort(),
    );
    const listed = await listClients(handle.db, p.ctx, { filter: { includeArchived: true }, limit: 100 });
    expect(listed.ok && listed.value.items.map((c) => c.id).sort()).toEqual(
      [p.survivor.id, p.friend.id].sort(),
    );
    const found = await searchClients(handle.db, p.ctx, { q: 'Fedorov' });
    expect(found.map((c) => c.id)).toEqual([p.survivor.id]);
    const byPhone = await searchClients(handle.db, p.ctx, { q: '+7 916 123-45-67' });
    expect(byPhone.map((c) => c.id)).toEqual([p.survivor.id]);
    for (const list of [p.onlyMerged, p.both]) {
      const members = await listSegmentMembers(handle.db, p.ctx, { segmentId: list.id });
      expect(members.ok && members.value.items.map((c) => c.id)).toEqual([p.survivor.id]);
    }
    const after = await listDuplicatePairs(handle.db, p.ctx, {});
    expect(
      after.ok && after.value.items.filter((i) => i.a.id === p.merged.id || i.b.id === p.merged.id),
    ).toEqual([]);
    await scanDuplicates(handle.db, p.ctx.workspaceId);
    const rescanned = await handle.db
      .select({ status: duplicatePairs.status })
      .from(duplicatePairs)
      .where(
        and(
          eq(duplicatePairs.workspaceId, p.ctx.workspaceId),
          sql`${p.merged.id}::uuid in (${duplicatePairs.clientA}, ${duplicatePairs.clientB})`,
        ),
      );
    expect(rescanned).toEqual([{ status: 'merged' }]);
  });
});
