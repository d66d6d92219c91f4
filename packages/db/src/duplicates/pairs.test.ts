import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, duplicatePairs } from '../schema/index.ts';
import { openTestDatabase, seedWorkspace, type TestDatabase } from '../testing/index.ts';
import { findDuplicateMatches, loadDuplicateRecords } from './keys.ts';
import { decodePairCursor, dismissPair, listDuplicatePairs } from './pairs.ts';
import { scanDuplicates } from './scan.ts';
import { createPerson } from './test-support.ts';

let handle: TestDatabase;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(async () => {
  await handle?.close();
});

describe('listDuplicatePairs and dismissPair', () => {
  it('pages the queue best first with a keyset cursor, each pair with its cluster and both briefs', async () => {
    const { ctx, user } = await seedWorkspace(handle.db);
    const other = await seedWorkspace(handle.db);
    const make = (seed: Parameters<typeof createPerson>[2]) => createPerson(handle.db, ctx, seed);
    // A cluster of three records of one person, and a separate pair.
    const x1 = await make({
      lastName: 'Орлова',
      firstName: 'Мария',
      phones: ['+79111111111'],
      ownerId: user.id,
    });
    const x2 = await make({
      lastName: 'Orlova',
      firstName: 'Maria',
      phones: ['+79111111111'],
      ownerId: user.id,
    });
    const x3 = await make({
      lastName: 'Орлова',
      firstName: 'Маша',
      phones: ['+79111111111'],
      externalId: 'EXT-3',
      ownerId: null,
    });
    const y1 = await make({
      lastName: 'Зуев',
      firstName: 'Олег',
      emails: ['zuev@mail.ru'],
      ownerId: user.id,
    });
    const y2 = await make({
      lastName: 'Зуев',
      firstName: 'Олег',
      emails: ['zuev@mail.ru'],
      ownerId: user.id,
    });
    await scanDuplicates(handle.db, ctx.workspaceId);

    const seen: string[] = [];
    const scores: number[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const result = await listDuplicatePairs(handle.db, ctx, { limit: 2, cursor });
      if (!result.ok) throw new Error(result.error.message);
      for (const item of result.value.items) {
        seen.push([item.a.id, item.b.id].sort().join('|'));
        scores.push(item.score);
        const cluster = [x1.id, x2.id, x3.id].includes(item.a.id) ? [x1.id, x2.id, x3.id] : [y1.id, y2.id];
        expect(item.clusterId).toBe(cluster.sort()[0]);
      }
      if (!result.value.nextCursor) break;
      expect(decodePairCursor(result.value.nextCursor)).not.toBeNull();
      cursor = result.value.nextCursor;
    }
    expect(seen).toHaveLength(4);
    expect(new Set(seen).size).toBe(4);
    expect([...scores].sort((p, q) => q - p)).toEqual(scores);

    const all = await listDuplicatePairs(handle.db, ctx, { limit: 10 });
    const withExternal = all.ok && all.value.items.find((i) => i.a.id === x3.id || i.b.id === x3.id);
    const brief = withExternal && (withExternal.a.id === x3.id ? withExternal.a : withExternal.b);
    expect(brief).toMatchObject({
      externalId: 'EXT-3',
      phones: ['+79111111111'],
      kind: 'person',
      version: 1,
    });

    // A manager limited to their own clients sees only pairs of two of them.
    const own = await listDuplicatePairs(handle.db, { ...ctx, onlyOwnerId: user.id }, {});
    expect(own.ok && own.value.items.map((i) => [i.a.id, i.b.id].sort().join('|')).sort()).toEqual(
      [[x1.id, x2.id].sort().join('|'), [y1.id, y2.id].sort().join('|')].sort(),
    );
    expect(await listDuplicatePairs(handle.db, other.ctx, {})).toEqual({
      ok: true,
      value: { items: [], nextCursor: null },
    });
    expect(await listDuplicatePairs(handle.db, ctx, { cursor: 'garbage' })).toMatchObject({
      ok: false,
      error: { field: 'cursor' },
    });
  });

  it('dismisses a pair for good: the queue, rescans and the import check respect it', async () => {
    const { ctx } = await seedWorkspace(handle.db);
    const other = await seedWorkspace(handle.db);
    const a = await createPerson(handle.db, ctx, {
      lastName: 'Лебедев',
      firstName: 'Иван',
      phones: ['+79222222222'],
    });
    const b = await createPerson(handle.db, ctx, {
      lastName: 'Лебедев',
      firstName: 'Иван',
      phones: ['+79222222222'],
    });
    // Never scanned: dismissing stores the pair scored, as dismissed.
    expect(await dismissPair(handle.db, ctx, { a: b.id, b: a.id })).toEqual({
      ok: true,
      value: { ok: true },
    });
    const [stored] = await handle.db
      .select()
      .from(duplicatePairs)
      .where(eq(duplicatePairs.workspaceId, ctx.workspaceId));
    expect(stored).toMatchObject({
      status: 'dismissed',
      clientA: [a.id, b.id].sort()[0],
      decidedBy: ctx.actor.id,
    });
    expect(stored!.score).toBeGreaterThan(0.9);
    await scanDuplicates(handle.db, ctx.workspaceId);
    const open = await listDuplicatePairs(handle.db, ctx, {});
    expect(open.ok && open.value.items).toEqual([]);
    const [record] = await loadDuplicateRecords(handle.db, ctx.workspaceId, [a.id]);
    expect((await findDuplicateMatches(handle.db, ctx.workspaceId, [record!]))[0]!.matches).toEqual([]);
    const audit = await handle.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.workspaceId, ctx.workspaceId), eq(auditLog.action, 'duplicate.dismiss')));
    expect(audit).toHaveLength(1);
    expect(await dismissPair(handle.db, other.ctx, { a: a.id, b: b.id })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await dismissPair(handle.db, ctx, { a: a.id, b: a.id })).toMatchObject({
      ok: false,
      error: { code: 'conflict', field: 'b' },
    });
  });
});
