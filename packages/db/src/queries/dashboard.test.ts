import { type Stage, stages } from '@cb/domain';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recomputeWorkspace } from '../recompute/recompute.ts';
import { clients, interactions, payments, purchases, tasks } from '../schema/index.ts';
import { bulkInsertBase } from '../seed/bulk.ts';
import { generateBase } from '../seed/generate.ts';
import { openTestDatabase, seedWorkspace, type TestDatabase } from '../testing/index.ts';
import type { ReadScope } from './context.ts';
import {
  type ActivityItem,
  type DashboardSummary,
  dashboardSummary,
  type OpenTaskItem,
} from './dashboard.ts';
import { createUser } from './workspaces.ts';

let handle: TestDatabase;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(async () => {
  await handle?.close();
});

const zeroStages = () => Object.fromEntries(stages.map((s) => [s, 0])) as Record<Stage, number>;
const stageCounts = (partial: Partial<Record<Stage, number>>) => ({ ...zeroStages(), ...partial });

describe('dashboardSummary on a small hand-made base', () => {
  const NOW = new Date('2026-03-15T12:00:00.000Z');
  let scope: ReadScope;
  let ownerId: string;
  let otherId: string;
  let anna: string;
  let boris: string;

  beforeAll(async () => {
    const { workspace, user } = await seedWorkspace(handle.db);
    const other = await createUser(handle.db, { email: `other-${workspace.id}@example.com`, name: 'Other' });
    scope = { workspaceId: workspace.id };
    ownerId = user.id;
    otherId = other.id;
    const client = (
      name: string,
      createdAt: string,
      extra: Partial<typeof clients.$inferInsert> = {},
    ): typeof clients.$inferInsert => ({
      workspaceId: workspace.id,
      kind: 'person',
      displayName: name,
      matchKey: name.toLowerCase(),
      createdAt: new Date(createdAt),
      ownerId: user.id,
      ...extra,
    });
    const rows = await handle.db
      .insert(clients)
      .values([
        client('Анна', '2025-12-31T23:59:59.999Z', {
          stage: 'customer',
          temperatureLevel: 'hot',
          sourceChannel: 'referral',
        }),
        client('Борис', '2026-01-01T00:00:00.000Z', {
          stage: 'prospect',
          temperatureLevel: 'cold',
          sourceChannel: 'web_form',
          ownerId: other.id,
        }),
        client('Вера', '2026-02-10T10:00:00.000Z', {
          stage: 'lapsed',
          temperatureLevel: 'warm',
          sourceChannel: 'web_form',
        }),
        client('Глеб', '2026-03-14T10:00:00.000Z', { sourceChannel: 'walk_in' }),
        // Archived: counted nowhere among clients, though its history still shows.
        client('Дарья', '2025-06-01T10:00:00.000Z', {
          stage: 'archived',
          archivedAt: new Date('2026-02-01T00:00:00.000Z'),
          temperatureLevel: 'hot',
          sourceChannel: 'referral',
        }),
        // Created after the end of the current month (a pinned clock in a test): no growth point has it.
        client('Егор', '2026-04-01T00:00:00.000Z', { sourceChannel: 'web_form' }),
      ])
      .returning({ id: clients.id });
    anna = rows[0]!.id;
    boris = rows[1]!.id;
    const darya = rows[4]!.id;
    const ws = workspace.id;
    await handle.db.insert(interactions).values([
      {
        workspaceId: ws,
        clientId: anna,
        kind: 'call',
        at: new Date('2026-03-15T11:00:00.000Z'),
        summary: 'Звонок',
      },
      { workspaceId: ws, clientId: boris, kind: 'meeting', at: new Date('2026-03-15T09:00:00.000Z') },
      // Booked ahead: not activity yet.
      { workspaceId: ws, clientId: anna, kind: 'meeting', at: new Date('2026-03-20T09:00:00.000Z') },
      {
        workspaceId: ws,
        clientId: darya,
        kind: 'note',
        at: new Date('2026-01-05T09:00:00.000Z'),
        summary: 'Архив',
      },
    ]);
    const [purchase] = await handle.db
      .insert(purchases)
      .values({
        workspaceId: ws,
        clientId: anna,
        at: new Date('2026-03-14T12:00:00.000Z'),
        amountKopecks: 1_250_000,
        note: 'Заказ 7',
      })
      .returning({ id: purchases.id });
    await handle.db.insert(payments).values({
      workspaceId: ws,
      clientId: anna,
      purchaseId: purchase!.id,
      at: new Date('2026-03-15T12:00:00.000Z'),
      amountKopecks: 1_250_000,
      method: 'card',
    });
    await handle.db.insert(tasks).values([
      {
        workspaceId: ws,
        clientId: anna,
        title: 'Перезвонить',
        dueAt: new Date('2026-03-10T00:00:00.000Z'),
        createdAt: new Date('2026-03-01T00:00:00.000Z'),
      },
      {
        workspaceId: ws,
        clientId: boris,
        title: 'КП Борису',
        dueAt: new Date('2026-03-16T00:00:00.000Z'),
        createdAt: new Date('2026-03-02T00:00:00.000Z'),
        assigneeId: other.id,
      },
      {
        workspaceId: ws,
        clientId: null,
        title: 'Без клиента',
        dueAt: null,
        createdAt: new Date('2026-03-03T00:00:00.000Z'),
      },
      {
        workspaceId: ws,
        clientId: anna,
        title: 'Сделано',
        dueAt: new Date('2026-03-01T00:00:00.000Z'),
        doneAt: new Date('2026-03-02T00:00:00.000Z'),
        createdAt: new Date('2026-02-20T00:00:00.000Z'),
      },
    ]);
  });

  it('counts the live base by stage, temperature and source', async () => {
    const summary = await dashboardSummary(handle.db, scope, { now: NOW, months: 3 });
    expect(summary.total).toBe(5);
    expect(summary.byStage).toEqual(stageCounts({ customer: 1, prospect: 3, lapsed: 1 }));
    expect(summary.temperature).toEqual({ cold: 1, warm: 1, hot: 1, unknown: 2 });
    expect(summary.bySource).toEqual([
      { channel: 'web_form', count: 3 },
      { channel: 'referral', count: 1 },
      { channel: 'walk_in', count: 1 },
    ]);
  });

  it('draws growth month by month (UTC), zero months included, by current stage', async () => {
    const summary = await dashboardSummary(handle.db, scope, { now: NOW, months: 5 });
    expect(summary.growth).toEqual([
      { month: '2025-11', total: 0, byStage: zeroStages() },
      { month: '2025-12', total: 1, byStage: stageCounts({ customer: 1 }) },
      { month: '2026-01', total: 2, byStage: stageCounts({ customer: 1, prospect: 1 }) },
      { month: '2026-02', total: 3, byStage: stageCounts({ customer: 1, prospect: 1, lapsed: 1 }) },
      { month: '2026-03', total: 4, byStage: stageCounts({ customer: 1, prospect: 2, lapsed: 1 }) },
    ]);
    const one = await dashboardSummary(handle.db, scope, { now: NOW, months: 1 });
    expect(one.growth.map((p) => [p.month, p.total])).toEqual([['2026-03', 4]]);
    const acrossYear = await dashboardSummary(handle.db, scope, {
      now: new Date('2026-01-01T00:00:00.000Z'),
      months: 2,
    });
    expect(acrossYear.growth.map((p) => [p.month, p.total])).toEqual([
      ['2025-12', 1],
      ['2026-01', 2],
    ]);
  });

  it('lists the latest activity up to now across the four histories', async () => {
    const summary = await dashboardSummary(handle.db, scope, { now: NOW, months: 1 });
    const shown = summary.recentActivity.map((a) => [
      a.kind,
      a.at.toISOString(),
      a.clientName,
      a.title,
      a.amountKopecks,
    ]);
    expect(shown).toEqual([
      ['payment', '2026-03-15T12:00:00.000Z', 'Анна', 'card', 1_250_000],
      ['interaction', '2026-03-15T11:00:00.000Z', 'Анна', 'Звонок', null],
      ['interaction', '2026-03-15T09:00:00.000Z', 'Борис', null, null],
      ['purchase', '2026-03-14T12:00:00.000Z', 'Анна', 'Заказ 7', 1_250_000],
      ['task', '2026-03-03T00:00:00.000Z', null, 'Без клиента', null],
      ['task', '2026-03-02T00:00:00.000Z', 'Борис', 'КП Борису', null],
      ['task', '2026-03-01T00:00:00.000Z', 'Анна', 'Перезвонить', null],
      ['task', '2026-02-20T00:00:00.000Z', 'Анна', 'Сделано', null],
      ['interaction', '2026-01-05T09:00:00.000Z', 'Дарья', 'Архив', null],
    ]);
    expect(summary.recentActivity[0]!.clientId).toBe(anna);
  });

  it('counts open and overdue tasks and lists them by due date, undated last', async () => {
    const summary = await dashboardSummary(handle.db, scope, { now: NOW, months: 1 });
    expect(summary.openTasks.count).toBe(3);
    expect(summary.openTasks.overdue).toBe(1);
    expect(
      summary.openTasks.items.map((t) => [t.title, t.dueAt?.toISOString() ?? null, t.clientId, t.clientName]),
    ).toEqual([
      ['Перезвонить', '2026-03-10T00:00:00.000Z', anna, 'Анна'],
      ['КП Борису', '2026-03-16T00:00:00.000Z', boris, 'Борис'],
      ['Без клиента', null, null, null],
    ]);
    expect(summary.openTasks.items[1]!.assigneeId).toBe(otherId);
  });

  it('shows a restricted manager only their own clients, and tasks of no client', async () => {
    const own = await dashboardSummary(
      handle.db,
      { ...scope, onlyOwnerId: otherId },
      { now: NOW, months: 3 },
    );
    expect(own.total).toBe(1);
    expect(own.byStage).toEqual(stageCounts({ prospect: 1 }));
    expect(own.temperature).toEqual({ cold: 1, warm: 0, hot: 0, unknown: 0 });
    expect(own.bySource).toEqual([{ channel: 'web_form', count: 1 }]);
    expect(own.growth.map((p) => p.total)).toEqual([1, 1, 1]);
    expect(own.recentActivity.map((a) => a.title)).toEqual([null, 'Без клиента', 'КП Борису']);
    expect(own.openTasks).toMatchObject({ count: 2, overdue: 0 });
    const mine = await dashboardSummary(
      handle.db,
      { ...scope, onlyOwnerId: ownerId },
      { now: NOW, months: 3 },
    );
    expect(mine.total).toBe(4);
  });

  it('is empty, with every key, for a workspace without clients', async () => {
    const { workspace } = await seedWorkspace(handle.db);
    const summary = await dashboardSummary(handle.db, { workspaceId: workspace.id }, { now: NOW, months: 2 });
    expect(summary).toEqual({
      total: 0,
      byStage: zeroStages(),
      growth: [
        { month: '2026-02', total: 0, byStage: zeroStages() },
        { month: '2026-03', total: 0, byStage: zeroStages() },
      ],
      temperature: { cold: 0, warm: 0, hot: 0, unknown: 0 },
      bySource: [],
      recentActivity: [],
      openTasks: { count: 0, overdue: 0, items: [] },
    } satisfies DashboardSummary);
  });
});

/**
 * The same numbers computed the plain way, from every row of the workspace in memory: what the SQL
 * must agree with on a realistic base.
 */
async function referenceSummary(workspaceId: string, onlyOwnerId: string | null, now: Date, months: number) {
  const where = sql`workspace_id = ${workspaceId}`;
  const allClients = await handle.db.select().from(clients).where(where);
  const byId = new Map(allClients.map((c) => [c.id, c]));
  const visible = (clientId: string | null, allowNone: boolean) =>
    clientId === null ? allowNone : !onlyOwnerId || byId.get(clientId)?.ownerId === onlyOwnerId;
  const live = allClients.filter((c) => c.archivedAt === null && visible(c.id, false));

  const byStage = zeroStages();
  const temperature = { cold: 0, warm: 0, hot: 0, unknown: 0 };
  const sources = new Map<string, number>();
  for (const c of live) {
    byStage[c.stage] += 1;
    temperature[c.temperatureLevel ?? 'unknown'] += 1;
    sources.set(c.sourceChannel, (sources.get(c.sourceChannel) ?? 0) + 1);
  }
  const growth = Array.from({ length: months }, (_, i) => {
    const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (months - 1 - i), 1);
    const monthEnd = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (months - 1 - i) + 1, 1);
    const counts = zeroStages();
    for (const c of live) if (c.createdAt.getTime() < monthEnd) counts[c.stage] += 1;
    return {
      month: new Date(monthStart).toISOString().slice(0, 7),
      total: Object.values(counts).reduce((a, b) => a + b, 0),
      byStage: counts,
    };
  });

  const nameOf = (id: string | null) => (id ? (byId.get(id)?.displayName ?? null) : null);
  const activity: ActivityItem[] = [
    ...(await handle.db.select().from(interactions).where(where)).map((r) => ({
      kind: 'interaction' as const,
      id: r.id,
      at: r.at,
      clientId: r.clientId,
      title: r.summary,
      amountKopecks: null,
    })),
    ...(await handle.db.select().from(purchases).where(where)).map((r) => ({
      kind: 'purchase' as const,
      id: r.id,
      at: r.at,
      clientId: r.clientId,
      title: r.note,
      amountKopecks: r.amountKopecks,
    })),
    ...(await handle.db.select().from(payments).where(where)).map((r) => ({
      kind: 'payment' as const,
      id: r.id,
      at: r.at,
      clientId: r.clientId,
      title: r.method,
      amountKopecks: r.amountKopecks,
    })),
    ...(await handle.db.select().from(tasks).where(where)).map((r) => ({
      kind: 'task' as const,
      id: r.id,
      at: r.createdAt,
      clientId: r.clientId,
      title: r.title,
      amountKopecks: null,
    })),
  ]
    .filter((a) => a.at.getTime() <= now.getTime() && visible(a.clientId, a.kind === 'task'))
    .map((a) => ({ ...a, clientName: nameOf(a.clientId) }))
    .sort(
      (x, y) =>
        y.at.getTime() - x.at.getTime() ||
        x.kind.localeCompare(y.kind) ||
        (x.id < y.id ? 1 : x.id > y.id ? -1 : 0),
    )
    .slice(0, 15);

  const open = (await handle.db.select().from(tasks).where(where))
    .filter((t) => t.doneAt === null && visible(t.clientId, true))
    .sort(
      (x, y) =>
        (x.dueAt?.getTime() ?? Number.POSITIVE_INFINITY) - (y.dueAt?.getTime() ?? Number.POSITIVE_INFINITY) ||
        x.createdAt.getTime() - y.createdAt.getTime() ||
        (x.id < y.id ? -1 : 1),
    );
  const items: OpenTaskItem[] = open.slice(0, 10).map((t) => ({
    id: t.id,
    title: t.title,
    dueAt: t.dueAt,
    clientId: t.clientId,
    clientName: nameOf(t.clientId),
    assigneeId: t.assigneeId,
  }));
  return {
    total: live.length,
    byStage,
    growth,
    temperature,
    bySource: [...sources]
      .map(([channel, count]) => ({ channel, count }))
      .sort((x, y) => y.count - x.count || x.channel.localeCompare(y.channel)),
    recentActivity: activity,
    openTasks: {
      count: open.length,
      overdue: open.filter((t) => t.dueAt !== null && t.dueAt.getTime() < now.getTime()).length,
      items,
    },
  } satisfies DashboardSummary;
}

describe('dashboardSummary on a generated base', () => {
  const NOW = new Date('2026-05-20T08:30:00.000Z');
  let workspaceId: string;
  let managers: string[];

  beforeAll(async () => {
    const { workspace } = await seedWorkspace(handle.db);
    workspaceId = workspace.id;
    managers = [];
    for (const n of [1, 2]) {
      const user = await createUser(handle.db, { email: `m${n}-${workspace.id}@example.com`, name: `M${n}` });
      managers.push(user.id);
    }
    await bulkInsertBase(
      handle.db,
      workspaceId,
      generateBase({ seed: 11, clients: 400, now: NOW, ownerIds: managers }),
    );
    await recomputeWorkspace(handle.db, { workspaceId, now: NOW });
    // Some archived clients, and a month with nobody new (February: its clients move 40 days back).
    await handle.db.execute(sql`update clients set archived_at = created_at + interval '1 day', stage = 'archived'
      where workspace_id = ${workspaceId} and get_byte(decode(md5(id::text), 'hex'), 0) < 30`);
    await handle.db.execute(sql`update clients set created_at = created_at - interval '40 days'
      where workspace_id = ${workspaceId}
        and created_at >= '2026-02-01T00:00:00Z' and created_at < '2026-03-01T00:00:00Z'`);
  });

  it.each([
    ['the whole workspace', null, 12],
    ['a restricted manager', 0, 24],
    ['a restricted manager, one month', 1, 1],
  ] as const)('agrees with the in-memory reference for %s', async (_, manager, months) => {
    const onlyOwnerId = manager === null ? null : managers[manager]!;
    const summary = await dashboardSummary(handle.db, { workspaceId, onlyOwnerId }, { now: NOW, months });
    expect(summary).toEqual(await referenceSummary(workspaceId, onlyOwnerId, NOW, months));
    expect(summary.growth.at(-1)!.total).toBe(summary.total);
    expect(summary.recentActivity).toHaveLength(15);
    // The generator clamps late payments to `now`, so many entries tie there: the reference checks
    // that ties break the same way (kind, then id).
    expect(summary.recentActivity.every((a) => a.at.getTime() <= NOW.getTime())).toBe(true);
  });

  it('keeps the point of a month where nobody new came', async () => {
    const summary = await dashboardSummary(handle.db, { workspaceId }, { now: NOW, months: 12 });
    const [january, february] = summary.growth.filter((p) => p.month === '2026-01' || p.month === '2026-02');
    expect(february!.total).toBe(january!.total);
    expect(january!.total).toBeGreaterThan(0);
  });
});
