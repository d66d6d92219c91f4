import { randomUUID } from 'node:crypto';
import {
  type ClientFacts,
  type CompareOp,
  type CustomValue,
  compareOps,
  consentPurposes,
  contactChannels,
  DAY_MS,
  daysBetween,
  evaluateSegment,
  interactionDirections,
  interactionKinds,
  parseSegmentRule,
  type SegmentRule,
  sourceChannels,
  stages,
  temperatureLevels,
} from '@cb/domain';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../testing/index.ts';
import { segmentMemberIds } from './queries.ts';
import { type SeedClient, seedBase } from './seed.testing.ts';

/**
 * The SQL compiler and the in-memory evaluator must select the same clients for every rule. Each
 * generated base (clients with histories around a random `now`, including exact day boundaries,
 * ±1 ms around them and future-dated events) is written once and then checked against many
 * generated rules. The inner seed comes from the outer run, so fast-check's printed seed replays
 * the whole thing.
 */

const BASES = 10;
const RULES_PER_BASE = 60;
const OWNERS = 3;
const BATCHES = 3;
const MISSING_ID = '00000000-0000-4000-8000-000000000000';

const tagPool = ['vip', 'opt', 'b2b', 'new', 'Vip'] as const;
const cityPool = [
  'Москва',
  ' москва ',
  'МОСКВА',
  'Moscow',
  'moscow\t',
  'Санкт-Петербург',
  'санкт-петербург',
  'Kazan',
  'Ёлкино',
  'ёЛКИНО',
  'Елкино',
  '\u00a0Київ',
] as const;
const customKeys = ['size', 'since', 'vip', 'note'] as const;
const customStrings = [
  '2024-01-05',
  '2024-12-31',
  '2025-06-15',
  'abc',
  'ABC',
  'Hello World',
  '',
  '10',
  '9',
  'ёлка',
  'Ёлка',
  '😀',
  '\uff5e',
] as const;
const customNumbers = [1.5, -0.25, 2.5, 100, 0.1, 1e21, -3] as const;

// ---------- bases ----------

type ClientSpec = Omit<ClientFacts, 'id' | 'ownerId' | 'sourceBatchId'> & {
  owner: number | null;
  batch: number | null;
};
type BaseSpec = { nowMs: number; clients: ClientSpec[]; ruleSeed: number };

/**
 * Mostly whole days before (or after) now, exactly or ±1 ms, from a narrow range that rule values
 * also come from, so that window edges and day boundaries are hit often.
 */
const timeArb = (nowMs: number): fc.Arbitrary<Date> =>
  fc
    .oneof(
      { arbitrary: fc.integer({ min: -3, max: 40 }).map((d) => nowMs - d * DAY_MS), weight: 3 },
      {
        arbitrary: fc
          .tuple(fc.integer({ min: -3, max: 40 }), fc.constantFrom(-1, 1))
          .map(([d, e]) => nowMs - d * DAY_MS + e),
        weight: 3,
      },
      { arbitrary: fc.integer({ min: -10 * DAY_MS, max: 400 * DAY_MS }).map((ms) => nowMs - ms), weight: 2 },
    )
    .map((ms) => new Date(ms));

const customValueArb: fc.Arbitrary<CustomValue> = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(...customNumbers),
  fc.constantFrom(...customStrings),
  fc.boolean(),
  fc.constant(null),
);

const clientArb = (nowMs: number): fc.Arbitrary<ClientSpec> => {
  const time = timeArb(nowMs);
  return fc.record({
    kind: fc.constantFrom('person' as const, 'company' as const),
    stage: fc.constantFrom(...stages),
    temperature: fc.option(fc.constantFrom(...temperatureLevels), { nil: null }),
    createdAt: time,
    verifiedAt: fc.option(time, { nil: null }),
    city: fc.option(fc.constantFrom(...cityPool), { nil: null }),
    owner: fc.option(fc.nat(OWNERS - 1), { nil: null }),
    tags: fc.uniqueArray(fc.constantFrom(...tagPool), { maxLength: 3 }),
    sourceChannel: fc.constantFrom(...sourceChannels),
    batch: fc.option(fc.nat(BATCHES - 1), { nil: null }),
    custom: fc.dictionary(fc.constantFrom(...customKeys), customValueArb, { maxKeys: 4 }),
    purchases: fc.array(
      fc.record({
        at: time,
        amountKopecks: fc.oneof(
          fc.constantFrom(10_000, 50_000, 150_050),
          fc.integer({ min: 0, max: 500_000 }),
        ),
      }),
      { maxLength: 5 },
    ),
    interactions: fc.array(
      fc.record({
        at: time,
        kind: fc.constantFrom(...interactionKinds),
        direction: fc.constantFrom(...interactionDirections),
      }),
      { maxLength: 5 },
    ),
    consents: fc.array(
      fc.record({
        channel: fc.constantFrom(...contactChannels),
        purpose: fc.constantFrom(...consentPurposes),
        granted: fc.boolean(),
        // A shared instant makes grant/withdraw ties likely.
        at: fc.oneof(time, fc.constant(new Date(nowMs - DAY_MS))),
      }),
      { maxLength: 8 },
    ),
    tasks: fc.array(
      fc.record({ dueAt: fc.option(time, { nil: null }), doneAt: fc.option(time, { nil: null }) }),
      { maxLength: 3 },
    ),
  });
};

const baseArb: fc.Arbitrary<BaseSpec> = fc
  .integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2026, 11, 31) })
  .chain((nowMs) =>
    fc.record({
      nowMs: fc.constant(nowMs),
      clients: fc.array(clientArb(nowMs), { minLength: 20, maxLength: 60 }),
      ruleSeed: fc.integer(),
    }),
  );

// ---------- rules ----------

type RuleContext = {
  nowMs: number;
  ownerIds: string[];
  batchIds: string[];
  /** Every instant in the base, so `before` / `after` often meet a stored time exactly. */
  instants: Date[];
  dayCounts: number[];
};

/** Drops keys whose value is undefined, as a JSON round trip would. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

const someOf = <T>(values: readonly T[], maxLength = 3) =>
  fc.uniqueArray(fc.constantFrom(...values), { minLength: 1, maxLength });
const opArb: fc.Arbitrary<CompareOp> = fc.constantFrom(...compareOps);
const daysArb = fc.oneof(fc.constantFrom(1, 2, 3, 7, 30, 365), fc.integer({ min: 1, max: 40 }));
/** Day counts that occur in the base (days since some event), so `eq` / `lt` meet their edge. */
const dayValueArb = (ctx: RuleContext) =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...ctx.dayCounts), weight: 3 },
    { arbitrary: fc.integer({ min: 0, max: 40 }), weight: 1 },
    { arbitrary: fc.constantFrom(30, 200), weight: 1 },
  );
const countArb = fc.integer({ min: 0, max: 4 });

function leafArb(ctx: RuleContext): fc.Arbitrary<unknown> {
  const condition = (shape: Record<string, fc.Arbitrary<unknown>>) =>
    fc.record(shape).map((r) => compact({ type: 'condition', ...r }));
  const k = <T>(v: T) => fc.constant(v);
  const time = timeArb(ctx.nowMs);
  const dateConditions = (field: 'createdAt' | 'verifiedAt') => [
    condition({
      field: k(field),
      op: fc.constantFrom('before', 'after'),
      at: fc.oneof(time, fc.constantFrom(...ctx.instants)).map((d) => d.toISOString()),
    }),
    condition({ field: k(field), op: fc.constantFrom('withinLastDays', 'olderThanDays'), days: daysArb }),
  ];
  const interactionFilter = {
    kind: fc.option(fc.constantFrom(...interactionKinds), { nil: undefined }),
    direction: fc.option(fc.constantFrom(...interactionDirections), { nil: undefined }),
  };
  const windowDays = fc.option(daysArb, { nil: undefined });
  const scalar = customValueArb.filter((v) => v !== null);
  return fc.oneof(
    condition({ field: k('stage'), op: k('in'), values: someOf(stages) }),
    condition({ field: k('temperature'), op: k('in'), values: someOf(temperatureLevels) }),
    condition({ field: k('sourceChannel'), op: k('in'), values: someOf(sourceChannels) }),
    condition({ field: k('sourceBatch'), op: k('in'), values: someOf([...ctx.batchIds, MISSING_ID]) }),
    condition({
      field: k('tags'),
      op: fc.constantFrom('hasAny', 'hasAll', 'hasNone'),
      values: someOf([...tagPool, 'none']),
    }),
    condition({ field: k('city'), op: k('in'), values: someOf([...cityPool, 'Tver']) }),
    condition({
      field: k('owner'),
      op: k('in'),
      values: someOf([...ctx.ownerIds.map((id) => id.toUpperCase()), MISSING_ID]),
    }),
    condition({ field: k('owner'), op: k('isEmpty') }),
    condition({
      field: k('custom'),
      key: fc.constantFrom(...customKeys, 'missing'),
      op: fc.constantFrom('eq', 'neq'),
      value: scalar,
    }),
    condition({
      field: k('custom'),
      key: fc.constantFrom(...customKeys),
      op: fc.constantFrom('gt', 'gte', 'lt', 'lte'),
      value: scalar.filter((v) => typeof v !== 'boolean'),
    }),
    condition({
      field: k('custom'),
      key: fc.constantFrom(...customKeys),
      op: k('contains'),
      value: fc.constantFrom('a', 'O', 'world', 'ё', 'Ё', '1', '2024-', '😀'),
    }),
    condition({
      field: k('custom'),
      key: fc.constantFrom(...customKeys, 'missing'),
      op: fc.constantFrom('isSet', 'isNotSet'),
    }),
    ...dateConditions('createdAt'),
    ...dateConditions('verifiedAt'),
    condition({ field: k('verifiedAt'), op: k('never') }),
    condition({
      field: k('hasConsent'),
      channel: fc.constantFrom(...contactChannels),
      purpose: fc.constantFrom(...consentPurposes),
    }),
    condition({ metric: k('purchaseCount'), windowDays, op: opArb, value: countArb }),
    condition({
      metric: k('purchaseSum'),
      windowDays,
      op: opArb,
      value: fc.oneof(
        fc.constantFrom(0, 100, 500, 1500.5, 1000.505, 0.005),
        fc.integer({ min: 0, max: 5000 }),
        fc.double({ min: 0, max: 5000, noNaN: true }),
      ),
    }),
    condition({ metric: k('daysSinceLastPurchase'), op: opArb, value: dayValueArb(ctx) }),
    condition({ metric: k('daysSinceLastPurchase'), op: k('never') }),
    condition({
      metric: k('daysSinceLastInteraction'),
      ...interactionFilter,
      op: opArb,
      value: dayValueArb(ctx),
    }),
    condition({ metric: k('daysSinceLastInteraction'), ...interactionFilter, op: k('never') }),
    condition({
      metric: k('interactionCount'),
      ...interactionFilter,
      windowDays,
      op: opArb,
      value: countArb,
    }),
    condition({ metric: k('openTaskCount'), op: opArb, value: countArb }),
  );
}

/** Rules up to 4 levels deep: groups at levels 1–3, conditions at any level. */
function ruleArb(ctx: RuleContext): fc.Arbitrary<unknown> {
  const leaf = leafArb(ctx);
  let level: fc.Arbitrary<unknown> = leaf;
  for (let i = 0; i < 3; i++) {
    const child = level;
    level = fc.oneof(
      { arbitrary: leaf, weight: 3 },
      {
        arbitrary: fc.record({ type: fc.constant('and'), rules: fc.array(child, { maxLength: 4 }) }),
        weight: 1,
      },
      {
        arbitrary: fc.record({ type: fc.constant('or'), rules: fc.array(child, { maxLength: 4 }) }),
        weight: 1,
      },
      { arbitrary: fc.record({ type: fc.constant('not'), rule: child }), weight: 1 },
    );
  }
  // The root is a group more often than not, so that most rules combine several conditions.
  const child = level;
  return fc.oneof(
    { arbitrary: child, weight: 1 },
    {
      arbitrary: fc.record({ type: fc.constantFrom('and', 'or'), rules: fc.array(child, { maxLength: 4 }) }),
      weight: 2,
    },
  );
}

// ---------- the property ----------

function toSeedClients(spec: BaseSpec, ownerIds: string[], batchIds: string[]): SeedClient[] {
  return spec.clients.map((c, i) => {
    const { owner, batch, ...facts } = c;
    return {
      ...facts,
      id: randomUUID(),
      displayName: `Client ${String(i).padStart(2, '0')}`,
      ownerId: owner === null ? null : ownerIds[owner]!,
      sourceBatchId: batch === null ? null : batchIds[batch]!,
    };
  });
}

function describeClient(c: SeedClient | undefined): string {
  return JSON.stringify(c, null, 1);
}

let handle: TestDatabase;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(async () => {
  await handle?.close();
});

describe('compileSegment agrees with evaluateSegment', () => {
  it(`on ${BASES} generated bases × ${RULES_PER_BASE} generated rules`, async () => {
    let rulesChecked = 0;
    // Rules that select some clients but not all: the ones that tell the implementations apart.
    let rulesSplitting = 0;
    await fc.assert(
      fc.asyncProperty(baseArb, async (spec) => {
        const ownerIds = Array.from({ length: OWNERS }, () => randomUUID());
        const batchIds = Array.from({ length: BATCHES }, () => randomUUID());
        const seeded = toSeedClients(spec, ownerIds, batchIds);
        const workspaceId = await seedBase(handle.db, { ownerIds, batchIds, clients: seeded });
        const now = new Date(spec.nowMs);
        const instants = seeded.flatMap((c) => [c.createdAt, ...(c.verifiedAt ? [c.verifiedAt] : [])]);
        const dayCounts = [
          0,
          ...new Set(
            seeded
              .flatMap((c) => [...c.purchases, ...c.interactions])
              .map((e) => daysBetween(e.at, now))
              .filter((d) => d >= 0 && d <= 400),
          ),
        ];
        const ctx: RuleContext = { nowMs: spec.nowMs, ownerIds, batchIds, instants, dayCounts };
        await fc.assert(
          fc.asyncProperty(ruleArb(ctx), async (input) => {
            const parsed = parseSegmentRule(input);
            if (!parsed.ok) throw new Error(`Generated an invalid rule: ${JSON.stringify(parsed.error)}`);
            const rule: SegmentRule = parsed.value;
            const fromSql = new Set(await segmentMemberIds(handle.db, { workspaceId, rule, now }));
            const inMemory = new Set(seeded.filter((c) => evaluateSegment(rule, c, now)).map((c) => c.id));
            rulesChecked++;
            if (inMemory.size > 0 && inMemory.size < seeded.length) rulesSplitting++;
            const onlySql = [...fromSql].filter((id) => !inMemory.has(id));
            const onlyMemory = [...inMemory].filter((id) => !fromSql.has(id));
            if (onlySql.length > 0 || onlyMemory.length > 0) {
              const first = seeded.find((c) => c.id === (onlySql[0] ?? onlyMemory[0]));
              throw new Error(
                `now=${now.toISOString()} rule=${JSON.stringify(rule)}\n` +
                  `only in SQL: ${onlySql.length}, only in memory: ${onlyMemory.length}\n` +
                  `first differing client: ${describeClient(first)}`,
              );
            }
          }),
          { numRuns: RULES_PER_BASE, seed: spec.ruleSeed },
        );
      }),
      // Shrinking a base re-seeds the database each step; the inner run already shrinks the rule.
      { numRuns: BASES, endOnFailure: true },
    );
    expect(rulesChecked).toBe(BASES * RULES_PER_BASE);
    console.info(`segments property: ${rulesChecked} rules, ${rulesSplitting} split the base`);
    expect(rulesSplitting).toBeGreaterThan(rulesChecked / 3);
  }, 180_000);
});
