import { randomUUID } from 'node:crypto';
import {
  assessTemperature,
  DAY_MS,
  defaultStagePolicy,
  defaultTemperaturePolicy,
  deriveStage,
  type SegmentRule,
  type TemperaturePolicyInput,
  ZTemperaturePolicy,
} from '@cb/domain';
import { asc, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Executor } from '../client.ts';
import { loadClientFacts } from '../queries/facts.ts';
import { queryRows } from '../raw.ts';
import {
  clients,
  interactions,
  purchases,
  segmentMembers,
  segments,
  tasks,
  temperatureHistory,
  workspaces,
} from '../schema/index.ts';
import {
  newClient,
  seedTemperatureClients,
  type TemperatureSeedClient,
} from '../temperature/seed.testing.ts';
import { openTestDatabase, type TestDatabase } from '../testing/index.ts';
import { baselineTemperatureSql } from './baseline.ts';
import { RecomputeError, recomputeClients, recomputeWorkspace } from './recompute.ts';

const T0 = new Date('2025-06-15T12:00:00.000Z');
const at = (days: number, ms = 0): Date => new Date(T0.getTime() + days * DAY_MS + ms);

let database: TestDatabase;
let db: Executor;
beforeAll(async () => {
  database = await openTestDatabase();
  db = database.db;
});
afterAll(async () => {
  await database?.close();
});

async function workspace(settings: { lapsedAfterDays?: number } = {}, policy?: TemperaturePolicyInput) {
  const [row] = await db
    .insert(workspaces)
    .values({ name: 'recompute test', settings, temperaturePolicy: policy ?? null })
    .returning({ id: workspaces.id });
  return row!.id;
}

async function seed(ws: string, list: TemperatureSeedClient[]) {
  await seedTemperatureClients(db, list, ws);
  return list.map((c) => c.id);
}

async function row(id: string) {
  const [r] = await db.select().from(clients).where(eq(clients.id, id));
  return r!;
}

async function history(ids: string[]) {
  return db
    .select({
      clientId: temperatureHistory.clientId,
      at: temperatureHistory.at,
      score: temperatureHistory.score,
      level: temperatureHistory.level,
    })
    .from(temperatureHistory)
    .where(inArray(temperatureHistory.clientId, ids))
    .orderBy(asc(temperatureHistory.id));
}

type Spell = { clientId: string; enteredAt: Date; leftAt: Date | null };

/**
 * Spells in a stable order: by entry time, then client. Spells opened by one set-based statement
 * have no order of their own (their serial ids follow the plan), so the tests compare in this one.
 */
function bySpell(rows: Spell[]): Spell[] {
  return [...rows].sort(
    (x, y) =>
      x.enteredAt.getTime() - y.enteredAt.getTime() ||
      (x.clientId < y.clientId ? -1 : x.clientId > y.clientId ? 1 : 0),
  );
}

async function spells(segmentId: string): Promise<Spell[]> {
  const rows = await db
    .select({
      clientId: segmentMembers.clientId,
      enteredAt: segmentMembers.enteredAt,
      leftAt: segmentMembers.leftAt,
    })
    .from(segmentMembers)
    .where(eq(segmentMembers.segmentId, segmentId))
    .orderBy(asc(segmentMembers.id));
  return bySpell(rows);
}

async function ruleSegment(ws: string, rule: SegmentRule | null, kind: 'rule' | 'static' = 'rule') {
  const [s] = await db
    .insert(segments)
    .values({ workspaceId: ws, name: 'segment', kind, rule })
    .returning({ id: segments.id });
  return s!.id;
}

/** Everything a recompute may write, for one workspace: to compare before and after. */
async function snapshot(ws: string) {
  return {
    clients: await db
      .select({
        id: clients.id,
        stage: clients.stage,
        level: clients.temperatureLevel,
        score: clients.temperatureScore,
        reasons: clients.temperatureReasons,
        at: clients.temperatureAt,
        version: clients.version,
        updatedAt: clients.updatedAt,
      })
      .from(clients)
      .where(eq(clients.workspaceId, ws))
      .orderBy(asc(clients.id)),
    history: await db
      .select()
      .from(temperatureHistory)
      .where(eq(temperatureHistory.workspaceId, ws))
      .orderBy(asc(temperatureHistory.id)),
    spells: await db
      .select()
      .from(segmentMembers)
      .where(eq(segmentMembers.workspaceId, ws))
      .orderBy(asc(segmentMembers.id)),
  };
}

describe('recompute: stage', () => {
  it('moves prospect → customer → lapsed with time, by the workspace lapsedAfterDays', async () => {
    const ws = await workspace({ lapsedAfterDays: 30 });
    const [id] = await seed(ws, [newClient()]);
    const now0 = at(0);
    expect(await recomputeWorkspace(db, { workspaceId: ws, now: now0 })).toMatchObject({
      clients: 1,
      stageChanged: 0,
    });
    expect((await row(id!)).stage).toBe('prospect');

    await db.insert(purchases).values({ workspaceId: ws, clientId: id!, at: at(1), amountKopecks: 100_000 });
    // Dated after now: a customer already, whatever the date.
    expect(await recomputeWorkspace(db, { workspaceId: ws, now: at(0) })).toMatchObject({ stageChanged: 1 });
    expect((await row(id!)).stage).toBe('customer');

    // Exactly 30 whole days (and a bit) is still a customer; 31 is lapsed.
    await recomputeWorkspace(db, { workspaceId: ws, now: at(31, DAY_MS - 1) });
    expect((await row(id!)).stage).toBe('customer');
    expect(await recomputeWorkspace(db, { workspaceId: ws, now: at(32) })).toMatchObject({ stageChanged: 1 });
    expect((await row(id!)).stage).toBe('lapsed');

    await db.insert(purchases).values({ workspaceId: ws, clientId: id!, at: at(40), amountKopecks: 1 });
    await recomputeWorkspace(db, { workspaceId: ws, now: at(41) });
    expect((await row(id!)).stage).toBe('customer');
  });

  it('keeps an archived client archived, and matches deriveStage with the default policy', async () => {
    const ws = await workspace();
    const list = [
      newClient({ purchases: [{ at: at(-10), amountKopecks: 1 }] }),
      newClient({
        purchases: [
          { at: at(-181), amountKopecks: 1 },
          { at: at(5), amountKopecks: 1 },
        ],
      }),
      newClient({ purchases: [{ at: at(-180), amountKopecks: 1 }] }),
      newClient(),
      newClient({ purchases: [{ at: at(-1), amountKopecks: 1 }] }),
    ];
    const ids = await seed(ws, list);
    await db
      .update(clients)
      .set({ archivedAt: at(-3), stage: 'archived' })
      .where(eq(clients.id, ids[4]!));
    await recomputeWorkspace(db, { workspaceId: ws, now: T0 });
    const stages = await Promise.all(ids.map(async (id) => (await row(id)).stage));
    expect(stages).toEqual(['customer', 'lapsed', 'customer', 'prospect', 'archived']);
    expect(stages).toEqual(
      list.map((c, i) => deriveStage({ archived: i === 4, purchases: c.purchases }, defaultStagePolicy, T0)),
    );
  });
});

describe('recompute: temperature', () => {
  it('stores what assessTemperature says, and a history row only when level or score changes', async () => {
    const ws = await workspace();
    const list = [
      newClient({
        sourceChannel: 'web_form',
        interactions: [{ at: at(-2), kind: 'web_form', direction: 'inbound' }],
        purchases: [{ at: at(-3, -123), amountKopecks: 1_250_000 }],
        tasks: [{ dueAt: at(2), doneAt: null }],
      }),
      newClient({ sourceChannel: 'purchased_list' }),
      newClient({ sourceChannel: 'import' }),
    ];
    const ids = await seed(ws, list);
    const first = await recomputeWorkspace(db, { workspaceId: ws, now: T0 });
    // The first assessment writes history for every client, even a cold one with score 0.
    expect(first).toMatchObject({ clients: 3, temperatureChanged: 3 });
    const facts = await loadClientFacts(db, ws, ids);
    for (const id of ids) {
      const expected = assessTemperature(facts.get(id)!, defaultTemperaturePolicy, T0);
      const r = await row(id);
      expect({ level: r.temperatureLevel, score: r.temperatureScore, reasons: r.temperatureReasons }).toEqual(
        expected,
      );
      expect(r.temperatureAt).toEqual(T0);
      expect(r.version).toBe(1);
    }
    expect(await history(ids)).toHaveLength(3);

    // An hour later nothing that is stored changes: no write at all, temperature_at stays.
    const later = new Date(T0.getTime() + 3_600_000);
    expect(await recomputeWorkspace(db, { workspaceId: ws, now: later })).toMatchObject({
      temperatureChanged: 0,
    });
    expect((await row(ids[0]!)).temperatureAt).toEqual(T0);

    // Ten days later the hot lead has cooled: one history row for it, none for the others.
    const tenDays = at(10);
    expect(await recomputeWorkspace(db, { workspaceId: ws, now: tenDays })).toMatchObject({
      temperatureChanged: 1,
    });
    const rows = await history(ids);
    expect(rows).toHaveLength(4);
    expect(rows[3]).toMatchObject({ clientId: ids[0], at: tenDays });
    const r = await row(ids[0]!);
    expect(r.temperatureAt).toEqual(tenDays);
    expect(r.temperatureScore).toBe(assessTemperature(list[0]!, defaultTemperaturePolicy, tenDays).score);
  });

  it('updates reasons and temperature_at without a history row when only the wording changes', async () => {
    // A call worth 1 point that barely decays: the score stays while "N days ago" moves.
    const policy = { lastInteraction: { halfLifeDays: 3650, kindWeights: { call: 1 } } };
    const ws = await workspace({}, policy);
    const ids = await seed(ws, [
      newClient({
        interactions: [{ at: at(-1), kind: 'call', direction: 'outbound' }],
        sourceChannel: 'import',
      }),
    ]);
    await recomputeWorkspace(db, { workspaceId: ws, now: T0 });
    await db.insert(purchases).values({ workspaceId: ws, clientId: ids[0]!, at: at(-400), amountKopecks: 1 });
    const before = await row(ids[0]!);
    expect(await recomputeWorkspace(db, { workspaceId: ws, now: at(1) })).toMatchObject({
      temperatureChanged: 0,
    });
    const after = await row(ids[0]!);
    expect(after.temperatureScore).toBe(before.temperatureScore);
    expect(after.temperatureReasons).not.toEqual(before.temperatureReasons);
    expect(after.temperatureAt).toEqual(at(1));
    expect(await history(ids)).toHaveLength(1);
  });

  it('uses the workspace policy, and refuses an invalid stored one', async () => {
    const policy = { lastPurchase: { weight: 80 }, warmFrom: 30, hotFrom: 70 };
    const ws = await workspace({}, policy);
    const list = [newClient({ purchases: [{ at: at(-1), amountKopecks: 1 }] })];
    const ids = await seed(ws, list);
    await recomputeWorkspace(db, { workspaceId: ws, now: T0 });
    const expected = assessTemperature(list[0]!, ZTemperaturePolicy.parse(policy), T0);
    expect(expected.level).toBe('hot');
    expect((await row(ids[0]!)).temperatureLevel).toBe('hot');
    expect((await row(ids[0]!)).temperatureScore).toBe(expected.score);

    await db
      .update(workspaces)
      .set({ temperaturePolicy: { warmFrom: 80, hotFrom: 70 } })
      .where(eq(workspaces.id, ws));
    const failure = await recomputeWorkspace(db, { workspaceId: ws, now: at(1) }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RecomputeError);
    expect(failure).toMatchObject({
      code: 'invalid_temperature_policy',
      issues: [expect.objectContaining({ field: 'warmFrom' })],
    });
    // Nothing was written by the failed run.
    expect(await history(ids)).toHaveLength(1);
  });

  it('reads timestamps at millisecond precision, as the facts loader does', async () => {
    const ws = await workspace();
    const ids = await seed(ws, [newClient({ sourceChannel: 'referral' })]);
    const id = ids[0]!;
    // Microsecond times: 0.4 ms after now is "at now" once truncated, as a JS Date reads it.
    await db.execute(sql`insert into interactions (workspace_id, client_id, kind, direction, at) values
      (${ws}, ${id}, 'call', 'inbound', ${T0.toISOString()}::timestamptz + interval '400 microseconds'),
      (${ws}, ${id}, 'meeting', 'outbound', ${T0.toISOString()}::timestamptz + interval '900 microseconds')`);
    await db.execute(sql`insert into purchases (workspace_id, client_id, amount_kopecks, at) values
      (${ws}, ${id}, 777, ${T0.toISOString()}::timestamptz - interval '30 days' + interval '999 microseconds')`);
    await recomputeWorkspace(db, { workspaceId: ws, now: T0 });
    const facts = (await loadClientFacts(db, ws, ids)).get(id)!;
    const expected = assessTemperature(facts, defaultTemperaturePolicy, T0);
    expect(expected.reasons.map((r) => r.signal)).toContain('last_interaction');
    const r = await row(id);
    expect({ level: r.temperatureLevel, score: r.temperatureScore, reasons: r.temperatureReasons }).toEqual(
      expected,
    );
  });
});

describe('recompute: segments', () => {
  it('opens and closes spells as clients enter and leave, and leaves static lists alone', async () => {
    const ws = await workspace({ lapsedAfterDays: 10 });
    const ids = await seed(ws, [
      newClient({ purchases: [{ at: at(-1), amountKopecks: 1 }] }),
      newClient({ purchases: [{ at: at(-5), amountKopecks: 1 }] }),
      newClient({ sourceChannel: 'referral' }),
    ]);
    const [a, b, c] = ids as [string, string, string];
    const customers = await ruleSegment(ws, {
      type: 'condition',
      field: 'stage',
      op: 'in',
      values: ['customer'],
    });
    const hot = await ruleSegment(ws, { type: 'condition', field: 'temperature', op: 'in', values: ['hot'] });
    const broken = await ruleSegment(ws, { type: 'condition', field: 'nope' } as unknown as SegmentRule);
    const list = await ruleSegment(ws, null, 'static');
    await db
      .insert(segmentMembers)
      .values({ workspaceId: ws, segmentId: list, clientId: c, enteredAt: at(-100) });

    const first = await recomputeWorkspace(db, { workspaceId: ws, now: T0 });
    expect(first).toMatchObject({ segmentsEntered: 2, segmentsLeft: 0 });
    expect(first.skippedSegments).toEqual([{ segmentId: broken, issues: expect.any(Array) }]);
    expect(await spells(customers)).toEqual(
      bySpell([
        { clientId: a, enteredAt: T0, leftAt: null },
        { clientId: b, enteredAt: T0, leftAt: null },
      ]),
    );
    expect(await spells(hot)).toEqual([]);

    // b lapses at day 6 (more than 10 whole days since day −5); a stays.
    const t1 = at(6);
    expect(await recomputeWorkspace(db, { workspaceId: ws, now: t1 })).toMatchObject({
      segmentsEntered: 0,
      segmentsLeft: 1,
    });
    // b buys again and comes back: a new spell, the old one stays closed.
    await db.insert(purchases).values({ workspaceId: ws, clientId: b, at: at(7), amountKopecks: 1 });
    // c, a referral, gets an inbound request: hot.
    await db
      .insert(interactions)
      .values({ workspaceId: ws, clientId: c, at: at(7), kind: 'inbound_request', direction: 'inbound' });
    const t2 = at(8);
    expect(await recomputeWorkspace(db, { workspaceId: ws, now: t2 })).toMatchObject({
      segmentsEntered: 2,
      segmentsLeft: 0,
    });
    expect(await spells(customers)).toEqual(
      bySpell([
        { clientId: a, enteredAt: T0, leftAt: null },
        { clientId: b, enteredAt: T0, leftAt: t1 },
        { clientId: b, enteredAt: t2, leftAt: null },
      ]),
    );
    expect(await spells(hot)).toEqual([{ clientId: c, enteredAt: t2, leftAt: null }]);
    expect(await spells(list)).toEqual([{ clientId: c, enteredAt: at(-100), leftAt: null }]);
    expect(await spells(broken)).toEqual([]);
  });
});

describe('recompute: scope, idempotence, isolation', () => {
  async function richWorkspace() {
    const ws = await workspace({ lapsedAfterDays: 20 });
    const ids = await seed(ws, [
      newClient({
        sourceChannel: 'referral',
        purchases: [{ at: at(-30), amountKopecks: 5_000_000 }],
        interactions: [{ at: at(-1), kind: 'meeting', direction: 'outbound' }],
      }),
      newClient({
        sourceChannel: 'web_form',
        interactions: [{ at: at(-1), kind: 'web_form', direction: 'inbound' }],
      }),
      newClient({ sourceChannel: 'purchased_list', tasks: [{ dueAt: at(-1), doneAt: null }] }),
      newClient({ purchases: [{ at: at(-2), amountKopecks: 100 }] }),
    ]);
    const segment = await ruleSegment(ws, {
      type: 'or',
      rules: [
        { type: 'condition', field: 'temperature', op: 'in', values: ['hot'] },
        { type: 'condition', field: 'stage', op: 'in', values: ['lapsed'] },
      ],
    });
    return { ws, ids, segment };
  }

  it('a second run at the same now changes nothing', async () => {
    const { ws } = await richWorkspace();
    const first = await recomputeWorkspace(db, { workspaceId: ws, now: T0 });
    expect(first).toMatchObject({ clients: 4, temperatureChanged: 4 });
    expect(first.stageChanged + first.segmentsEntered).toBeGreaterThan(0);
    const before = await snapshot(ws);
    expect(await recomputeWorkspace(db, { workspaceId: ws, now: T0 })).toEqual({
      clients: 4,
      stageChanged: 0,
      temperatureChanged: 0,
      segmentsEntered: 0,
      segmentsLeft: 0,
      skippedSegments: [],
    });
    expect(await snapshot(ws)).toEqual(before);
  });

  it('recomputeClients changes only the given clients, and another workspace not at all', async () => {
    const one = await richWorkspace();
    const other = await richWorkspace();
    await recomputeWorkspace(db, { workspaceId: one.ws, now: T0 });
    await recomputeWorkspace(db, { workspaceId: other.ws, now: T0 });
    const otherBefore = await snapshot(other.ws);
    const oneBefore = await snapshot(one.ws);

    // Fifty days later everyone's state has moved on; recompute only the first two clients.
    const later = at(50);
    const picked = one.ids.slice(0, 2);
    const result = await recomputeClients(db, {
      workspaceId: one.ws,
      clientIds: [...picked, picked[0]!],
      now: later,
    });
    expect(result.clients).toBe(2);
    const oneAfter = await snapshot(one.ws);
    for (const [i, c] of oneAfter.clients.entries()) {
      const unchanged = !picked.includes(c.id);
      if (unchanged) expect(c).toEqual(oneBefore.clients[i]);
    }
    expect(oneAfter.clients.find((c) => c.id === picked[0])!.at).toEqual(later);
    expect(oneAfter.history.filter((h) => !picked.includes(h.clientId))).toEqual(
      oneBefore.history.filter((h) => !picked.includes(h.clientId)),
    );
    const spellsOf = (s: typeof oneAfter, ids: string[]) => s.spells.filter((x) => ids.includes(x.clientId));
    const rest = one.ids.slice(2);
    expect(spellsOf(oneAfter, rest)).toEqual(spellsOf(oneBefore, rest));
    expect(await snapshot(other.ws)).toEqual(otherBefore);

    // A client id from another workspace is ignored.
    expect(
      await recomputeClients(db, { workspaceId: one.ws, clientIds: [other.ids[0]!], now: later }),
    ).toMatchObject({ clients: 0 });
    expect(await snapshot(other.ws)).toEqual(otherBefore);
    expect(await recomputeClients(db, { workspaceId: one.ws, clientIds: [], now: later })).toMatchObject({
      clients: 0,
    });
  });

  it('concurrent runs for one workspace open each spell once', async () => {
    // Several rounds: on the server back end the runs really overlap (a pool of connections).
    for (let round = 0; round < 4; round++) {
      const { ws, ids, segment } = await richWorkspace();
      const results = await Promise.all([
        recomputeWorkspace(db, { workspaceId: ws, now: T0 }),
        recomputeClients(db, { workspaceId: ws, clientIds: ids.slice(0, 2), now: T0 }),
        recomputeWorkspace(db, { workspaceId: ws, now: T0 }),
      ]);
      const open = (await spells(segment)).filter((s) => s.leftAt === null);
      expect(open.length).toBeGreaterThan(0);
      expect(results.reduce((n, r) => n + r.segmentsEntered, 0)).toBe(open.length);
      expect(results.reduce((n, r) => n + r.temperatureChanged, 0)).toBe(4);
      expect((await snapshot(ws)).history).toHaveLength(4);
    }
  });

  it('fails on an unknown workspace', async () => {
    await expect(recomputeWorkspace(db, { workspaceId: randomUUID(), now: T0 })).rejects.toMatchObject({
      code: 'workspace_not_found',
    });
  });
});

describe('baselineTemperatureSql', () => {
  it('writes exactly what the compiled recompute writes under the default policy', async () => {
    const { ws, ids } = await (async () => {
      const w = await workspace();
      const list = [
        newClient({
          sourceChannel: 'referral',
          purchases: [
            { at: at(-30, 7), amountKopecks: 5_000_001 },
            { at: at(-400), amountKopecks: 3 },
          ],
          interactions: [
            { at: at(-1), kind: 'meeting', direction: 'outbound' },
            { at: at(-1), kind: 'negotiation', direction: 'inbound' },
            { at: at(3), kind: 'call', direction: 'inbound' },
          ],
          tasks: [
            { dueAt: at(-1), doneAt: null },
            { dueAt: null, doneAt: at(1) },
          ],
        }),
        newClient({
          sourceChannel: 'web_form',
          interactions: [{ at: at(-1, 5), kind: 'web_form', direction: 'inbound' }],
        }),
        newClient({ sourceChannel: 'purchased_list', tasks: [{ dueAt: at(-1), doneAt: null }] }),
        newClient({ sourceChannel: 'other', purchases: [{ at: at(-20_000), amountKopecks: 100 }] }),
        newClient(),
      ];
      return { ws: w, ids: await seed(w, list) };
    })();
    const [result] = await queryRows<{ changed: number }>(
      db,
      baselineTemperatureSql({ workspaceId: ws, now: T0 }),
    );
    expect(Number(result!.changed)).toBe(ids.length);
    const facts = await loadClientFacts(db, ws, ids);
    for (const id of ids) {
      const r = await row(id);
      expect({ level: r.temperatureLevel, score: r.temperatureScore, reasons: r.temperatureReasons }).toEqual(
        assessTemperature(facts.get(id)!, defaultTemperaturePolicy, T0),
      );
      expect(r.temperatureAt).toEqual(T0);
    }
    // The compiled recompute finds nothing to change after the baseline.
    expect(await recomputeWorkspace(db, { workspaceId: ws, now: T0 })).toMatchObject({
      temperatureChanged: 0,
    });
    const rerun = await queryRows<{ changed: number }>(
      db,
      baselineTemperatureSql({ workspaceId: ws, now: T0 }),
    );
    expect(Number(rerun[0]!.changed)).toBe(0);
    expect(await db.select().from(tasks).where(eq(tasks.workspaceId, ws))).toHaveLength(3);
  });
});
