import { type ClientFacts, type CustomValue, DAY_MS, daysBetween } from '../facts.ts';
import { assertNever } from '../vocabulary.ts';
import type {
  CompareOp,
  CustomScalar,
  DateFieldCondition,
  FieldCondition,
  MetricCondition,
  SegmentCondition,
  SegmentRule,
} from './rule.ts';
import { compareCodePoints, foldCase, foldCityForMatch } from './text.ts';

/**
 * Does the client match the rule at `now`? The reference semantics of segments: the SQL compiler
 * in `@cb/db` must select exactly the clients for which this returns true.
 */
export function evaluateSegment(rule: SegmentRule, facts: ClientFacts, now: Date): boolean {
  return evaluateNode(rule, facts, now.getTime());
}

function evaluateNode(rule: SegmentRule, facts: ClientFacts, nowMs: number): boolean {
  switch (rule.type) {
    case 'and':
      return rule.rules.every((r) => evaluateNode(r, facts, nowMs));
    case 'or':
      return rule.rules.some((r) => evaluateNode(r, facts, nowMs));
    case 'not':
      return !evaluateNode(rule.rule, facts, nowMs);
    case 'condition':
      return evaluateCondition(rule, facts, nowMs);
    default:
      return assertNever(rule);
  }
}

function evaluateCondition(c: SegmentCondition, facts: ClientFacts, nowMs: number): boolean {
  return 'metric' in c && c.metric !== undefined
    ? evaluateMetric(c, facts, nowMs)
    : evaluateField(c as FieldCondition, facts, nowMs);
}

function evaluateField(c: FieldCondition, facts: ClientFacts, nowMs: number): boolean {
  switch (c.field) {
    case 'stage':
      return c.values.includes(facts.stage);
    case 'temperature':
      return facts.temperature !== null && c.values.includes(facts.temperature);
    case 'sourceChannel':
      return c.values.includes(facts.sourceChannel);
    case 'sourceBatch':
      return facts.sourceBatchId !== null && c.values.includes(facts.sourceBatchId);
    case 'tags':
      switch (c.op) {
        case 'hasAny':
          return c.values.some((t) => facts.tags.includes(t));
        case 'hasAll':
          return c.values.every((t) => facts.tags.includes(t));
        case 'hasNone':
          return !c.values.some((t) => facts.tags.includes(t));
        default:
          return assertNever(c);
      }
    case 'city': {
      if (facts.city === null) return false;
      const city = foldCityForMatch(facts.city);
      return c.values.some((v) => foldCityForMatch(v) === city);
    }
    case 'owner':
      switch (c.op) {
        case 'in':
          return facts.ownerId !== null && c.values.includes(facts.ownerId);
        case 'isEmpty':
          return facts.ownerId === null;
        default:
          return assertNever(c);
      }
    case 'custom':
      return evaluateCustom(c, facts.custom[c.key]);
    case 'createdAt':
      return evaluateDate(c, facts.createdAt, nowMs);
    case 'verifiedAt':
      if (c.op === 'never') return facts.verifiedAt === null;
      return facts.verifiedAt !== null && evaluateDate(c, facts.verifiedAt, nowMs);
    case 'hasConsent':
      return consentInForce(facts, c.channel, c.purpose, nowMs);
    default:
      return assertNever(c);
  }
}

function evaluateCustom(
  c: Extract<FieldCondition, { field: 'custom' }>,
  stored: CustomValue | undefined,
): boolean {
  const isSet = stored !== undefined && stored !== null;
  switch (c.op) {
    case 'isSet':
      return isSet;
    case 'isNotSet':
      return !isSet;
    case 'contains':
      return typeof stored === 'string' && foldCase(stored).includes(foldCase(c.value));
    case 'eq':
    case 'neq':
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      // Values of different JSON types never compare: no "5" == 5, no ordering of booleans.
      if (!isSet || typeof stored !== typeof c.value) return false;
      const order = compareScalars(stored, c.value);
      return c.op === 'neq' ? order !== 0 : compare(order, 0, c.op);
    }
    default:
      return assertNever(c);
  }
}

function compareScalars(a: CustomScalar, b: CustomScalar): number {
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b);
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  return a === b ? 0 : 1;
}

function evaluateDate<F extends 'createdAt' | 'verifiedAt'>(
  c: DateFieldCondition<F>,
  at: Date,
  nowMs: number,
): boolean {
  const ms = at.getTime();
  switch (c.op) {
    case 'before':
      return ms < Date.parse(c.at);
    case 'after':
      return ms > Date.parse(c.at);
    case 'withinLastDays':
      return inWindow(ms, nowMs, c.days);
    case 'olderThanDays':
      return ms <= nowMs - c.days * DAY_MS;
    default:
      return assertNever(c);
  }
}

/** The latest consent event at or before now decides; on a tie in time a withdrawal wins. */
function consentInForce(
  facts: ClientFacts,
  channel: ClientFacts['consents'][number]['channel'],
  purpose: ClientFacts['consents'][number]['purpose'],
  nowMs: number,
): boolean {
  let latestMs = Number.NEGATIVE_INFINITY;
  let granted = false;
  for (const event of facts.consents) {
    if (event.channel !== channel || event.purpose !== purpose) continue;
    const ms = event.at.getTime();
    if (ms > nowMs) continue;
    if (ms > latestMs) {
      latestMs = ms;
      granted = event.granted;
    } else if (ms === latestMs) {
      granted = granted && event.granted;
    }
  }
  return granted;
}

function evaluateMetric(c: MetricCondition, facts: ClientFacts, nowMs: number): boolean {
  switch (c.metric) {
    case 'purchaseCount': {
      const count = facts.purchases.filter((p) => inWindow(p.at.getTime(), nowMs, c.windowDays)).length;
      return compare(count, c.value, c.op);
    }
    case 'purchaseSum': {
      let sum = 0;
      for (const p of facts.purchases)
        if (inWindow(p.at.getTime(), nowMs, c.windowDays)) sum += p.amountKopecks;
      return compare(sum, roublesToKopecks(c.value), c.op);
    }
    case 'daysSinceLastPurchase':
      return matchDaysSince(latestAt(facts.purchases, nowMs), nowMs, c);
    case 'daysSinceLastInteraction': {
      const relevant = facts.interactions.filter((i) => matchesInteraction(i, c.kind, c.direction));
      return matchDaysSince(latestAt(relevant, nowMs), nowMs, c);
    }
    case 'interactionCount': {
      const count = facts.interactions.filter(
        (i) => matchesInteraction(i, c.kind, c.direction) && inWindow(i.at.getTime(), nowMs, c.windowDays),
      ).length;
      return compare(count, c.value, c.op);
    }
    case 'openTaskCount':
      return compare(facts.tasks.filter((t) => t.doneAt === null).length, c.value, c.op);
    default:
      return assertNever(c);
  }
}

function matchesInteraction(
  interaction: ClientFacts['interactions'][number],
  kind: string | undefined,
  direction: string | undefined,
): boolean {
  return (
    (kind === undefined || interaction.kind === kind) &&
    (direction === undefined || interaction.direction === direction)
  );
}

function matchDaysSince(
  latest: Date | null,
  nowMs: number,
  c: Extract<MetricCondition, { metric: 'daysSinceLastPurchase' | 'daysSinceLastInteraction' }>,
): boolean {
  if (c.op === 'never') return latest === null;
  // No event: "days since" is undefined, and only `never` matches (documented on SegmentRule).
  if (latest === null) return false;
  return compare(daysBetween(latest, new Date(nowMs)), c.value, c.op);
}

function latestAt(events: readonly { at: Date }[], nowMs: number): Date | null {
  let latest: Date | null = null;
  for (const e of events) {
    const ms = e.at.getTime();
    if (ms <= nowMs && (latest === null || ms > latest.getTime())) latest = e.at;
  }
  return latest;
}

/** `(now − days, now]`, or everything up to now when `days` is absent. */
export function inWindow(ms: number, nowMs: number, days: number | undefined): boolean {
  return ms <= nowMs && (days === undefined || ms > nowMs - days * DAY_MS);
}

/** The rule speaks roubles, the data kopecks. */
export function roublesToKopecks(roubles: number): number {
  return Math.round(roubles * 100);
}

export function compare(left: number, right: number, op: CompareOp): boolean {
  switch (op) {
    case 'eq':
      return left === right;
    case 'gte':
      return left >= right;
    case 'lte':
      return left <= right;
    case 'gt':
      return left > right;
    case 'lt':
      return left < right;
    default:
      return assertNever(op);
  }
}
