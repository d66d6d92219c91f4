import { bulkInsertBase, generateBase, loadClientFacts, type ReadScope } from '@cb/db';
import {
  defaultTemperaturePolicy,
  parseTemperaturePolicy,
  previewPolicyChange,
  type TemperaturePolicy,
  type TemperaturePolicyInput,
} from '@cb/domain';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestAppAt, type TestClock } from '../testing/clock.ts';
import { addMember, type Caller, failure, signUp, type TestApp } from '../testing/harness.ts';

/*
 * temperature.previewPolicy over HTTP on a generated base: it must say exactly what the domain's
 * `previewPolicyChange` says over the same live clients (facts loaded with `loadClientFacts`),
 * with the workspace's stored policy as "before" and the request clock as "now".
 */

const NOW = new Date('2026-05-05T10:00:00.000Z');
const clock: TestClock = { now: NOW };
let t: TestApp;
let owner: Caller;
let viewer: Caller;
let manager: Caller;
let managerId: string;
let workspaceId: string;

beforeAll(async () => {
  t = await openTestAppAt(clock);
  const signedUp = await signUp(t.app);
  owner = signedUp.caller;
  workspaceId = signedUp.me.workspace!.id;
  viewer = (await addMember(t.app, owner, 'viewer')).caller;
  const added = await addMember(t.app, owner, 'manager');
  manager = added.caller;
  managerId = added.userId!;
  const data = generateBase({ seed: 5, clients: 150, now: NOW, ownerIds: [signedUp.me.user.id, managerId] });
  await bulkInsertBase(t.database.db, workspaceId, data);
  await t.database.db.execute(sql`update clients set archived_at = ${NOW.toISOString()}::timestamptz, stage = 'archived'
    where workspace_id = ${workspaceId} and get_byte(decode(md5(id::text), 'hex'), 0) < 40`);
});
afterAll(async () => {
  await t?.close();
});

/** The domain's answer over the live clients the scope sees. */
async function expected(scope: ReadScope, from: TemperaturePolicy, to: TemperaturePolicy) {
  const rows = (await t.database.db.execute(sql`select id from clients
    where workspace_id = ${scope.workspaceId} and archived_at is null
      ${scope.onlyOwnerId ? sql`and owner_id = ${scope.onlyOwnerId}` : sql``}`)) as unknown as {
    rows: { id: string }[];
  };
  const facts = await loadClientFacts(
    t.database.db,
    scope.workspaceId,
    rows.rows.map((r) => r.id),
  );
  return previewPolicyChange([...facts.values()], from, to, NOW);
}

function policy(input: TemperaturePolicyInput): TemperaturePolicy {
  const parsed = parseTemperaturePolicy(input);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
  return parsed.value;
}

const proposals: [string, TemperaturePolicyInput][] = [
  ['the default itself', {}],
  ['lower thresholds', { warmFrom: 25, hotFrom: 45 }],
  ['higher thresholds', { warmFrom: 50, hotFrom: 80 }],
  [
    'other weights and a short window',
    {
      halfLifeDays: 10,
      purchaseWindowDays: 60,
      lastPurchase: { weight: 50 },
      lastInteraction: { kindWeights: { call: 30, note: 5 } },
      sourceChannelPoints: { purchased_list: -40, referral: 30, web_form: 0 },
    },
  ],
];

describe('temperature.previewPolicy', () => {
  it.each(proposals)('equals previewPolicyChange for %s', async (_, input) => {
    const preview = await viewer.trpc.temperature.previewPolicy.query({ policy: input });
    expect(preview).toEqual(await expected({ workspaceId }, defaultTemperaturePolicy, policy(input)));
    expect(preview.total).toBeGreaterThan(100);
    expect(preview.total).toBeLessThan(150);
  });

  it('moves some clients for a real change', async () => {
    const preview = await owner.trpc.temperature.previewPolicy.query({
      policy: { warmFrom: 25, hotFrom: 45 },
    });
    expect(preview.changed).toBeGreaterThan(0);
    expect(preview.moves.hot.cold + preview.moves.hot.warm + preview.moves.warm.cold).toBe(0);
  });

  it('compares against the stored policy once there is one', async () => {
    const stored = { warmFrom: 25, hotFrom: 45 };
    await owner.trpc.temperature.setPolicy.mutate({ policy: stored });
    try {
      const same = await owner.trpc.temperature.previewPolicy.query({ policy: stored });
      expect(same.changed).toBe(0);
      const back = await owner.trpc.temperature.previewPolicy.query({ policy: {} });
      expect(back).toEqual(await expected({ workspaceId }, policy(stored), defaultTemperaturePolicy));
    } finally {
      await owner.trpc.temperature.setPolicy.mutate({ policy: {} });
    }
  });

  it('counts only their own clients for a manager who sees only own clients', async () => {
    await owner.trpc.workspace.updateSettings.mutate({ managersSeeOwnClientsOnly: true });
    try {
      const input = { warmFrom: 30, hotFrom: 50 };
      const own = await manager.trpc.temperature.previewPolicy.query({ policy: input });
      const whole = await owner.trpc.temperature.previewPolicy.query({ policy: input });
      expect(own).toEqual(
        await expected({ workspaceId, onlyOwnerId: managerId }, defaultTemperaturePolicy, policy(input)),
      );
      expect(own.total).toBeGreaterThan(0);
      expect(own.total).toBeLessThan(whole.total);
    } finally {
      await owner.trpc.workspace.updateSettings.mutate({ managersSeeOwnClientsOnly: false });
    }
  });

  it('refuses a bad policy as setPolicy does, naming the field', async () => {
    const crossed = await failure(
      viewer.trpc.temperature.previewPolicy.query({ policy: { warmFrom: 70, hotFrom: 60 } }),
      'BAD_REQUEST',
    );
    expect(crossed.issues?.map((i) => i.field)).toEqual(['policy.warmFrom']);
    const wrongType = await failure(
      viewer.trpc.temperature.previewPolicy.query({ policy: { halfLifeDays: 'long' } }),
      'BAD_REQUEST',
    );
    expect(wrongType.issues?.map((i) => i.field)).toEqual(['policy.halfLifeDays']);
    await failure(viewer.trpc.temperature.previewPolicy.query({ policy: 'hot' }), 'BAD_REQUEST');
  });
});
