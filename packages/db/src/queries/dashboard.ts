import { type Stage, stages, type TemperatureLevel, temperatureLevels } from '@cb/domain';
import { type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { queryRows, toDate } from '../raw.ts';
import type { ReadScope } from './context.ts';

/*
 * The dashboard's numbers, each one set-based statement whatever the size of the base. Months and
 * "now" are UTC and come from the caller (`now`), never from the database clock, so a pinned clock
 * gives the same answer on every back end. Client numbers count the live base (not archived); the
 * histories and tasks follow `listTasks` and the timeline: a restricted manager sees what belongs to
 * their own clients, and tasks that belong to no client.
 */

export type StageCounts = Record<Stage, number>;
export type TemperatureCounts = Record<TemperatureLevel | 'unknown', number>;

export type GrowthPoint = {
  /** `YYYY-MM` (UTC). */
  month: string;
  /** Live clients created before the end of the month, by their current stage. */
  total: number;
  byStage: StageCounts;
};

export type ActivityKind = 'interaction' | 'purchase' | 'payment' | 'task';

export type ActivityItem = {
  kind: ActivityKind;
  id: string;
  /** When it happened; a task stands at its creation time, as on the timeline. */
  at: Date;
  clientId: string | null;
  clientName: string | null;
  /** Interaction summary, purchase note, payment method or task title. */
  title: string | null;
  /** Purchases and payments only. */
  amountKopecks: number | null;
};

export type OpenTaskItem = {
  id: string;
  title: string;
  dueAt: Date | null;
  clientId: string | null;
  clientName: string | null;
  assigneeId: string | null;
};

export type DashboardSummary = {
  total: number;
  byStage: StageCounts;
  /** One point per month, oldest first, ending with the month of `now`. */
  growth: GrowthPoint[];
  temperature: TemperatureCounts;
  /** Live clients per source channel, most first. */
  bySource: { channel: string; count: number }[];
  recentActivity: ActivityItem[];
  openTasks: { count: number; overdue: number; items: OpenTaskItem[] };
};

export const DASHBOARD_RECENT_ACTIVITY = 15;
export const DASHBOARD_OPEN_TASKS = 10;

export type DashboardParams = { now: Date; months: number };

const zeroStages = (): StageCounts => Object.fromEntries(stages.map((s) => [s, 0])) as StageCounts;

/** Months since year 0 (UTC): `YYYY * 12 + (MM - 1)`. */
function monthNumber(at: Date): number {
  return at.getUTCFullYear() * 12 + at.getUTCMonth();
}

function monthKey(n: number): string {
  return `${String(Math.floor(n / 12)).padStart(4, '0')}-${String((n % 12) + 1).padStart(2, '0')}`;
}

/** `and <column> belongs to a client the scope sees`, for a history table's `client_id`. */
function ownedBy(scope: ReadScope, clientId: SQL, allowNoClient = false): SQL {
  if (!scope.onlyOwnerId) return sql``;
  const owned = sql`exists (select 1 from clients oc where oc.id = ${clientId} and oc.owner_id = ${scope.onlyOwnerId})`;
  return allowNoClient ? sql`and (${clientId} is null or ${owned})` : sql`and ${owned}`;
}

export async function dashboardSummary(
  db: Executor,
  scope: ReadScope,
  params: DashboardParams,
): Promise<DashboardSummary> {
  const nowMs = params.now.getTime();
  if (Number.isNaN(nowMs)) throw new RangeError('dashboardSummary: now is not a valid date');
  const months = Math.max(1, Math.floor(params.months));
  // Sequential: the executor may be a transaction, whose one connection runs one query at a time.
  const clientPart = await clientNumbers(db, scope, params.now, months);
  const recentActivity = await recentActivityOf(db, scope, params.now);
  const openTasks = await openTasksOf(db, scope, params.now);
  return { ...clientPart, recentActivity, openTasks };
}

type ClientGroupRow = {
  stage: Stage;
  level: TemperatureLevel | null;
  channel: string;
  bucket: number;
  n: number;
};

/**
 * Totals, stages, growth, temperatures and sources from one grouped scan of the live clients:
 * grouped by stage, stored level, channel and the month of creation (`bucket` 0 = the first month
 * of the chart or earlier, `months` = after the chart's last month), then summed here.
 */
async function clientNumbers(
  db: Executor,
  scope: ReadScope,
  now: Date,
  months: number,
): Promise<Pick<DashboardSummary, 'total' | 'byStage' | 'growth' | 'temperature' | 'bySource'>> {
  const lastMonth = monthNumber(now);
  const firstMonth = lastMonth - months + 1;
  const createdMonth = sql`(extract(year from c.created_at at time zone 'UTC')::int * 12
    + extract(month from c.created_at at time zone 'UTC')::int - 1)`;
  const rows = await queryRows<ClientGroupRow>(
    db,
    sql`select c.stage, c.temperature_level as level, c.source_channel as channel,
        least(greatest(${createdMonth} - ${firstMonth}::int, 0), ${months}::int) as bucket,
        count(*)::int as n
      from clients c
      where c.workspace_id = ${scope.workspaceId} and c.archived_at is null
        ${scope.onlyOwnerId ? sql`and c.owner_id = ${scope.onlyOwnerId}` : sql``}
      group by 1, 2, 3, 4`,
  );

  let total = 0;
  const byStage = zeroStages();
  const temperature: TemperatureCounts = { cold: 0, warm: 0, hot: 0, unknown: 0 };
  const bySource = new Map<string, number>();
  /** New live clients per bucket and stage; a month's point is the running sum up to it. */
  const added = Array.from({ length: months }, zeroStages);
  for (const row of rows) {
    const n = Number(row.n);
    total += n;
    byStage[row.stage] += n;
    temperature[row.level && temperatureLevels.includes(row.level) ? row.level : 'unknown'] += n;
    bySource.set(row.channel, (bySource.get(row.channel) ?? 0) + n);
    const bucket = Number(row.bucket);
    if (bucket < months) added[bucket]![row.stage] += n;
  }

  const growth: GrowthPoint[] = [];
  const running = zeroStages();
  for (let i = 0; i < months; i++) {
    for (const stage of stages) running[stage] += added[i]![stage];
    growth.push({
      month: monthKey(firstMonth + i),
      total: stages.reduce((sum, stage) => sum + running[stage], 0),
      byStage: { ...running },
    });
  }

  return {
    total,
    byStage,
    growth,
    temperature,
    bySource: [...bySource]
      .map(([channel, count]) => ({ channel, count }))
      .sort((x, y) => y.count - x.count || x.channel.localeCompare(y.channel)),
  };
}

type ActivityRow = {
  kind: ActivityKind;
  id: string;
  at: string | Date;
  client_id: string | null;
  client_name: string | null;
  title: string | null;
  amount: number | string | null;
};

/**
 * The latest entries of the four histories up to `now` (a meeting booked ahead is not activity
 * yet): each table gives its own latest few (index order), and the union keeps the latest overall.
 */
async function recentActivityOf(db: Executor, scope: ReadScope, now: Date): Promise<ActivityItem[]> {
  const limit = DASHBOARD_RECENT_ACTIVITY;
  const ws = scope.workspaceId;
  const upTo = sql`${new Date(now.getTime() + 1).toISOString()}::timestamptz`;
  const rows = await queryRows<ActivityRow>(
    db,
    sql`select a.kind, a.id, a.at, a.client_id, c.display_name as client_name, a.title, a.amount
      from (
        (select 'interaction' as kind, i.id, i.at, i.client_id, i.summary as title, null::float8 as amount
          from interactions i
          where i.workspace_id = ${ws} and i.at < ${upTo} ${ownedBy(scope, sql`i.client_id`)}
          order by i.at desc, i.id desc limit ${limit})
        union all
        (select 'purchase', p.id, p.at, p.client_id, p.note, p.amount_kopecks::float8
          from purchases p
          where p.workspace_id = ${ws} and p.at < ${upTo} ${ownedBy(scope, sql`p.client_id`)}
          order by p.at desc, p.id desc limit ${limit})
        union all
        (select 'payment', pm.id, pm.at, pm.client_id, pm.method, pm.amount_kopecks::float8
          from payments pm
          where pm.workspace_id = ${ws} and pm.at < ${upTo} ${ownedBy(scope, sql`pm.client_id`)}
          order by pm.at desc, pm.id desc limit ${limit})
        union all
        (select 'task', t.id, t.created_at, t.client_id, t.title, null::float8
          from tasks t
          where t.workspace_id = ${ws} and t.created_at < ${upTo} ${ownedBy(scope, sql`t.client_id`, true)}
          order by t.created_at desc, t.id desc limit ${limit})
      ) a
      left join clients c on c.id = a.client_id
      order by a.at desc, a.kind, a.id desc
      limit ${limit}`,
  );
  return rows.map((r) => ({
    kind: r.kind,
    id: r.id,
    at: toDate(r.at)!,
    clientId: r.client_id,
    clientName: r.client_name,
    title: r.title,
    amountKopecks: r.amount === null ? null : Number(r.amount),
  }));
}

type OpenTaskRow = {
  id: string;
  title: string;
  due_at: string | Date | null;
  client_id: string | null;
  client_name: string | null;
  assignee_id: string | null;
};

/** Open (not done) tasks: how many, how many overdue at `now`, and the first few by due date. */
async function openTasksOf(
  db: Executor,
  scope: ReadScope,
  now: Date,
): Promise<DashboardSummary['openTasks']> {
  const where = sql`t.workspace_id = ${scope.workspaceId} and t.done_at is null
    ${ownedBy(scope, sql`t.client_id`, true)}`;
  const [counted] = await queryRows<{ count: number; overdue: number }>(
    db,
    sql`select count(*)::int as count,
        count(*) filter (where t.due_at < ${now.toISOString()}::timestamptz)::int as overdue
      from tasks t where ${where}`,
  );
  const rows = await queryRows<OpenTaskRow>(
    db,
    sql`select t.id, t.title, t.due_at, t.client_id, c.display_name as client_name, t.assignee_id
      from tasks t left join clients c on c.id = t.client_id
      where ${where}
      order by t.due_at asc nulls last, t.created_at, t.id
      limit ${DASHBOARD_OPEN_TASKS}`,
  );
  return {
    count: Number(counted?.count ?? 0),
    overdue: Number(counted?.overdue ?? 0),
    items: rows.map((r) => ({
      id: r.id,
      title: r.title,
      dueAt: toDate(r.due_at),
      clientId: r.client_id,
      clientName: r.client_name,
      assigneeId: r.assignee_id,
    })),
  };
}
