import {
  DAY_MS,
  interactionDirections,
  interactionKinds,
  type TemperaturePolicy,
  type TemperatureSignal,
  temperatureSignals,
} from '@cb/domain';
import { type SQL, sql } from 'drizzle-orm';

/*
 * The temperature policy of `@cb/domain` `assessTemperature`, compiled to set-based SQL. The
 * formulas are the ones in the header of `assess.ts`; this file only says how each is spelled in
 * SQL so that the result is the same to the last bit (a property test holds the two together):
 *
 * - every timestamp is read at millisecond precision (`date_trunc('milliseconds', at)`, what a JS
 *   `Date` holds), and ages are `(nowMs − atMs)::float8 / 86400000`: both operands are exact
 *   integers, so the division rounds exactly as JS does;
 * - `at <= now` on truncated times is `at < now + 1 ms` on the stored column, and a window start
 *   or `now` itself is a whole millisecond, so the comparisons stay on the raw (indexed) columns;
 * - decay is `w * power(0.5, age / hl)` and every other signal the same float8 operations in the
 *   same order as the TS code; rounding is `floor(x + 0.5)`;
 * - PostgreSQL raises an error where IEEE arithmetic silently underflows or overflows (`power`
 *   to 0, `w * tiny` to 0, `age / tinyHalfLife` to ∞). A decayed signal is therefore taken as 0
 *   when `age > 60 · hl` or `|w| < 1e-250`: there `|w · 0.5^x| < 1e-16`, which rounds to 0 points in
 *   both implementations, so the guard changes no result, only avoids the error;
 * - reasons are a jsonb array of `{ signal, points, detail }` with the detail keys of the TS
 *   version, non-zero points only, ordered by |points| desc then `temperatureSignals` order.
 */

/** Which clients an assessment reads: a workspace, optionally narrowed to some clients. */
export type TemperatureScope = {
  workspaceId: string;
  /** When given, only these clients (and their history) are read. */
  clientIds?: readonly string[] | null | undefined;
};

export type CompiledTemperature = {
  /**
   * Joins to append after `from "clients"` (the table under its own name): one aggregate per
   * history table (`tp_purchase`, `tp_contact`, `tp_inbound`, `tp_tasks`), then `tp_points`.
   * The aggregates read only the scope's rows, so the caller filters `clients` by the same scope.
   */
  joins: SQL;
  /** Rounded points of each signal (int, 0 when the signal does not apply). */
  points: Record<TemperatureSignal, SQL>;
  /** int 0..100. */
  score: SQL;
  /** text: 'cold' | 'warm' | 'hot'. */
  level: SQL;
  /** jsonb array of TemperatureReason. */
  reasons: SQL;
};

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A uuid[] parameter (one bind value whatever the number of ids). */
export function uuidArraySql(ids: readonly string[]): SQL {
  for (const id of ids) if (!UUID_RE.test(id)) throw new RangeError(`Not a uuid: ${JSON.stringify(id)}`);
  return sql`${`{${ids.join(',')}}`}::uuid[]`;
}

/** A timestamptz parameter at `ms` since the epoch. */
export const timestampSql = (ms: number): SQL => sql`${new Date(ms).toISOString()}::timestamptz`;

/** Milliseconds since the epoch of a timestamptz, truncated to the millisecond, as bigint. */
export const epochMsSql = (at: SQL): SQL =>
  sql`(extract(epoch from date_trunc('milliseconds', ${at})) * 1000)::bigint`;

const f8 = (value: number): SQL => sql`${value}::float8`;
const textLiteral = (value: string): SQL => sql.raw(`'${value.replaceAll("'", "''")}'`);
const textArrayLiteral = (values: readonly string[]): SQL =>
  sql.raw(`array[${values.map((v) => `'${v.replaceAll("'", "''")}'`).join(', ')}]::text[]`);

/** `floor(x + 0.5)` as int: the domain's `roundPoints`. */
const roundPoints = (x: SQL): SQL => sql`floor((${x}) + 0.5::float8)::int`;

/** The scope filter on a history table with `workspace_id` and `client_id` columns. */
function historyScope(table: string, scope: TemperatureScope): SQL {
  const ws = sql`${sql.identifier(table)}."workspace_id" = ${scope.workspaceId}::uuid`;
  if (scope.clientIds == null) return ws;
  return sql`${ws} and ${sql.identifier(table)}."client_id" = any(${uuidArraySql(scope.clientIds)})`;
}

/** The scope filter on `clients`. */
export function clientScopeSql(scope: TemperatureScope): SQL {
  const ws = sql`"clients"."workspace_id" = ${scope.workspaceId}::uuid`;
  if (scope.clientIds == null) return ws;
  return sql`${ws} and "clients"."id" = any(${uuidArraySql(scope.clientIds)})`;
}

export function compileTemperature(
  policy: TemperaturePolicy,
  ctx: { now: Date; scope: TemperatureScope },
): CompiledTemperature {
  const nowMs = ctx.now.getTime();
  if (Number.isNaN(nowMs)) throw new RangeError('compileTemperature: now is not a valid date');
  const { scope } = ctx;
  const now = sql`${nowMs}::bigint`;
  const upTo = timestampSql(nowMs + 1);
  const nowTs = timestampSql(nowMs);
  const windowStart = timestampSql(nowMs - policy.purchaseWindowDays * DAY_MS);
  const ageDays = (ms: SQL): SQL => sql`((${now} - ${ms})::float8 / ${f8(DAY_MS)})`;
  const wholeDays = (ms: SQL): SQL => sql`floor(${ageDays(ms)})::bigint`;
  const halfLifeOf = (override: number | null): number => override ?? policy.halfLifeDays;

  /** `w * 0.5^(age / hl)` with the underflow guard described above; `weight` may be a column. */
  const decay = (weight: SQL | number, ms: SQL, halfLife: number): SQL => {
    if (typeof weight === 'number' && Math.abs(weight) < 1e-250) return sql`0::float8`;
    const w = typeof weight === 'number' ? f8(weight) : weight;
    const age = ageDays(ms);
    return sql`(case when abs(${w}) < 1e-250::float8 or ${age} > 60::float8 * ${f8(halfLife)} then 0::float8
      else ${w} * power(0.5::float8, ${age} / ${f8(halfLife)}) end)`;
  };
  /** `w * min(1, x / fullAt)`; a weight too small to multiply without underflow gives 0 points. */
  const capped = (weight: number, x: SQL, fullAt: number): SQL =>
    Math.abs(weight) < 1e-250
      ? sql`0::float8`
      : sql`(${f8(weight)} * least(1::float8, ${x} / ${f8(fullAt)}))`;

  const kindOrder = sql`array_position(${textArrayLiteral(interactionKinds)}, "interactions"."kind")`;
  const directionOrder = sql`array_position(${textArrayLiteral(interactionDirections)}, "interactions"."direction")`;
  const interactionMs = epochMsSql(sql`"interactions"."at"`);

  const weights = policy.lastInteraction.kindWeights;
  const contactKinds = interactionKinds.filter((kind) => weights[kind] !== 0);
  const kindWeight =
    contactKinds.length === 0
      ? sql`0::float8`
      : sql`(case "interactions"."kind" ${sql.join(
          contactKinds.map((kind) => sql`when ${textLiteral(kind)} then ${f8(weights[kind])}`),
          sql` `,
        )} end)`;
  const contactFilter =
    contactKinds.length === 0
      ? sql`false`
      : sql`"interactions"."kind" = any(${textArrayLiteral(contactKinds)})`;

  const channelPoints = sql`(case "clients"."source_channel" ${sql.join(
    Object.entries(policy.sourceChannelPoints).map(
      ([channel, points]) => sql`when ${textLiteral(channel)} then ${f8(points)}`,
    ),
    sql` `,
  )} else 0::float8 end)`;

  const { pointsPerTask, pointsPerOverdueTask, maxPoints } = policy.openTasks;

  const joins = sql`
    left join (
      select "purchases"."client_id",
        ${epochMsSql(sql`max("purchases"."at")`)} as last_ms,
        count(*) filter (where "purchases"."at" >= ${windowStart}) as window_count,
        coalesce(sum("purchases"."amount_kopecks") filter (where "purchases"."at" >= ${windowStart}), 0) as window_sum
      from "purchases"
      where ${historyScope('purchases', scope)} and "purchases"."at" < ${upTo}
      group by "purchases"."client_id"
    ) tp_purchase on tp_purchase.client_id = "clients"."id"
    left join (
      select distinct on ("interactions"."client_id") "interactions"."client_id",
        ${interactionMs} as at_ms, "interactions"."kind", "interactions"."direction", ${kindWeight} as weight
      from "interactions"
      where ${historyScope('interactions', scope)} and "interactions"."at" < ${upTo} and ${contactFilter}
      order by "interactions"."client_id", ${interactionMs} desc, ${kindWeight} desc, ${kindOrder}, ${directionOrder}
    ) tp_contact on tp_contact.client_id = "clients"."id"
    left join (
      select distinct on ("interactions"."client_id") "interactions"."client_id",
        ${interactionMs} as at_ms, "interactions"."kind"
      from "interactions"
      where ${historyScope('interactions', scope)} and "interactions"."at" < ${upTo}
        and ("interactions"."kind" in ('inbound_request', 'web_form') or "interactions"."direction" = 'inbound')
      order by "interactions"."client_id", ${interactionMs} desc, ${kindOrder}, ${directionOrder}
    ) tp_inbound on tp_inbound.client_id = "clients"."id"
    left join (
      select "tasks"."client_id",
        count(*) filter (where "tasks"."due_at" is null or "tasks"."due_at" >= ${nowTs}) as scheduled,
        count(*) filter (where "tasks"."due_at" < ${nowTs}) as overdue
      from "tasks"
      where ${historyScope('tasks', scope)} and ("tasks"."done_at" is null or "tasks"."done_at" >= ${upTo})
      group by "tasks"."client_id"
    ) tp_tasks on tp_tasks.client_id = "clients"."id"
    cross join lateral (
      select
        case when tp_purchase.last_ms is null then 0
          else ${roundPoints(decay(policy.lastPurchase.weight, sql`tp_purchase.last_ms`, halfLifeOf(policy.lastPurchase.halfLifeDays)))} end
          as last_purchase,
        case when coalesce(tp_purchase.window_count, 0) = 0 then 0
          else ${roundPoints(capped(policy.purchaseCount.weight, sql`tp_purchase.window_count::float8`, policy.purchaseCount.fullAtCount))} end
          as purchases_in_window,
        case when coalesce(tp_purchase.window_count, 0) = 0 then 0
          else ${roundPoints(capped(policy.purchaseSum.weight, sql`tp_purchase.window_sum::float8`, policy.purchaseSum.fullAtKopecks))} end
          as purchase_sum_in_window,
        case when tp_contact.at_ms is null then 0
          else ${roundPoints(decay(sql`tp_contact.weight`, sql`tp_contact.at_ms`, halfLifeOf(policy.lastInteraction.halfLifeDays)))} end
          as last_interaction,
        case when tp_inbound.at_ms is null then 0
          else ${roundPoints(decay(policy.inbound.weight, sql`tp_inbound.at_ms`, halfLifeOf(policy.inbound.halfLifeDays)))} end
          as inbound_request,
        ${roundPoints(channelPoints)} as source_channel,
        case when tp_tasks.client_id is null then 0
          else ${roundPoints(
            sql`least(${f8(maxPoints)}, tp_tasks.scheduled::float8 * ${f8(pointsPerTask)} + tp_tasks.overdue::float8 * ${f8(pointsPerOverdueTask)})`,
          )} end
          as open_tasks
      -- A fence: without it the planner inlines each point expression into score, level and
      -- reasons, computing the decays up to five times per client.
      offset 0
    ) tp_points`;

  const points = Object.fromEntries(
    temperatureSignals.map((signal) => [signal, sql.raw(`tp_points.${signal}`)]),
  ) as Record<TemperatureSignal, SQL>;

  const total = sql.join(
    temperatureSignals.map((signal) => points[signal]),
    sql` + `,
  );
  const score = sql`least(100, greatest(0, ${policy.baseScore}::int + ${total}))`;
  const level = sql`(case when ${score} >= ${policy.hotFrom}::int then 'hot'
    when ${score} >= ${policy.warmFrom}::int then 'warm' else 'cold' end)`;

  const windowDays = sql`${policy.purchaseWindowDays}::int`;
  const details: Record<TemperatureSignal, SQL> = {
    last_purchase: sql`jsonb_build_object('days', ${wholeDays(sql`tp_purchase.last_ms`)})`,
    purchases_in_window: sql`jsonb_build_object('count', tp_purchase.window_count, 'windowDays', ${windowDays})`,
    purchase_sum_in_window: sql`jsonb_build_object('sumKopecks', tp_purchase.window_sum,
      'sumRub', tp_purchase.window_sum::float8 / 100::float8, 'windowDays', ${windowDays})`,
    last_interaction: sql`jsonb_build_object('days', ${wholeDays(sql`tp_contact.at_ms`)},
      'kind', tp_contact.kind, 'direction', tp_contact.direction)`,
    inbound_request: sql`jsonb_build_object('days', ${wholeDays(sql`tp_inbound.at_ms`)}, 'kind', tp_inbound.kind)`,
    source_channel: sql`jsonb_build_object('channel', "clients"."source_channel")`,
    open_tasks: sql`jsonb_build_object('count', tp_tasks.scheduled + tp_tasks.overdue, 'overdue', tp_tasks.overdue)`,
  };
  // Only the non-zero signals' objects are built: the `case` runs after the `where`.
  const rows = sql.join(
    temperatureSignals.map((signal, order) => sql`(${sql.raw(String(order))}, ${points[signal]})`),
    sql`, `,
  );
  const reasonObject = sql`(case r.ord ${sql.join(
    temperatureSignals.map(
      (signal, order) =>
        sql`when ${sql.raw(String(order))} then jsonb_build_object('signal', ${textLiteral(signal)},
          'points', r.points, 'detail', ${details[signal]})`,
    ),
    sql` `,
  )} end)`;
  const reasons = sql`(select coalesce(jsonb_agg(${reasonObject} order by abs(r.points) desc, r.ord), '[]'::jsonb)
    from (values ${rows}) as r(ord, points) where r.points <> 0)`;

  return { joins, points, score, level, reasons };
}

/**
 * `select client_id, level, score, reasons` for every client in the scope, assessed at `now`.
 * One statement whatever the number of clients.
 */
export function temperatureQuery(
  policy: TemperaturePolicy,
  ctx: { now: Date; scope: TemperatureScope },
): SQL {
  const t = compileTemperature(policy, ctx);
  return sql`select "clients"."id" as client_id, ${t.level} as level, ${t.score} as score, ${t.reasons} as reasons
    from "clients" ${t.joins}
    where ${clientScopeSql(ctx.scope)}`;
}
