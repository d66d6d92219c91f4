import {
  assertNever,
  type CompareOp,
  DAY_MS,
  type DateFieldCondition,
  type FieldCondition,
  FOLD_LOWER,
  FOLD_UPPER,
  foldCase,
  foldCityForMatch,
  type MetricCondition,
  roublesToKopecks,
  type SegmentRule,
  TRIM_CHARS,
} from '@cb/domain';
import { type AnyColumn, type SQL, sql } from 'drizzle-orm';
import { clients, consents, interactions, purchases, tasks } from '../schema/index.ts';

export type SegmentCompileContext = { now: Date };

/**
 * Compiles a (validated) segment rule into a boolean SQL expression over `clients`, with
 * correlated subqueries on the history tables. It selects exactly the clients for which
 * `@cb/domain` `evaluateSegment` is true (a property test holds the two together):
 * - every leaf is non-null (nullable comparisons are wrapped in `coalesce(…, false)`), so `not`
 *   is plain negation, as in the evaluator;
 * - every value and `now` is a bind parameter; operators come from closed switches;
 * - time boundaries (`now − N days`) are computed here in milliseconds and passed as timestamptz,
 *   so no interval arithmetic (which follows the session time zone's DST) is involved.
 */
export function compileSegment(rule: SegmentRule, ctx: SegmentCompileContext): SQL {
  const nowMs = ctx.now.getTime();
  if (Number.isNaN(nowMs)) throw new RangeError('compileSegment: now is not a valid date');
  return compileNode(rule, nowMs);
}

function compileNode(rule: SegmentRule, nowMs: number): SQL {
  switch (rule.type) {
    case 'and':
      return rule.rules.length === 0
        ? sql`true`
        : sql`(${sql.join(
            rule.rules.map((r) => compileNode(r, nowMs)),
            sql` and `,
          )})`;
    case 'or':
      return rule.rules.length === 0
        ? sql`false`
        : sql`(${sql.join(
            rule.rules.map((r) => compileNode(r, nowMs)),
            sql` or `,
          )})`;
    case 'not':
      return sql`(not ${compileNode(rule.rule, nowMs)})`;
    case 'condition':
      return 'metric' in rule && rule.metric !== undefined
        ? compileMetric(rule, nowMs)
        : compileField(rule as FieldCondition, nowMs);
    default:
      return assertNever(rule);
  }
}

/** A timestamptz parameter at `ms` since the epoch. */
const at = (ms: number): SQL => sql`${new Date(ms).toISOString()}::timestamptz`;
const textList = (values: readonly string[]): SQL =>
  sql`(${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )})`;
const uuidList = (values: readonly string[]): SQL =>
  sql`(${sql.join(
    values.map((v) => sql`${v}::uuid`),
    sql`, `,
  )})`;
const textArray = (values: readonly string[]): SQL =>
  sql`array[${sql.join(
    values.map((v) => sql`${v}::text`),
    sql`, `,
  )}]::text[]`;
const foldSql = (text: SQL | AnyColumn): SQL =>
  sql`translate(${text}, ${FOLD_UPPER}::text, ${FOLD_LOWER}::text)`;
const orFalse = (condition: SQL): SQL => sql`coalesce(${condition}, false)`;

function compileField(c: FieldCondition, nowMs: number): SQL {
  switch (c.field) {
    case 'stage':
      return sql`${clients.stage} in ${textList(c.values)}`;
    case 'temperature':
      return orFalse(sql`${clients.temperatureLevel} in ${textList(c.values)}`);
    case 'sourceChannel':
      return sql`${clients.sourceChannel} in ${textList(c.values)}`;
    case 'sourceBatch':
      return orFalse(sql`${clients.sourceBatchId} in ${uuidList(c.values)}`);
    case 'tags':
      switch (c.op) {
        case 'hasAny':
          return sql`(${clients.tags} && ${textArray(c.values)})`;
        case 'hasAll':
          return sql`(${clients.tags} @> ${textArray(c.values)})`;
        case 'hasNone':
          return sql`(not (${clients.tags} && ${textArray(c.values)}))`;
        default:
          return assertNever(c);
      }
    case 'city':
      return orFalse(
        sql`${foldSql(sql`btrim(${clients.city}, ${TRIM_CHARS}::text)`)} in ${textList(c.values.map(foldCityForMatch))}`,
      );
    case 'owner':
      switch (c.op) {
        case 'in':
          return orFalse(sql`${clients.ownerId} in ${uuidList(c.values)}`);
        case 'isEmpty':
          return sql`(${clients.ownerId} is null)`;
        default:
          return assertNever(c);
      }
    case 'custom':
      return compileCustom(c);
    case 'createdAt':
      return compileDate(clients.createdAt, c, nowMs);
    case 'verifiedAt':
      if (c.op === 'never') return sql`(${clients.verifiedAt} is null)`;
      return orFalse(compileDate(clients.verifiedAt, c, nowMs));
    case 'hasConsent':
      // The latest event at or before now is in force; `granted asc` puts a withdrawal first on a tie.
      return orFalse(sql`(
        select ${consents.granted} from ${consents}
        where ${consents.clientId} = ${clients.id}
          and ${consents.channel} = ${c.channel}
          and ${consents.purpose} = ${c.purpose}
          and ${consents.at} <= ${at(nowMs)}
        order by ${consents.at} desc, ${consents.granted} asc
        limit 1
      )`);
    default:
      return assertNever(c);
  }
}

function compileCustom(c: Extract<FieldCondition, { field: 'custom' }>): SQL {
  const value = sql`(${clients.custom} -> ${c.key}::text)`;
  const text = sql`(${clients.custom} ->> ${c.key}::text)`;
  const type = sql`jsonb_typeof(${value})`;
  switch (c.op) {
    case 'isSet':
      return orFalse(sql`${type} <> 'null'`);
    case 'isNotSet':
      return sql`(not ${orFalse(sql`${type} <> 'null'`)})`;
    case 'contains':
      return orFalse(sql`${type} = 'string' and strpos(${foldSql(text)}, ${foldCase(c.value)}::text) > 0`);
    case 'eq':
    case 'neq':
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const v = c.value;
      if (typeof v === 'string') {
        // Code-point order, as the evaluator's compareCodePoints, whatever the database collation.
        return orFalse(
          sql`${type} = 'string' and ${customCompare(sql`${text} collate "C"`, c.op, sql`${v}::text`)}`,
        );
      }
      if (typeof v === 'number') {
        // `case` guarantees the cast runs only on numbers (`and` does not promise an order).
        return sql`(case when ${type} = 'number' then ${customCompare(sql`(${text})::numeric`, c.op, sql`${String(v)}::numeric`)} else false end)`;
      }
      if (c.op !== 'eq' && c.op !== 'neq') throw new TypeError('Booleans are not ordered');
      return orFalse(sql`${type} = 'boolean' and ${customCompare(value, c.op, sql`${String(v)}::jsonb`)}`);
    }
    default:
      return assertNever(c);
  }
}

function customCompare(left: SQL, op: CompareOp | 'neq', right: SQL): SQL {
  return op === 'neq' ? sql`(${left} <> ${right})` : compareSql(left, op, right);
}

function compileDate(
  column: AnyColumn,
  c: DateFieldCondition<'createdAt' | 'verifiedAt'>,
  nowMs: number,
): SQL {
  switch (c.op) {
    case 'before':
      return sql`(${column} < ${at(Date.parse(c.at))})`;
    case 'after':
      return sql`(${column} > ${at(Date.parse(c.at))})`;
    case 'withinLastDays':
      return sql`(${column} > ${at(nowMs - c.days * DAY_MS)} and ${column} <= ${at(nowMs)})`;
    case 'olderThanDays':
      return sql`(${column} <= ${at(nowMs - c.days * DAY_MS)})`;
    default:
      return assertNever(c);
  }
}

/** `(now − days, now]`, or everything up to now without `days`. */
function windowSql(column: AnyColumn, nowMs: number, days: number | undefined): SQL {
  const upTo = sql`${column} <= ${at(nowMs)}`;
  return days === undefined ? upTo : sql`${upTo} and ${column} > ${at(nowMs - days * DAY_MS)}`;
}

function interactionFilterSql(kind: string | undefined, direction: string | undefined): SQL {
  return sql`${kind === undefined ? sql`` : sql` and ${interactions.kind} = ${kind}`}${
    direction === undefined ? sql`` : sql` and ${interactions.direction} = ${direction}`
  }`;
}

function compileMetric(c: MetricCondition, nowMs: number): SQL {
  switch (c.metric) {
    case 'purchaseCount':
      return compareSql(
        sql`(select count(*) from ${purchases} where ${purchases.clientId} = ${clients.id} and ${windowSql(purchases.at, nowMs, c.windowDays)})`,
        c.op,
        sql`${c.value}::bigint`,
      );
    case 'purchaseSum':
      return compareSql(
        sql`coalesce((select sum(${purchases.amountKopecks}) from ${purchases} where ${purchases.clientId} = ${clients.id} and ${windowSql(purchases.at, nowMs, c.windowDays)}), 0)`,
        c.op,
        sql`${roublesToKopecks(c.value)}::bigint`,
      );
    case 'daysSinceLastPurchase': {
      const events = sql`from ${purchases} where ${purchases.clientId} = ${clients.id} and ${purchases.at} <= ${at(nowMs)}`;
      if (c.op === 'never') return sql`(not exists (select 1 ${events}))`;
      return sql`exists (select 1 ${events} having ${latestInRange(sql`max(${purchases.at})`, c.op, c.value, nowMs)})`;
    }
    case 'daysSinceLastInteraction': {
      const events = sql`from ${interactions} where ${interactions.clientId} = ${clients.id} and ${interactions.at} <= ${at(nowMs)}${interactionFilterSql(c.kind, c.direction)}`;
      if (c.op === 'never') return sql`(not exists (select 1 ${events}))`;
      return sql`exists (select 1 ${events} having ${latestInRange(sql`max(${interactions.at})`, c.op, c.value, nowMs)})`;
    }
    case 'interactionCount':
      return compareSql(
        sql`(select count(*) from ${interactions} where ${interactions.clientId} = ${clients.id} and ${windowSql(interactions.at, nowMs, c.windowDays)}${interactionFilterSql(c.kind, c.direction)})`,
        c.op,
        sql`${c.value}::bigint`,
      );
    case 'openTaskCount':
      return compareSql(
        sql`(select count(*) from ${tasks} where ${tasks.clientId} = ${clients.id} and ${tasks.doneAt} is null)`,
        c.op,
        sql`${c.value}::bigint`,
      );
    default:
      return assertNever(c);
  }
}

/**
 * `floor((now − latest) / day) <op> value` as a range on `latest` (which is ≤ now): whole days are
 * at least `v` exactly when `latest ≤ now − v·day`, and at most `v` exactly when
 * `latest > now − (v+1)·day`. Exact to the millisecond, with no floating-point division.
 */
function latestInRange(latest: SQL, op: CompareOp, value: number, nowMs: number): SQL {
  const atLeast = (v: number) => sql`${latest} <= ${at(nowMs - v * DAY_MS)}`;
  const atMost = (v: number) => sql`${latest} > ${at(nowMs - (v + 1) * DAY_MS)}`;
  switch (op) {
    case 'gte':
      return atLeast(value);
    case 'gt':
      return atLeast(value + 1);
    case 'lte':
      return atMost(value);
    case 'lt':
      return atMost(value - 1);
    case 'eq':
      return sql`${atLeast(value)} and ${atMost(value)}`;
    default:
      return assertNever(op);
  }
}

function compareSql(left: SQL, op: CompareOp, right: SQL): SQL {
  switch (op) {
    case 'eq':
      return sql`(${left} = ${right})`;
    case 'gte':
      return sql`(${left} >= ${right})`;
    case 'lte':
      return sql`(${left} <= ${right})`;
    case 'gt':
      return sql`(${left} > ${right})`;
    case 'lt':
      return sql`(${left} < ${right})`;
    default:
      return assertNever(op);
  }
}
