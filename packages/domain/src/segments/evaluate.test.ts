import { describe, expect, it } from 'vitest';
import { type ClientFacts, DAY_MS } from '../facts.ts';
import { evaluateSegment } from './evaluate.ts';
import type { SegmentRule } from './rule.ts';

const now = new Date('2025-06-15T12:00:00.000Z');
const ago = (days: number, ms = 0) => new Date(now.getTime() - days * DAY_MS + ms);
const ownerA = '11111111-1111-4111-8111-111111111111';

function client(overrides: Partial<ClientFacts> = {}): ClientFacts {
  return {
    id: 'c1',
    kind: 'person',
    stage: 'customer',
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

const c = <R extends SegmentRule>(rule: R) => rule;
const hot = c({ type: 'condition', field: 'temperature', op: 'in', values: ['hot'] });
const customer = c({ type: 'condition', field: 'stage', op: 'in', values: ['customer'] });
const consentEmail = c({ type: 'condition', field: 'hasConsent', channel: 'email', purpose: 'marketing' });
const custom = (op: string, value?: string | number | boolean): SegmentRule =>
  ({
    type: 'condition',
    field: 'custom',
    key: 'k',
    op,
    ...(value === undefined ? {} : { value }),
  }) as SegmentRule;

function deep(depth: number, leaf: SegmentRule): SegmentRule {
  let rule = leaf;
  for (let i = 0; i < depth; i++)
    rule = i % 2 === 0 ? { type: 'and', rules: [rule] } : { type: 'or', rules: [rule] };
  return rule;
}

const cases: [string, SegmentRule, Partial<ClientFacts>, boolean][] = [
  ['empty and matches everyone', { type: 'and', rules: [] }, {}, true],
  ['empty or matches no one', { type: 'or', rules: [] }, {}, false],
  ['not of empty or', { type: 'not', rule: { type: 'or', rules: [] } }, {}, true],
  ['stage in list', customer, {}, true],
  ['no temperature matches nothing', hot, { temperature: null }, false],
  ['not(temperature) matches an unassessed client', { type: 'not', rule: hot }, { temperature: null }, true],
  ['temperature hot', hot, { temperature: 'hot' }, true],
  ['deep nesting keeps the leaf', deep(9, customer), {}, true],
  ['and of mixed', { type: 'and', rules: [customer, hot] }, { temperature: 'warm' }, false],
  ['or of mixed', { type: 'or', rules: [customer, hot] }, { temperature: 'warm' }, true],
  // tags
  [
    'tags hasAny',
    { type: 'condition', field: 'tags', op: 'hasAny', values: ['vip', 'x'] },
    { tags: ['vip'] },
    true,
  ],
  [
    'tags hasAll missing one',
    { type: 'condition', field: 'tags', op: 'hasAll', values: ['vip', 'x'] },
    { tags: ['vip'] },
    false,
  ],
  [
    'tags are case-sensitive',
    { type: 'condition', field: 'tags', op: 'hasAny', values: ['VIP'] },
    { tags: ['vip'] },
    false,
  ],
  ['tags hasNone on no tags', { type: 'condition', field: 'tags', op: 'hasNone', values: ['vip'] }, {}, true],
  // city
  [
    'city trimmed and case-folded',
    { type: 'condition', field: 'city', op: 'in', values: ['москва'] },
    { city: '  МОСКВА\t' },
    true,
  ],
  [
    'city ё folds to itself only',
    { type: 'condition', field: 'city', op: 'in', values: ['ёлкино'] },
    { city: 'Елкино' },
    false,
  ],
  ['no city matches nothing', { type: 'condition', field: 'city', op: 'in', values: ['Москва'] }, {}, false],
  // owner, source
  ['owner in', { type: 'condition', field: 'owner', op: 'in', values: [ownerA] }, { ownerId: ownerA }, true],
  ['owner isEmpty', { type: 'condition', field: 'owner', op: 'isEmpty' }, { ownerId: ownerA }, false],
  ['batch in, none set', { type: 'condition', field: 'sourceBatch', op: 'in', values: [ownerA] }, {}, false],
  ['channel in', { type: 'condition', field: 'sourceChannel', op: 'in', values: ['web_form'] }, {}, true],
  // custom fields
  ['custom missing: eq', custom('eq', 'x'), {}, false],
  ['custom missing: neq', custom('neq', 'x'), {}, false],
  ['custom missing: isNotSet', custom('isNotSet'), {}, true],
  ['custom null is not set', custom('isSet'), { custom: { k: null } }, false],
  ['custom wrong type: "5" is not 5', custom('eq', 5), { custom: { k: '5' } }, false],
  ['custom wrong type: neq does not match', custom('neq', 5), { custom: { k: '5' } }, false],
  ['custom wrong type: bool vs string', custom('eq', true), { custom: { k: 'true' } }, false],
  ['custom number numeric order', custom('gt', 9), { custom: { k: 10 } }, true],
  ['custom string order is not numeric', custom('gt', '9'), { custom: { k: '10' } }, false],
  ['custom date as string', custom('lt', '2024-06-01'), { custom: { k: '2024-05-31' } }, true],
  ['custom gte equal', custom('gte', 2.5), { custom: { k: 2.5 } }, true],
  ['custom contains folds case', custom('contains', 'WORLD'), { custom: { k: 'Hello world' } }, true],
  ['custom contains on number', custom('contains', '1'), { custom: { k: 10 } }, false],
  ['custom boolean eq', custom('eq', false), { custom: { k: false } }, true],
  // dates
  [
    'created before',
    { type: 'condition', field: 'createdAt', op: 'before', at: '2025-01-01T00:00:00Z' },
    { createdAt: ago(200) },
    true,
  ],
  [
    'created after, exact instant excluded',
    { type: 'condition', field: 'createdAt', op: 'after', at: now.toISOString() },
    { createdAt: now },
    false,
  ],
  [
    'created within 7 days, edge excluded',
    { type: 'condition', field: 'createdAt', op: 'withinLastDays', days: 7 },
    { createdAt: ago(7) },
    false,
  ],
  [
    'created within 7 days, 1 ms inside',
    { type: 'condition', field: 'createdAt', op: 'withinLastDays', days: 7 },
    { createdAt: ago(7, 1) },
    true,
  ],
  [
    'created in the future is not within',
    { type: 'condition', field: 'createdAt', op: 'withinLastDays', days: 7 },
    { createdAt: ago(-1) },
    false,
  ],
  [
    'created older than 7, edge included',
    { type: 'condition', field: 'createdAt', op: 'olderThanDays', days: 7 },
    { createdAt: ago(7) },
    true,
  ],
  ['verified never', { type: 'condition', field: 'verifiedAt', op: 'never' }, {}, true],
  [
    'never verified is not older than',
    { type: 'condition', field: 'verifiedAt', op: 'olderThanDays', days: 1 },
    {},
    false,
  ],
  [
    'verified in the future is not older',
    { type: 'condition', field: 'verifiedAt', op: 'olderThanDays', days: 1 },
    { verifiedAt: ago(-3) },
    false,
  ],
  // consent
  ['no consent', consentEmail, {}, false],
  [
    'consent granted',
    consentEmail,
    { consents: [{ channel: 'email', purpose: 'marketing', granted: true, at: ago(10) }] },
    true,
  ],
  [
    'consent withdrawn later',
    consentEmail,
    {
      consents: [
        { channel: 'email', purpose: 'marketing', granted: false, at: ago(2) },
        { channel: 'email', purpose: 'marketing', granted: true, at: ago(10) },
      ],
    },
    false,
  ],
  [
    'withdrawal in the future is not in force yet',
    consentEmail,
    {
      consents: [
        { channel: 'email', purpose: 'marketing', granted: true, at: ago(10) },
        { channel: 'email', purpose: 'marketing', granted: false, at: ago(-2) },
      ],
    },
    true,
  ],
  [
    'grant in the future does not count',
    consentEmail,
    { consents: [{ channel: 'email', purpose: 'marketing', granted: true, at: ago(-1) }] },
    false,
  ],
  [
    'tie in time: withdrawal wins',
    consentEmail,
    {
      consents: [
        { channel: 'email', purpose: 'marketing', granted: true, at: ago(1) },
        { channel: 'email', purpose: 'marketing', granted: false, at: ago(1) },
      ],
    },
    false,
  ],
  [
    'other purpose does not count',
    consentEmail,
    { consents: [{ channel: 'email', purpose: 'service', granted: true, at: ago(1) }] },
    false,
  ],
  // purchases
  ['no purchases: count eq 0', { type: 'condition', metric: 'purchaseCount', op: 'eq', value: 0 }, {}, true],
  ['no purchases: sum lte 0', { type: 'condition', metric: 'purchaseSum', op: 'lte', value: 0 }, {}, true],
  [
    'no purchases: days since matches no comparison',
    { type: 'condition', metric: 'daysSinceLastPurchase', op: 'gte', value: 0 },
    {},
    false,
  ],
  ['no purchases: never', { type: 'condition', metric: 'daysSinceLastPurchase', op: 'never' }, {}, true],
  [
    'only future purchases: never',
    { type: 'condition', metric: 'daysSinceLastPurchase', op: 'never' },
    { purchases: [{ at: ago(-5), amountKopecks: 100 }] },
    true,
  ],
  [
    'future purchases are not counted',
    { type: 'condition', metric: 'purchaseCount', windowDays: 30, op: 'eq', value: 1 },
    {
      purchases: [
        { at: ago(1), amountKopecks: 100 },
        { at: ago(-1), amountKopecks: 100 },
      ],
    },
    true,
  ],
  [
    'window edge excluded',
    { type: 'condition', metric: 'purchaseCount', windowDays: 30, op: 'gte', value: 1 },
    { purchases: [{ at: ago(30), amountKopecks: 100 }] },
    false,
  ],
  [
    'sum in roubles vs kopecks',
    { type: 'condition', metric: 'purchaseSum', windowDays: 30, op: 'eq', value: 1500.07 },
    {
      purchases: [
        { at: ago(1), amountKopecks: 100_000 },
        { at: ago(2), amountKopecks: 50_007 },
      ],
    },
    true,
  ],
  [
    'days since purchase rounds down',
    { type: 'condition', metric: 'daysSinceLastPurchase', op: 'eq', value: 6 },
    {
      purchases: [
        { at: ago(7, 1), amountKopecks: 1 },
        { at: ago(40), amountKopecks: 1 },
      ],
    },
    true,
  ],
  [
    'days since purchase exactly 7',
    { type: 'condition', metric: 'daysSinceLastPurchase', op: 'gte', value: 7 },
    { purchases: [{ at: ago(7), amountKopecks: 1 }] },
    true,
  ],
  // interactions, tasks
  [
    'days since a call ignores other kinds',
    { type: 'condition', metric: 'daysSinceLastInteraction', kind: 'call', op: 'lt', value: 3 },
    {
      interactions: [
        { at: ago(1), kind: 'note', direction: 'outbound' },
        { at: ago(10), kind: 'call', direction: 'inbound' },
      ],
    },
    false,
  ],
  [
    'interaction count by direction',
    {
      type: 'condition',
      metric: 'interactionCount',
      direction: 'inbound',
      windowDays: 30,
      op: 'eq',
      value: 1,
    },
    {
      interactions: [
        { at: ago(1), kind: 'note', direction: 'outbound' },
        { at: ago(10), kind: 'call', direction: 'inbound' },
      ],
    },
    true,
  ],
  [
    'open tasks',
    { type: 'condition', metric: 'openTaskCount', op: 'gte', value: 1 },
    {
      tasks: [
        { dueAt: null, doneAt: ago(1) },
        { dueAt: ago(-1), doneAt: null },
      ],
    },
    true,
  ],
  ['no tasks', { type: 'condition', metric: 'openTaskCount', op: 'gt', value: 0 }, {}, false],
];

describe('evaluateSegment', () => {
  it.each(cases)('%s', (_name, rule, overrides, expected) => {
    expect(evaluateSegment(rule, client(overrides), now)).toBe(expected);
  });

  it.each(cases)('not(%s) is the complement', (_name, rule, overrides, expected) => {
    expect(evaluateSegment({ type: 'not', rule }, client(overrides), now)).toBe(!expected);
  });
});
