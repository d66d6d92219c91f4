import {
  type ClientFacts,
  DAY_MS,
  defaultTemperaturePolicy,
  interactionKinds,
  parseTemperaturePolicy,
  previewPolicyChange,
  sourceChannels,
  type TemperaturePolicy,
} from '@cb/domain';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadScope } from '../queries/context.ts';
import { loadClientFacts } from '../queries/facts.ts';
import { createUser } from '../queries/workspaces.ts';
import { queryRows } from '../raw.ts';
import { bulkInsertBase } from '../seed/bulk.ts';
import { generateBase } from '../seed/generate.ts';
import { openTestDatabase, seedWorkspace, type TestDatabase } from '../testing/index.ts';
import { previewTemperaturePolicy } from './preview.ts';

/*
 * The counted SQL preview must equal `previewPolicyChange` over the facts of the same clients (the
 * live ones the scope sees), loaded with `loadClientFacts`, for random pairs of policies.
 */

const NOW = new Date('2026-04-10T09:00:00.000Z');

let handle: TestDatabase;
let workspaceId: string;
let managers: string[];

beforeAll(async () => {
  handle = await openTestDatabase();
  const { workspace } = await seedWorkspace(handle.db);
  workspaceId = workspace.id;
  managers = [];
  for (const n of [1, 2]) {
    managers.push(
      (await createUser(handle.db, { email: `p${n}-${workspace.id}@example.com`, name: `P${n}` })).id,
    );
  }
  await bulkInsertBase(
    handle.db,
    workspaceId,
    generateBase({ seed: 7, clients: 120, now: NOW, ownerIds: managers }),
  );
  // Archived clients are left out of both sides.
  await handle.db.execute(sql`update clients set archived_at = ${NOW.toISOString()}::timestamptz, stage = 'archived'
    where workspace_id = ${workspaceId} and get_byte(decode(md5(id::text), 'hex'), 0) < 40`);
});
afterAll(async () => {
  await handle?.close();
});

async function inMemory(scope: ReadScope, from: TemperaturePolicy, to: TemperaturePolicy, now: Date) {
  const ids = await queryRows<{ id: string }>(
    handle.db,
    sql`select id from clients where workspace_id = ${scope.workspaceId} and archived_at is null
      ${scope.onlyOwnerId ? sql`and owner_id = ${scope.onlyOwnerId}` : sql``}`,
  );
  const facts: ClientFacts[] = [
    ...(
      await loadClientFacts(
        handle.db,
        scope.workspaceId,
        ids.map((r) => r.id),
      )
    ).values(),
  ];
  return previewPolicyChange(facts, from, to, now);
}

const points = fc.integer({ min: -60, max: 60 });
const policy: fc.Arbitrary<TemperaturePolicy> = fc
  .record({
    baseScore: fc.integer({ min: 0, max: 20 }),
    warmFrom: fc.integer({ min: 5, max: 60 }),
    hotGap: fc.integer({ min: 1, max: 40 }),
    halfLifeDays: fc.integer({ min: 1, max: 180 }),
    purchaseWindowDays: fc.integer({ min: 1, max: 400 }),
    lastPurchase: fc.record({ weight: points }),
    purchaseCount: fc.record({ weight: points, fullAtCount: fc.integer({ min: 1, max: 6 }) }),
    purchaseSum: fc.record({ weight: points, fullAtKopecks: fc.integer({ min: 1, max: 20_000_000 }) }),
    lastInteraction: fc.record({
      kindWeights: fc.record(Object.fromEntries(interactionKinds.map((k) => [k, points] as const))),
    }),
    inbound: fc.record({ weight: points, halfLifeDays: fc.integer({ min: 1, max: 60 }) }),
    sourceChannelPoints: fc.record(Object.fromEntries(sourceChannels.map((c) => [c, points] as const))),
    openTasks: fc.record({
      pointsPerTask: fc.integer({ min: 0, max: 20 }),
      pointsPerOverdueTask: fc.integer({ min: 0, max: 20 }),
      maxPoints: fc.integer({ min: 0, max: 40 }),
    }),
  })
  .map(({ hotGap, ...p }) => {
    const hotFrom = Math.min(100, p.warmFrom + hotGap);
    const limit = p.warmFrom - p.baseScore - 1;
    const sourceChannelPoints = Object.fromEntries(
      Object.entries(p.sourceChannelPoints).map(([c, v]) => [c, Math.min(v, limit)]),
    );
    return parseTemperaturePolicy({ ...p, hotFrom, sourceChannelPoints });
  })
  .filter((r) => r.ok)
  .map((r) => (r.ok ? r.value : defaultTemperaturePolicy));

describe('previewTemperaturePolicy', () => {
  it('equals previewPolicyChange over the live clients, for random policies, scopes and times', async () => {
    let changedSomewhere = false;
    await fc.assert(
      fc.asyncProperty(
        policy,
        policy,
        fc.constantFrom<number | null>(null, 0, 1),
        fc.integer({ min: -30 * DAY_MS, max: 30 * DAY_MS }),
        async (from, to, manager, offset) => {
          const scope: ReadScope = { workspaceId, onlyOwnerId: manager === null ? null : managers[manager]! };
          const now = new Date(NOW.getTime() + offset);
          const expected = await inMemory(scope, from, to, now);
          expect(await previewTemperaturePolicy(handle.db, { scope, from, to, now })).toEqual(expected);
          if (expected.changed > 0) changedSomewhere = true;
        },
      ),
      { numRuns: 25 },
    );
    expect(changedSomewhere).toBe(true);
  });

  it('changes nothing for the same policy, and counts every live client once', async () => {
    const scope = { workspaceId };
    const preview = await previewTemperaturePolicy(handle.db, {
      scope,
      from: defaultTemperaturePolicy,
      to: defaultTemperaturePolicy,
      now: NOW,
    });
    const [live] = await queryRows<{ n: number }>(
      handle.db,
      sql`select count(*)::int as n from clients where workspace_id = ${workspaceId} and archived_at is null`,
    );
    expect(preview.total).toBe(Number(live!.n));
    expect(preview.total).toBeLessThan(120);
    expect(preview.changed).toBe(0);
    expect(preview.before).toEqual(preview.after);
    expect(preview).toEqual(await inMemory(scope, defaultTemperaturePolicy, defaultTemperaturePolicy, NOW));
  });

  it('moves everyone up when the thresholds drop', async () => {
    const easy = parseTemperaturePolicy({
      warmFrom: 1,
      hotFrom: 2,
      baseScore: 0,
      sourceChannelPoints: { referral: 0, web_form: 0, loyalty_card: 0, walk_in: 0, advertising: 0 },
    });
    if (!easy.ok) throw new Error(JSON.stringify(easy.error));
    const preview = await previewTemperaturePolicy(handle.db, {
      scope: { workspaceId },
      from: defaultTemperaturePolicy,
      to: easy.value,
      now: NOW,
    });
    expect(preview.moves.hot.cold + preview.moves.hot.warm + preview.moves.warm.cold).toBe(0);
    expect(preview.changed).toBeGreaterThan(0);
    expect(preview).toEqual(await inMemory({ workspaceId }, defaultTemperaturePolicy, easy.value, NOW));
  });

  it('is all zeros for a workspace without clients', async () => {
    const { workspace } = await seedWorkspace(handle.db);
    const zero = { cold: 0, warm: 0, hot: 0 };
    expect(
      await previewTemperaturePolicy(handle.db, {
        scope: { workspaceId: workspace.id },
        from: defaultTemperaturePolicy,
        to: defaultTemperaturePolicy,
        now: NOW,
      }),
    ).toEqual({
      total: 0,
      changed: 0,
      before: zero,
      after: zero,
      moves: { cold: zero, warm: zero, hot: zero },
    });
  });
});
