import {
  assessTemperature,
  DAY_MS,
  defaultTemperaturePolicy,
  type TemperatureFacts,
  type TemperaturePolicyInput,
  ZTemperaturePolicy,
} from '@cb/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../testing/index.ts';
import { assessTemperatures } from './queries.ts';
import { newClient, seedTemperatureClients } from './seed.testing.ts';

const now = new Date('2025-06-15T12:00:00.000Z');
const ago = (days: number): Date => new Date(now.getTime() - days * DAY_MS);

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

async function compare(facts: Partial<TemperatureFacts>, input: TemperaturePolicyInput = {}) {
  const policy = ZTemperaturePolicy.parse(input);
  const client = newClient(facts);
  const workspaceId = await seedTemperatureClients(database.db, [client]);
  const result = await assessTemperatures(database.db, { workspaceId, policy, now });
  expect(result.get(client.id)).toEqual(assessTemperature(client, policy, now));
  return result.get(client.id)!;
}

describe('compileTemperature: cases PostgreSQL would refuse without a guard', () => {
  it.each<[string, Partial<TemperatureFacts>, TemperaturePolicyInput]>([
    // power(0.5, 1500) underflows to 0, which PostgreSQL reports as an error.
    ['a purchase in 1900', { purchases: [{ at: new Date('1900-01-01T00:00:00Z'), amountKopecks: 1 }] }, {}],
    // age / 5e-324 overflows to infinity.
    [
      'the smallest half-life',
      { interactions: [{ at: ago(1), kind: 'call', direction: 'inbound' }] },
      { halfLifeDays: Number.MIN_VALUE, inbound: { weight: 40, halfLifeDays: Number.MIN_VALUE } },
    ],
    // 5e-324 * 0.5 underflows to 0.
    [
      'the smallest weight',
      { purchases: [{ at: ago(45), amountKopecks: 1 }] },
      { lastPurchase: { weight: Number.MIN_VALUE }, purchaseCount: { weight: -Number.MIN_VALUE } },
    ],
  ])('%s', async (_name, facts, policy) => {
    await compare(facts, policy);
  });
});

describe('compileTemperature: examples', () => {
  it('explains a mixed history like the domain example', async () => {
    const result = await compare({
      sourceChannel: 'purchased_list',
      purchases: [{ at: ago(3), amountKopecks: 1_250_000 }],
      interactions: [{ at: ago(1), kind: 'meeting', direction: 'outbound' }],
      tasks: [{ dueAt: ago(-2), doneAt: null }],
    });
    expect(result.reasons.map((r) => r.signal)).toEqual([
      'last_purchase',
      'last_interaction',
      'source_channel',
      'open_tasks',
      'purchases_in_window',
      'purchase_sum_in_window',
    ]);
  });

  it('ignores events after now and counts events at now', async () => {
    await compare({
      purchases: [
        { at: now, amountKopecks: 1 },
        { at: new Date(now.getTime() + 1), amountKopecks: 9_000_000 },
      ],
      interactions: [{ at: new Date(now.getTime() + 1), kind: 'meeting', direction: 'inbound' }],
      tasks: [
        { dueAt: now, doneAt: now },
        { dueAt: new Date(now.getTime() - 1), doneAt: new Date(now.getTime() + 1) },
      ],
    });
  });

  it('reads no other workspace, and nothing for an empty list of clients', async () => {
    const mine = newClient({ sourceChannel: 'referral' });
    const theirs = newClient({ sourceChannel: 'referral' });
    const workspaceId = await seedTemperatureClients(database.db, [mine]);
    await seedTemperatureClients(database.db, [theirs]);
    const policy = defaultTemperaturePolicy;
    const all = await assessTemperatures(database.db, { workspaceId, policy, now });
    expect([...all.keys()]).toEqual([mine.id]);
    const foreign = await assessTemperatures(database.db, {
      workspaceId,
      clientIds: [theirs.id],
      policy,
      now,
    });
    expect(foreign.size).toBe(0);
    expect((await assessTemperatures(database.db, { workspaceId, clientIds: [], policy, now })).size).toBe(0);
    await expect(
      assessTemperatures(database.db, { workspaceId, clientIds: ['nope'], policy, now }),
    ).rejects.toThrow(RangeError);
  });
});
