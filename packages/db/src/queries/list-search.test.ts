import { matchKey } from '@cb/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, seedWorkspace, type TestDatabase } from '../testing/index.ts';
import { type ClientSort, listClients } from './client-list.ts';
import { searchClients } from './client-search.ts';
import { type ClientWrite, createClient } from './clients.ts';
import type { MutationContext } from './context.ts';
import { encodeCursor } from './cursor.ts';

let handle: TestDatabase;
let ctx: MutationContext;
let otherCtx: MutationContext;
const ids: Record<string, string> = {};

const people: [string, string, string | null, Partial<ClientWrite>][] = [
  [
    'Фёдоров',
    'Алексей',
    'Москва',
    {
      tags: ['vip'],
      phones: [{ e164: '+79161234567', raw: '8 (916) 123-45-67', type: 'mobile', verifiedAt: null }],
    },
  ],
  [
    'Иванова',
    'Мария',
    'Казань',
    { emails: [{ address: 'maria.ivanova@example.ru', type: 'work', verifiedAt: null }] },
  ],
  ['Щукин', 'Дмитрий', 'москва', { tags: ['opt'], source: { channel: 'referral' } }],
  [
    'Smith',
    'John',
    'London',
    { phones: [{ e164: '+442079460958', raw: '+44 20 7946 0958', type: 'work', verifiedAt: null }] },
  ],
  ['Петров', 'Пётр', null, { tags: ['vip', 'opt'], source: { channel: 'purchased_list' } }],
  ['Сидорова', 'Анна', 'Тверь', {}],
  ['Кузнецов', 'Олег', 'Казань', { source: { channel: 'web_form' } }],
];

beforeAll(async () => {
  handle = await openTestDatabase();
  ({ ctx } = await seedWorkspace(handle.db));
  ({ ctx: otherCtx } = await seedWorkspace(handle.db));
  for (const [lastName, firstName, city, extra] of people) {
    const result = await createClient(handle.db, ctx, {
      kind: 'person',
      lastName,
      firstName,
      city,
      displayName: `${lastName} ${firstName}`,
      matchKey: matchKey(lastName, firstName),
      ...extra,
    });
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    ids[lastName] = result.value.id;
  }
  // The same surname in another workspace must never leak into this one.
  await createClient(handle.db, otherCtx, {
    kind: 'person',
    lastName: 'Фёдоров',
    firstName: 'Чужой',
    displayName: 'Фёдоров Чужой',
    matchKey: matchKey('Фёдоров', 'Чужой'),
  });
});
afterAll(async () => {
  await handle?.close();
});

async function walk(sort: ClientSort, pageSize: number) {
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 20; page++) {
    const result = await listClients(
      handle.db,
      { workspaceId: ctx.workspaceId },
      { sort, cursor, limit: pageSize },
    );
    if (!result.ok) throw new Error(result.error.message);
    seen.push(...result.value.items.map((i) => i.displayName));
    cursor = result.value.nextCursor;
    if (!cursor) break;
  }
  return seen;
}

describe('listClients', () => {
  it.each([
    { field: 'displayName', direction: 'asc' },
    { field: 'displayName', direction: 'desc' },
    { field: 'createdAt', direction: 'desc' },
    { field: 'createdAt', direction: 'asc' },
    { field: 'temperatureScore', direction: 'desc' },
  ] as ClientSort[])('pages through every client exactly once sorted by $field $direction', async (sort) => {
    const all = await walk(sort, 100);
    const paged = await walk(sort, 2);
    expect(all).toHaveLength(people.length);
    expect(paged).toEqual(all);
    if (sort.field === 'displayName') {
      const sorted = [...all].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      // Collations differ between servers; only check that the order is monotonic and total.
      expect(new Set(paged).size).toBe(sorted.length);
    }
  });

  it.each([
    [{ tags: ['vip'] }, ['Петров', 'Фёдоров']],
    [{ city: 'МОСКВА ' }, ['Фёдоров', 'Щукин']],
    [{ sourceChannel: ['referral', 'web_form'] }, ['Кузнецов', 'Щукин']],
    [{ stage: ['prospect'] }, people.map((p) => p[0])],
    [{ temperature: ['hot'] }, []],
  ] as const)('filters by %j', async (filter, expected) => {
    const result = await listClients(
      handle.db,
      { workspaceId: ctx.workspaceId },
      { filter: { ...filter } as never, limit: 50 },
    );
    if (!result.ok) throw new Error(result.error.message);
    const names = result.value.items.map((i) => i.displayName.split(' ')[0]).sort();
    expect(names).toEqual([...expected].sort());
  });

  it('returns the primary phone and e-mail on each row', async () => {
    const result = await listClients(
      handle.db,
      { workspaceId: ctx.workspaceId },
      { filter: { tags: ['vip'] } },
    );
    if (!result.ok) throw new Error(result.error.message);
    const fedorov = result.value.items.find((i) => i.id === ids.Фёдоров);
    expect(fedorov).toMatchObject({ phone: '+79161234567', email: null, city: 'Москва' });
  });

  it.each(['not-base64!', encodeCursor('yesterday', '00000000-0000-0000-0000-000000000000'), 'WzEsMl0'])(
    'rejects the broken cursor %s as a field error',
    async (cursor) => {
      const result = await listClients(handle.db, { workspaceId: ctx.workspaceId }, { cursor });
      expect(result).toEqual({ ok: false, error: { field: 'cursor', message: expect.any(String) } });
    },
  );
});

describe('searchClients', () => {
  it.each([
    ['+79161234567', 'Фёдоров', 'phone'],
    ['8 (916) 123-45-67', 'Фёдоров', 'phone'],
    ['8-916-123-45-67', 'Фёдоров', 'phone'],
    ['+44 20 7946 0958', 'Smith', 'phone'],
    ['maria.ivanova@example.ru', 'Иванова', 'email'],
    ['MARIA.IVANOVA@', 'Иванова', 'email'],
    ['Фёдоров', 'Фёдоров', 'name'],
    ['федоров', 'Фёдоров', 'name'],
    ['Fedorov', 'Фёдоров', 'name'],
    ['Shchukin', 'Щукин', 'name'],
    ['Сидорва', 'Сидорова', 'name'],
    ['Кузнецв Олег', 'Кузнецов', 'name'],
    ['Смит', 'Smith', 'name'],
  ])('finds %s → %s by %s', async (q, lastName, how) => {
    const hits = await searchClients(handle.db, { workspaceId: ctx.workspaceId }, { q });
    expect(hits[0]?.id).toBe(ids[lastName]);
    expect(hits[0]?.matchedBy).toBe(how);
  });

  it('never returns clients of another workspace, and nothing for an empty query', async () => {
    const hits = await searchClients(handle.db, { workspaceId: ctx.workspaceId }, { q: 'Фёдоров Чужой' });
    expect(hits.every((h) => h.displayName !== 'Фёдоров Чужой')).toBe(true);
    expect(await searchClients(handle.db, { workspaceId: ctx.workspaceId }, { q: '   ' })).toEqual([]);
  });

  it('finds nothing for an unrelated word', async () => {
    expect(await searchClients(handle.db, { workspaceId: ctx.workspaceId }, { q: 'Зеленоградский' })).toEqual(
      [],
    );
  });
});
