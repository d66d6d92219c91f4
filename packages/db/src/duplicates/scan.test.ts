import { blockingKeys, candidatePairs } from '@cb/domain';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateClient } from '../queries/clients.ts';
import { queryRows } from '../raw.ts';
import { clientDupKeys, duplicatePairs } from '../schema/index.ts';
import { openTestDatabase, seedWorkspace, type TestDatabase } from '../testing/index.ts';
import { keyHash, loadDuplicateRecords, pairKey } from './keys.ts';
import { checkDuplicates, type ScanProgress, scanDuplicates, scoreStoredPair } from './scan.ts';
import { createPerson } from './test-support.ts';

let handle: TestDatabase;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(async () => {
  await handle?.close();
});

async function storedPairs(workspaceId: string) {
  const rows = await handle.db
    .select()
    .from(duplicatePairs)
    .where(eq(duplicatePairs.workspaceId, workspaceId));
  return new Map(rows.map((r) => [pairKey(r.clientA, r.clientB), r]));
}

async function plantBase() {
  const { ctx } = await seedWorkspace(handle.db);
  const make = (seed: Parameters<typeof createPerson>[2]) => createPerson(handle.db, ctx, seed);
  const fedorovRu = await make({
    lastName: 'Фёдоров',
    firstName: 'Дмитрий',
    birthday: '1981-07-02',
    city: 'Тверь',
  });
  const fedorovEn = await make({
    lastName: 'Fedorov',
    firstName: 'Dmitry',
    birthday: '1981-07-02',
    city: 'Tver',
  });
  const alexander = await make({
    lastName: 'Смирнов',
    firstName: 'Александр',
    patronymic: 'Игоревич',
    emails: ['smirnov@mail.ru'],
  });
  const sasha = await make({ lastName: 'Смирнов', firstName: 'Саша', emails: ['smirnov@mail.ru'] });
  // One number typed as 8 (916) 123-45-67 and +7 916 1234567: stored in E.164, with the raw form kept.
  const phoneA = await make({ lastName: 'Волкова', firstName: 'Елена', phones: ['+79161234567'] });
  const phoneB = await make({ lastName: 'Волкова', firstName: 'Лена', phones: ['+79161234567'] });
  // Distinct people who share a surname, or a first name and a city.
  const ivanov1 = await make({
    lastName: 'Иванов',
    firstName: 'Пётр',
    birthday: '1970-01-01',
    phones: ['+79030000001'],
  });
  const ivanov2 = await make({
    lastName: 'Иванов',
    firstName: 'Сергей',
    birthday: '1995-12-31',
    phones: ['+79030000002'],
  });
  const anna = await make({ lastName: 'Морозова', firstName: 'Анна', city: 'Тверь', birthday: '1988-04-04' });
  const anna2 = await make({ lastName: 'Белова', firstName: 'Анна', city: 'Тверь', birthday: '1960-09-09' });
  return { ctx, fedorovRu, fedorovEn, alexander, sasha, phoneA, phoneB, ivanov1, ivanov2, anna, anna2 };
}

describe('scanDuplicates', () => {
  it('finds planted duplicates across scripts, diminutives and phone formats, and not distinct people', async () => {
    const base = await plantBase();
    const progress: ScanProgress[] = [];
    const result = await scanDuplicates(handle.db, base.ctx.workspaceId, {
      chunkSize: 3,
      onProgress: (p) => progress.push(p),
    });
    expect(result.clientsScanned).toBe(10);
    const pairs = await storedPairs(base.ctx.workspaceId);
    for (const [x, y] of [
      [base.fedorovRu, base.fedorovEn],
      [base.alexander, base.sasha],
      [base.phoneA, base.phoneB],
    ] as const) {
      expect(pairs.get(pairKey(x.id, y.id)), `${x.displayName} ~ ${y.displayName}`).toMatchObject({
        status: 'open',
      });
      expect(pairs.get(pairKey(x.id, y.id))!.score).toBeGreaterThanOrEqual(0.5);
    }
    for (const [x, y] of [
      [base.ivanov1, base.ivanov2],
      [base.anna, base.anna2],
    ] as const) {
      expect(pairs.has(pairKey(x.id, y.id)), `${x.displayName} ≁ ${y.displayName}`).toBe(false);
    }
    expect(result.pairs).toBe(pairs.size);
    for (const stored of pairs.values()) expect(stored.clientA < stored.clientB).toBe(true);
    expect(progress.at(-1)).toEqual({ phase: 'pairs', done: 10, total: 10 });
    expect(progress.filter((p) => p.phase === 'keys').map((p) => p.done)).toEqual([3, 6, 9, 10]);
  });

  it('keeps dismissed pairs dismissed on a rescan, and removes open pairs that no longer score', async () => {
    const base = await plantBase();
    await scanDuplicates(handle.db, base.ctx.workspaceId);
    const dismissedKey = pairKey(base.fedorovRu.id, base.fedorovEn.id);
    const [a, b] = dismissedKey.split('|') as [string, string];
    await handle.db
      .update(duplicatePairs)
      .set({ status: 'dismissed', decidedAt: new Date(), decidedBy: null })
      .where(and(eq(duplicatePairs.clientA, a), eq(duplicatePairs.clientB, b)));
    // Sasha becomes someone else entirely: the open pair with Alexander no longer scores.
    const changed = await updateClient(handle.db, base.ctx, base.sasha.id, {
      lastName: 'Кравченко',
      firstName: 'Олеся',
      emails: [],
      birthday: '2001-02-03',
    });
    expect(changed.ok).toBe(true);
    const again = await scanDuplicates(handle.db, base.ctx.workspaceId);
    const pairs = await storedPairs(base.ctx.workspaceId);
    expect(pairs.get(dismissedKey)).toMatchObject({ status: 'dismissed' });
    expect(pairs.has(pairKey(base.alexander.id, base.sasha.id))).toBe(false);
    expect(again.removed).toBe(1);
    expect(pairs.get(pairKey(base.phoneA.id, base.phoneB.id))).toMatchObject({ status: 'open' });
  });

  it('checks new clients against the base without a full scan', async () => {
    const { ctx } = await seedWorkspace(handle.db);
    const old = await createPerson(handle.db, ctx, {
      lastName: 'Соколов',
      firstName: 'Николай',
      phones: ['+79267778899'],
    });
    const fresh = await createPerson(handle.db, ctx, {
      lastName: 'Sokolov',
      firstName: 'Kolya',
      phones: ['+79267778899'],
    });
    const result = await checkDuplicates(handle.db, ctx.workspaceId, [fresh.id]);
    expect(result).toMatchObject({ clientsChecked: 1, pairs: 1 });
    const pairs = await storedPairs(ctx.workspaceId);
    expect([...pairs.keys()]).toEqual([pairKey(old.id, fresh.id)]);
  });

  it('writes only stale keys: a rescan of an unchanged base leaves every key row as it was', async () => {
    const base = await plantBase();
    const { workspaceId } = base.ctx;
    // Keys as an old version or a raw write may leave them: one missing, one nobody computes.
    await handle.db.execute(sql`
      update client_dup_keys set keys = array_remove(keys, ${keyHash('phone:79161234567')}::bigint)
      where client_id = ${base.phoneA.id}::uuid`);
    await handle.db.execute(sql`
      update client_dup_keys set keys = keys || ${keyHash('stale:key')}::bigint
      where client_id = ${base.anna.id}::uuid`);
    const keysOf = async (clientId: string) =>
      (
        await handle.db
          .select({ keys: clientDupKeys.keys })
          .from(clientDupKeys)
          .where(eq(clientDupKeys.clientId, clientId))
      )
        .flatMap((r) => r.keys.map(String))
        .sort();
    expect(await keysOf(base.phoneA.id)).not.toContain(keyHash('phone:79161234567'));
    expect(await keysOf(base.anna.id)).toContain(keyHash('stale:key'));
    await scanDuplicates(handle.db, workspaceId, { chunkSize: 4 });
    const [record] = await loadDuplicateRecords(handle.db, workspaceId, [base.phoneA.id]);
    expect(await keysOf(base.phoneA.id)).toEqual(blockingKeys(record!).map(keyHash).sort());
    expect(await keysOf(base.phoneA.id)).toContain(keyHash('phone:79161234567'));
    expect(await keysOf(base.anna.id)).not.toContain(keyHash('stale:key'));

    // A row rewritten gets a new xmin: none may change on a rescan of an unchanged base.
    const rowVersions = () =>
      queryRows<{ v: string }>(
        handle.db,
        sql`select client_id || ' ' || keys::text || ' ' || xmin::text as v from client_dup_keys
            where workspace_id = ${workspaceId}::uuid order by 1`,
      );
    const before = await rowVersions();
    await scanDuplicates(handle.db, workspaceId, { chunkSize: 4 });
    expect(await rowVersions()).toEqual(before);
  });

  it.each([
    { chunkSize: 1, recordCacheSize: 0 },
    { chunkSize: 3, recordCacheSize: 4 },
    { chunkSize: 2_000, recordCacheSize: 50_000 },
  ])(
    'scores each candidate pair of the domain blocking once and stores those it scores, whatever the chunks and the cache (%o)',
    async (options) => {
      const base = await plantBase();
      const { workspaceId } = base.ctx;
      // Three clients sharing only a phone: a block bigger than maxBlockSize (2) identifies nobody.
      for (const firstName of ['Ростислав', 'Ярополк', 'Всеволод']) {
        await createPerson(handle.db, base.ctx, {
          lastName: `Кузнецов-${firstName}`,
          firstName,
          phones: ['+79990000000'],
        });
      }
      const ids = (
        await queryRows<{ id: string }>(
          handle.db,
          sql`select id::text as id from clients where workspace_id = ${workspaceId}::uuid`,
        )
      ).map((r) => r.id);
      const records = await loadDuplicateRecords(handle.db, workspaceId, ids);
      const expected = candidatePairs(records, { maxBlockSize: 2 });
      expect(expected.length).toBeLessThan(candidatePairs(records).length);
      const result = await scanDuplicates(handle.db, workspaceId, { ...options, maxBlockSize: 2 });
      expect(result.candidatePairs).toBe(expected.length);
      const again = await scanDuplicates(handle.db, workspaceId, options);
      expect(again.candidatePairs).toBe(candidatePairs(records).length);
      const pairs = await storedPairs(workspaceId);
      expect(again.pairs).toBe(pairs.size);
      const scoredInMemory = candidatePairs(records).flatMap(([x, y]) => {
        const pair = scoreStoredPair(x, y);
        return pair ? [pairKey(pair.clientA, pair.clientB)] : [];
      });
      expect([...pairs.keys()].sort()).toEqual(scoredInMemory.sort());
      expect(pairs.get(pairKey(base.phoneA.id, base.phoneB.id))).toMatchObject({ status: 'open' });
    },
  );
});
