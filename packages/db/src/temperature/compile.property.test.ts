import { randomUUID } from 'node:crypto';
import {
  assessTemperature,
  DAY_MS,
  type InteractionFact,
  interactionDirections,
  interactionKinds,
  type PurchaseFact,
  sourceChannels,
  type TaskFact,
  type TemperatureFacts,
  type TemperaturePolicy,
  type TemperaturePolicyInput,
  ZTemperaturePolicy,
} from '@cb/domain';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../testing/index.ts';
import { assessTemperatures } from './queries.ts';
import { seedTemperatureClients, type TemperatureSeedClient } from './seed.testing.ts';

/*
 * The compiled SQL and `assessTemperature` must agree on score, level and reasons for every client,
 * whatever the policy. Each generated base is inserted once and assessed under several random
 * policies at several `now`s, so one run checks POLICIES_PER_BASE (base, policy, now) cases.
 */

const RUNS = 150;
const POLICIES_PER_BASE = 4;

const T0 = Date.parse('2025-06-15T12:00:00.000Z');

/** Instants near T0: whole days (exact half-lives, window edges), shared instants (ties), any ms. */
const instant = fc.oneof(
  fc.integer({ min: -400, max: 20 }).map((d) => T0 + d * DAY_MS),
  fc.constantFrom(T0, T0 - 1, T0 + 1, T0 - DAY_MS, T0 - 30 * DAY_MS, T0 - 365 * DAY_MS, T0 - 14 * DAY_MS),
  fc.integer({ min: -400 * DAY_MS, max: 20 * DAY_MS }).map((ms) => T0 + ms),
);
const date = instant.map((ms) => new Date(ms));

const purchase: fc.Arbitrary<PurchaseFact> = fc.record({
  at: date,
  amountKopecks: fc.oneof(fc.integer({ min: 0, max: 20_000_000 }), fc.constantFrom(0, 1, 100, 10_000_000)),
});
const interaction: fc.Arbitrary<InteractionFact> = fc.record({
  at: date,
  kind: fc.constantFrom(...interactionKinds),
  direction: fc.constantFrom(...interactionDirections),
});
const task: fc.Arbitrary<TaskFact> = fc.record({
  dueAt: fc.option(date, { nil: null }),
  doneAt: fc.option(date, { nil: null }),
});

const client: fc.Arbitrary<TemperatureFacts> = fc.record({
  sourceChannel: fc.constantFrom(...sourceChannels),
  purchases: fc.array(purchase, { maxLength: 5 }),
  interactions: fc.array(interaction, { maxLength: 6 }),
  tasks: fc.array(task, { maxLength: 4 }),
});
const base = fc.array(client, { minLength: 1, maxLength: 10 });

/** Points: mostly whole numbers (so exact .5 products occur), also any double in range. */
const points = fc.oneof(
  { arbitrary: fc.integer({ min: -100, max: 100 }), weight: 3 },
  { arbitrary: fc.constantFrom(0, 1, -1, 0.5, -0.5, 1.5, 100, -100), weight: 1 },
  { arbitrary: fc.double({ min: -100, max: 100, noNaN: true }), weight: 2 },
);
const nonNegativePoints = fc.oneof(
  fc.integer({ min: 0, max: 100 }),
  fc.double({ min: 0, max: 100, noNaN: true }),
);
const halfLife = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 90 }), weight: 3 },
  { arbitrary: fc.double({ min: Number.MIN_VALUE, max: 3650, noNaN: true }), weight: 1 },
);
const halfLifeOverride = fc.option(halfLife, { nil: null });

const policyInput = fc
  .record({
    baseScore: fc.integer({ min: 0, max: 40 }),
    warmFrom: fc.integer({ min: 1, max: 99 }),
    hotGap: fc.integer({ min: 1, max: 60 }),
    halfLifeDays: halfLife,
    purchaseWindowDays: fc.oneof(fc.integer({ min: 1, max: 800 }), fc.constantFrom(1, 30, 365)),
    lastPurchase: fc.record({ weight: points, halfLifeDays: halfLifeOverride }),
    purchaseCount: fc.record({ weight: points, fullAtCount: fc.integer({ min: 1, max: 8 }) }),
    purchaseSum: fc.record({ weight: points, fullAtKopecks: fc.integer({ min: 1, max: 50_000_000 }) }),
    lastInteraction: fc.record({
      halfLifeDays: halfLifeOverride,
      kindWeights: fc.record(Object.fromEntries(interactionKinds.map((k) => [k, points] as const))),
    }),
    inbound: fc.record({ weight: points, halfLifeDays: halfLifeOverride }),
    sourceChannelPoints: fc.record(Object.fromEntries(sourceChannels.map((c) => [c, points] as const))),
    openTasks: fc.record({
      pointsPerTask: nonNegativePoints,
      pointsPerOverdueTask: nonNegativePoints,
      maxPoints: nonNegativePoints,
    }),
  })
  .map(({ hotGap, ...p }): TemperaturePolicyInput => {
    const hotFrom = Math.min(100, p.warmFrom + hotGap);
    const warmFrom = Math.min(p.warmFrom, hotFrom - 1);
    // A client with no history must come out cold: keep each channel below warmFrom - baseScore.
    const limit = warmFrom - p.baseScore - 1;
    const sourceChannelPoints = Object.fromEntries(
      Object.entries(p.sourceChannelPoints).map(([c, v]) => [c, Math.min(v, limit)]),
    );
    return { ...p, warmFrom, hotFrom, sourceChannelPoints };
  });
const policy: fc.Arbitrary<TemperaturePolicy> = policyInput
  .map((input) => ZTemperaturePolicy.safeParse(input))
  .filter((r) => r.success)
  .map((r) => r.data!);

const nowOffset = fc.oneof(
  fc.constantFrom(0, 1, -1, DAY_MS, -DAY_MS, 7 * DAY_MS),
  fc.integer({ min: -30 * DAY_MS, max: 30 * DAY_MS }),
);

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

describe('compileTemperature agrees with assessTemperature', () => {
  it(`${RUNS} bases × ${POLICIES_PER_BASE} policies`, async () => {
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(
        base,
        fc.array(fc.tuple(policy, nowOffset), { minLength: POLICIES_PER_BASE, maxLength: POLICIES_PER_BASE }),
        async (facts, policies) => {
          // Fresh ids on every run: shrinking replays values, and ids are primary keys.
          const clients: TemperatureSeedClient[] = facts.map((f) => ({ ...f, id: randomUUID() }));
          const workspaceId = await seedTemperatureClients(database.db, clients);
          for (const [p, offset] of policies) {
            const now = new Date(T0 + offset);
            const fromSql = await assessTemperatures(database.db, { workspaceId, policy: p, now });
            expect(fromSql.size).toBe(clients.length);
            for (const c of clients) {
              expect(fromSql.get(c.id), JSON.stringify({ policy: p, now, client: c })).toEqual(
                assessTemperature(c, p, now),
              );
            }
            cases += 1;
          }
          // The same assessment narrowed to some clients reads only theirs.
          const some = clients.filter((_, i) => i % 2 === 0);
          const [p, offset] = policies[0]!;
          const now = new Date(T0 + offset);
          const narrowed = await assessTemperatures(database.db, {
            workspaceId,
            clientIds: some.map((c) => c.id),
            policy: p,
            now,
          });
          expect([...narrowed.keys()].sort()).toEqual(some.map((c) => c.id).sort());
          for (const c of some) {
            expect(narrowed.get(c.id)).toEqual(assessTemperature(c, p, now));
          }
        },
      ),
      { numRuns: RUNS },
    );
    expect(cases).toBeGreaterThanOrEqual(RUNS * POLICIES_PER_BASE);
  });
});
