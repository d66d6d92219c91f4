import { randomUUID } from 'node:crypto';
import { DAY_MS, evaluateSegment, parseSegmentRule, type SegmentRule } from '@cb/domain';
import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clients } from '../schema/index.ts';
import { openTestDatabase, type TestDatabase } from '../testing/index.ts';
import { compileSegment } from './compile.ts';
import { previewSegment, segmentMemberIds } from './queries.ts';
import { type SeedClient, seedBase } from './seed.testing.ts';

const now = new Date('2025-06-15T12:00:00.123Z');
const ago = (days: number, ms = 0) => new Date(now.getTime() - days * DAY_MS + ms);
const owner = randomUUID();
const batch = randomUUID();

function client(displayName: string, overrides: Partial<SeedClient> = {}): SeedClient {
  return {
    id: randomUUID(),
    displayName,
    kind: 'person',
    stage: 'prospect',
    temperature: null,
    createdAt: ago(100),
    verifiedAt: null,
    city: null,
    ownerId: null,
    tags: [],
    sourceChannel: 'web_form',
    sourceBatchId: null,
    custom: {},
    purchases: [],
    interactions: [],
    consents: [],
    tasks: [],
    ...overrides,
  };
}

const base: SeedClient[] = [
  client('Анна', {
    stage: 'customer',
    temperature: 'hot',
    city: ' МОСКВА ',
    ownerId: owner,
    tags: ['vip'],
    custom: { size: 42, since: '2024-03-01', note: "O'Brien; drop table clients" },
    purchases: [
      { at: ago(3, 5), amountKopecks: 150_000 },
      { at: ago(40), amountKopecks: 50_000 },
      { at: ago(-2), amountKopecks: 999_999 },
    ],
    consents: [
      { channel: 'email', purpose: 'marketing', granted: true, at: ago(30) },
      { channel: 'email', purpose: 'marketing', granted: false, at: ago(-1) },
    ],
    interactions: [{ at: ago(1), kind: 'call', direction: 'inbound' }],
    tasks: [{ dueAt: ago(-1), doneAt: null }],
  }),
  client('Борис', {
    stage: 'lapsed',
    temperature: 'cold',
    city: 'москва',
    sourceChannel: 'purchased_list',
    sourceBatchId: batch,
    verifiedAt: ago(400),
    custom: { size: '42', vip: true },
    purchases: [{ at: ago(200), amountKopecks: 10_000 }],
    consents: [
      { channel: 'email', purpose: 'marketing', granted: true, at: ago(60) },
      { channel: 'email', purpose: 'marketing', granted: false, at: ago(10) },
    ],
    tasks: [{ dueAt: null, doneAt: ago(5) }],
  }),
  client('Вера', { city: 'Казань', tags: ['vip', 'b2b'], verifiedAt: ago(2), createdAt: ago(-3) }),
  client('Глеб', { stage: 'archived', custom: { size: null } }),
];

const names = (rule: SegmentRule) =>
  base.filter((c) => evaluateSegment(rule, c, now)).map((c) => c.displayName);

let handle: TestDatabase;
let workspaceId: string;
beforeAll(async () => {
  handle = await openTestDatabase();
  workspaceId = await seedBase(handle.db, { ownerIds: [owner], batchIds: [batch], clients: base });
});
afterAll(async () => {
  await handle?.close();
});

const cases: [string, unknown, string[]][] = [
  ['empty and: everyone', { type: 'and', rules: [] }, ['Анна', 'Борис', 'Вера', 'Глеб']],
  ['empty or: no one', { type: 'or', rules: [] }, []],
  [
    'temperature: null matches nothing',
    { type: 'condition', field: 'temperature', op: 'in', values: ['hot', 'cold'] },
    ['Анна', 'Борис'],
  ],
  [
    'not temperature: includes the unassessed',
    { type: 'not', rule: { type: 'condition', field: 'temperature', op: 'in', values: ['hot'] } },
    ['Борис', 'Вера', 'Глеб'],
  ],
  ['city folded', { type: 'condition', field: 'city', op: 'in', values: ['Москва'] }, ['Анна', 'Борис']],
  [
    'not city: no city is not Moscow',
    { type: 'not', rule: { type: 'condition', field: 'city', op: 'in', values: ['москва'] } },
    ['Вера', 'Глеб'],
  ],
  ['tags hasAll', { type: 'condition', field: 'tags', op: 'hasAll', values: ['vip', 'b2b'] }, ['Вера']],
  ['tags hasNone', { type: 'condition', field: 'tags', op: 'hasNone', values: ['vip'] }, ['Борис', 'Глеб']],
  [
    'owner in (upper-case id)',
    { type: 'condition', field: 'owner', op: 'in', values: [owner.toUpperCase()] },
    ['Анна'],
  ],
  ['source batch', { type: 'condition', field: 'sourceBatch', op: 'in', values: [batch] }, ['Борис']],
  [
    'custom number vs string',
    { type: 'condition', field: 'custom', key: 'size', op: 'eq', value: 42 },
    ['Анна'],
  ],
  [
    'custom null is not set',
    { type: 'condition', field: 'custom', key: 'size', op: 'isNotSet' },
    ['Вера', 'Глеб'],
  ],
  [
    'custom date string',
    { type: 'condition', field: 'custom', key: 'since', op: 'gte', value: '2024-01-31' },
    ['Анна'],
  ],
  [
    'custom contains with quotes',
    { type: 'condition', field: 'custom', key: 'note', op: 'contains', value: "o'brien;" },
    ['Анна'],
  ],
  ['custom boolean', { type: 'condition', field: 'custom', key: 'vip', op: 'neq', value: false }, ['Борис']],
  [
    'consent: future withdrawal not in force yet',
    { type: 'condition', field: 'hasConsent', channel: 'email', purpose: 'marketing' },
    ['Анна'],
  ],
  [
    'purchases in 30 days ignore the future',
    { type: 'condition', metric: 'purchaseCount', windowDays: 30, op: 'eq', value: 1 },
    ['Анна'],
  ],
  ['purchase sum all time', { type: 'condition', metric: 'purchaseSum', op: 'eq', value: 2000 }, ['Анна']],
  [
    'days since purchase',
    { type: 'condition', metric: 'daysSinceLastPurchase', op: 'eq', value: 2 },
    ['Анна'],
  ],
  ['never purchased', { type: 'condition', metric: 'daysSinceLastPurchase', op: 'never' }, ['Вера', 'Глеб']],
  [
    'not never purchased',
    { type: 'not', rule: { type: 'condition', metric: 'daysSinceLastPurchase', op: 'never' } },
    ['Анна', 'Борис'],
  ],
  [
    'inbound calls',
    {
      type: 'condition',
      metric: 'interactionCount',
      kind: 'call',
      direction: 'inbound',
      windowDays: 7,
      op: 'gte',
      value: 1,
    },
    ['Анна'],
  ],
  ['open tasks', { type: 'condition', metric: 'openTaskCount', op: 'gt', value: 0 }, ['Анна']],
  ['verified never', { type: 'condition', field: 'verifiedAt', op: 'never' }, ['Анна', 'Глеб']],
  [
    'created in the future is not within',
    { type: 'condition', field: 'createdAt', op: 'withinLastDays', days: 365 },
    ['Анна', 'Борис', 'Глеб'],
  ],
  [
    'archived is an ordinary stage',
    { type: 'condition', field: 'stage', op: 'in', values: ['archived'] },
    ['Глеб'],
  ],
];

describe('compileSegment', () => {
  it.each(cases)('%s', async (_name, input, expected) => {
    const parsed = parseSegmentRule(input);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
    const ids = await segmentMemberIds(handle.db, { workspaceId, rule: parsed.value, now });
    const byId = new Map(base.map((c) => [c.id, c.displayName]));
    expect(ids.map((id) => byId.get(id)).sort()).toEqual([...expected].sort());
    expect(names(parsed.value).sort()).toEqual([...expected].sort());
  });

  it('binds every value and the clock as parameters', () => {
    const hostile = "x'); drop table clients; --";
    const rule: SegmentRule = {
      type: 'or',
      rules: [
        { type: 'condition', field: 'city', op: 'in', values: [hostile] },
        { type: 'condition', field: 'tags', op: 'hasAny', values: [hostile] },
        { type: 'condition', field: 'custom', key: hostile, op: 'eq', value: hostile },
        { type: 'condition', field: 'custom', key: hostile, op: 'gt', value: 12.5 },
        { type: 'condition', metric: 'purchaseCount', op: 'gt', value: 0 },
      ],
    };
    const query = new PgDialect().sqlToQuery(compileSegment(rule, { now }));
    expect(query.sql).not.toContain('drop table');
    expect(query.sql).not.toContain('2025-06');
    expect(query.sql).not.toContain('12.5');
    expect(query.params).toContain(hostile);
    expect(query.params).toContain(now.toISOString());
  });

  it('runs hostile values harmlessly', async () => {
    const hostile = "'; drop table clients; --";
    const rule: SegmentRule = {
      type: 'or',
      rules: [
        { type: 'condition', field: 'city', op: 'in', values: [hostile] },
        { type: 'condition', field: 'custom', key: hostile, op: 'contains', value: hostile },
      ],
    };
    expect(await segmentMemberIds(handle.db, { workspaceId, rule, now })).toEqual([]);
    const [left] = await handle.db.select({ n: sql<number>`count(*)::int` }).from(clients);
    expect(left?.n).toBeGreaterThanOrEqual(base.length);
  });

  it('handles the deepest allowed nesting of not', async () => {
    let rule: SegmentRule = { type: 'condition', field: 'temperature', op: 'in', values: ['hot'] };
    for (let i = 0; i < 9; i++) rule = { type: 'not', rule };
    const ids = await segmentMemberIds(handle.db, { workspaceId, rule, now });
    expect(ids).toHaveLength(3);
  });
});

describe('previewSegment', () => {
  it('counts and samples by name within the workspace', async () => {
    const rule: SegmentRule = { type: 'condition', field: 'stage', op: 'in', values: ['archived'] };
    expect(await previewSegment(handle.db, { workspaceId, rule, now, sampleSize: 0 })).toEqual({
      count: 1,
      sample: [],
    });
    const everyone = await previewSegment(handle.db, {
      workspaceId,
      rule: { type: 'and', rules: [] },
      now,
      sampleSize: 2,
    });
    expect(everyone.count).toBe(4);
    expect(everyone.sample.map((s) => s.displayName)).toEqual(['Анна', 'Борис']);
    const other = await previewSegment(handle.db, { workspaceId: randomUUID(), rule, now, sampleSize: 5 });
    expect(other).toEqual({ count: 0, sample: [] });
  });
});
