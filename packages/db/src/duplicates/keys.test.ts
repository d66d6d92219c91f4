import { blockingKeys, type DuplicateRecord } from '@cb/domain';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateClient } from '../queries/clients.ts';
import { queryRows } from '../raw.ts';
import { clientDupKeys, duplicatePairs, outbox } from '../schema/index.ts';
import { openTestDatabase, seedWorkspace, type TestDatabase } from '../testing/index.ts';
import {
  findDuplicateMatches,
  hashedKeys,
  keyHash,
  loadDuplicateRecords,
  writeDuplicateKeys,
} from './keys.ts';
import { DUPLICATES_CHECK } from './outbox.ts';
import { createPerson } from './test-support.ts';

let handle: TestDatabase;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(async () => {
  await handle?.close();
});

/** The client's stored keys (hashed, as decimal strings), sorted as text. */
const keysOf = async (clientId: string) =>
  (
    await handle.db
      .select({ keys: clientDupKeys.keys })
      .from(clientDupKeys)
      .where(eq(clientDupKeys.clientId, clientId))
  )
    .flatMap((r) => r.keys.map(String))
    .sort();

const hashesOf = (keys: string[]) => keys.map(keyHash);

describe('duplicate keys', () => {
  it('are written with the client on create and update, with a duplicates.check outbox row', async () => {
    const { ctx } = await seedWorkspace(handle.db);
    const client = await createPerson(handle.db, ctx, {
      lastName: 'Фёдоров',
      firstName: 'Александр',
      phones: ['+79161234567'],
      emails: ['fedorov@example.ru'],
    });
    const [record] = await loadDuplicateRecords(handle.db, ctx.workspaceId, [client.id]);
    const nameKeys = hashesOf(blockingKeys(record!).filter((k) => k.startsWith('name:')));
    expect(nameKeys.length).toBeGreaterThan(0);
    const keys = await keysOf(client.id);
    expect(keys).toEqual([...hashedKeys(record!)].sort());
    expect(keys).toEqual(
      expect.arrayContaining([...hashesOf(['phone:79161234567', 'email:fedorov@example.ru']), ...nameKeys]),
    );
    const checks = await handle.db
      .select({ payload: outbox.payload })
      .from(outbox)
      .where(and(eq(outbox.workspaceId, ctx.workspaceId), eq(outbox.topic, DUPLICATES_CHECK)));
    expect(checks).toEqual([{ payload: { clientIds: [client.id] } }]);

    const updated = await updateClient(handle.db, ctx, client.id, { phones: [], emails: [] });
    expect(updated.ok).toBe(true);
    const after = await keysOf(client.id);
    const [changed] = await loadDuplicateRecords(handle.db, ctx.workspaceId, [client.id]);
    expect(after).toEqual([...hashedKeys(changed!)].sort());
    expect(after).not.toEqual(expect.arrayContaining(hashesOf(['phone:79161234567'])));
    expect(after).not.toEqual(expect.arrayContaining(hashesOf(['email:fedorov@example.ru'])));
    expect(after).toEqual(expect.arrayContaining(nameKeys));
  });

  it('loads stored clients as duplicate records, in the order asked, leaving out other workspaces', async () => {
    const { ctx } = await seedWorkspace(handle.db);
    const other = await seedWorkspace(handle.db);
    const a = await createPerson(handle.db, ctx, {
      lastName: 'Петров',
      firstName: 'Иван',
      birthday: '1980-05-01',
      phones: ['+79001112233', '+74951234567'],
      city: 'Москва',
      inn: '770100000001',
      externalId: '1C-17',
    });
    const b = await createPerson(handle.db, ctx, { lastName: 'Сидорова', firstName: 'Анна' });
    const foreign = await createPerson(handle.db, other.ctx, { lastName: 'Петров', firstName: 'Иван' });
    const records = await loadDuplicateRecords(handle.db, ctx.workspaceId, [b.id, foreign.id, a.id]);
    expect(records.map((r) => r.id)).toEqual([b.id, a.id]);
    expect(records[1]).toMatchObject({
      id: a.id,
      kind: 'person',
      lastName: 'Петров',
      firstName: 'Иван',
      birthday: '1980-05-01',
      phones: ['+79001112233', '+74951234567'],
      emails: [],
      city: 'Москва',
      inn: '770100000001',
      externalId: '1C-17',
    } satisfies Partial<DuplicateRecord>);
  });

  it('matches incoming records against the base by shared keys, scored, best first', async () => {
    const { ctx } = await seedWorkspace(handle.db);
    const fedorov = await createPerson(handle.db, ctx, {
      lastName: 'Фёдоров',
      firstName: 'Александр',
      patronymic: 'Петрович',
      birthday: '1975-03-14',
      phones: ['+79161234567'],
    });
    const stranger = await createPerson(handle.db, ctx, {
      lastName: 'Кузнецова',
      firstName: 'Мария',
      birthday: '1990-10-10',
      phones: ['+79035554433'],
    });
    const incoming: DuplicateRecord[] = [
      {
        id: 'row-1',
        kind: 'person',
        lastName: 'Fedorov',
        firstName: 'Sasha',
        birthday: '1975-03-14',
        phones: ['+79161234567'],
        emails: [],
      },
      {
        id: 'row-2',
        kind: 'person',
        lastName: 'Смирнов',
        firstName: 'Олег',
        phones: ['+79990000000'],
        emails: [],
      },
      {
        id: 'row-3',
        kind: 'person',
        lastName: 'Кузнецова',
        firstName: 'Мария',
        birthday: '1990-10-10',
        phones: [],
        emails: [],
      },
    ];
    const results = await findDuplicateMatches(handle.db, ctx.workspaceId, incoming);
    expect(results.map((r) => r.recordId)).toEqual(['row-1', 'row-2', 'row-3']);
    expect(results[0]!.matches.map((m) => m.clientId)).toEqual([fedorov.id]);
    expect(results[0]!.matches[0]!.score).toBeGreaterThan(0.9);
    expect(results[0]!.matches[0]!.reasons.some((r) => r.field === 'phone' && r.agreement === 'exact')).toBe(
      true,
    );
    expect(results[1]!.matches).toEqual([]);
    expect(results[2]!.matches.map((m) => m.clientId)).toEqual([stranger.id]);
  });

  it('never matches a stored record with itself, and leaves out pairs dismissed as not duplicates', async () => {
    const { ctx } = await seedWorkspace(handle.db);
    const a = await createPerson(handle.db, ctx, {
      lastName: 'Орлов',
      firstName: 'Павел',
      phones: ['+79112223344'],
    });
    const b = await createPerson(handle.db, ctx, {
      lastName: 'Орлов',
      firstName: 'Павел',
      phones: ['+79112223344'],
    });
    const [recordA] = await loadDuplicateRecords(handle.db, ctx.workspaceId, [a.id]);
    expect(
      (await findDuplicateMatches(handle.db, ctx.workspaceId, [recordA!]))[0]!.matches.map((m) => m.clientId),
    ).toEqual([b.id]);
    const [lo, hi] = a.id < b.id ? [a.id, b.id] : [b.id, a.id];
    await handle.db.insert(duplicatePairs).values({
      workspaceId: ctx.workspaceId,
      clientA: lo,
      clientB: hi,
      score: 0.99,
      decision: 'duplicate',
      reasons: [],
      status: 'dismissed',
    });
    expect((await findDuplicateMatches(handle.db, ctx.workspaceId, [recordA!]))[0]!.matches).toEqual([]);
  });

  it('skips keys shared by more clients than the block limit', async () => {
    const { ctx } = await seedWorkspace(handle.db);
    const shared = [];
    for (let i = 0; i < 12; i++) {
      shared.push(
        await createPerson(handle.db, ctx, {
          lastName: ['Ветров', 'Гусев', 'Жуков', 'Зайцев', 'Ильин', 'Карпов'][i % 6]!,
          firstName: ['Олег', 'Пётр', 'Роман', 'Семён', 'Тимур', 'Фёдор'][Math.floor(i / 2) % 6]!,
          phones: ['+78005553535'],
        }),
      );
    }
    const probe: DuplicateRecord = { id: 'probe', kind: 'person', phones: ['+78005553535'], emails: [] };
    const [wide] = await findDuplicateMatches(handle.db, ctx.workspaceId, [probe], { minScore: 0 });
    expect(new Set(wide!.matches.map((m) => m.clientId))).toEqual(new Set(shared.map((c) => c.id)));
    const [narrow] = await findDuplicateMatches(handle.db, ctx.workspaceId, [probe], {
      maxBlockSize: 10,
      minScore: 0,
    });
    expect(narrow!.matches).toEqual([]);
    expect(await writeDuplicateKeys(handle.db, ctx.workspaceId, [{ ...probe, id: shared[0]!.id }])).toBe(1);
  });
});

describe('key hashes', () => {
  // Migration 0008 hashes the stored text keys in SQL; the app hashes in JS: both must agree.
  it.each([
    'phone:79161234567',
    'email:fedorov@example.ru',
    'name:фёдоров|а',
    'name:ЁЛКИН Ёж',
    'inn:770100000001',
    'ext:1C-17 «Рога и копыта»',
    '',
    '😀 émigré',
  ])('of %j are the same in JS and in SQL', async (key) => {
    const [row] = await queryRows<{ hash: string }>(
      handle.db,
      sql`select (('x' || left(md5(${key}::text), 16))::bit(64)::bigint)::text as hash`,
    );
    expect(row?.hash).toBe(keyHash(key));
  });
});
