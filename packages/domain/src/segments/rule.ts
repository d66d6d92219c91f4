import { z } from 'zod';
import { type FieldIssue, fail, issue, ok, type Result } from '../result.ts';
import {
  type ConsentPurpose,
  type ContactChannel,
  consentPurposes,
  contactChannels,
  type InteractionDirection,
  type InteractionKind,
  interactionDirections,
  interactionKinds,
  type SourceChannel,
  type Stage,
  sourceChannels,
  stages,
  type TemperatureLevel,
  temperatureLevels,
} from '../vocabulary.ts';

/**
 * A segment rule: a tree of `and` / `or` / `not` groups over conditions on one client.
 *
 * Semantics (the in-memory evaluator and the SQL compiler in `@cb/db` implement exactly these,
 * and a property test keeps them equal):
 * - Plain two-valued logic: every condition is true or false, never unknown, so `not` of a
 *   condition that does not match always matches.
 * - An empty `and` matches every client; an empty `or` matches no one.
 * - Time windows are `(now − N days, now]`, with a day of exactly 86 400 000 ms; events dated after
 *   `now` never count (not in windows, not as the latest event, not as the consent in force).
 * - `daysSinceLast*` is `floor((now − latest event at ≤ now) / 1 day)`. A client without such an
 *   event matches no comparison; it matches only `{ op: 'never' }`.
 */
export type SegmentRule = SegmentGroup | SegmentCondition;

export type SegmentGroup =
  | { type: 'and'; rules: SegmentRule[] }
  | { type: 'or'; rules: SegmentRule[] }
  | { type: 'not'; rule: SegmentRule };

export type SegmentCondition = FieldCondition | MetricCondition;

export const compareOps = ['eq', 'gte', 'lte', 'gt', 'lt'] as const;
export type CompareOp = (typeof compareOps)[number];

export const tagOps = ['hasAny', 'hasAll', 'hasNone'] as const;
export type TagOp = (typeof tagOps)[number];

export type CustomScalar = string | number | boolean;

/**
 * Conditions on a client's own columns. `custom` conditions compare only values of the same JSON
 * type as the rule's value (a stored `"5"` is not the number 5); a missing key or a null value
 * matches only `isNotSet`. Strings order by code point, so `YYYY-MM-DD` dates order correctly.
 */
export type FieldCondition =
  | { type: 'condition'; field: 'stage'; op: 'in'; values: Stage[] }
  /** A client not yet assessed (no temperature) matches nothing. */
  | { type: 'condition'; field: 'temperature'; op: 'in'; values: TemperatureLevel[] }
  | { type: 'condition'; field: 'sourceChannel'; op: 'in'; values: SourceChannel[] }
  | { type: 'condition'; field: 'sourceBatch'; op: 'in'; values: string[] }
  /** Tags compare exactly (they are normalized when stored). */
  | { type: 'condition'; field: 'tags'; op: TagOp; values: string[] }
  /** Trimmed and case-folded on both sides (see `foldCityForMatch`); no city matches nothing. */
  | { type: 'condition'; field: 'city'; op: 'in'; values: string[] }
  | { type: 'condition'; field: 'owner'; op: 'in'; values: string[] }
  | { type: 'condition'; field: 'owner'; op: 'isEmpty' }
  | { type: 'condition'; field: 'custom'; key: string; op: 'eq' | 'neq'; value: CustomScalar }
  | {
      type: 'condition';
      field: 'custom';
      key: string;
      op: 'gt' | 'gte' | 'lt' | 'lte';
      value: string | number;
    }
  /** Case-insensitive substring of a string value. */
  | { type: 'condition'; field: 'custom'; key: string; op: 'contains'; value: string }
  | { type: 'condition'; field: 'custom'; key: string; op: 'isSet' | 'isNotSet' }
  | DateFieldCondition<'createdAt'>
  | DateFieldCondition<'verifiedAt'>
  /** Never verified. */
  | { type: 'condition'; field: 'verifiedAt'; op: 'never' }
  /** The consent in force at `now` (latest event at ≤ now; a withdrawal wins a tie) is a grant. */
  | { type: 'condition'; field: 'hasConsent'; channel: ContactChannel; purpose: ConsentPurpose };

/**
 * `before` is strictly earlier than `at`, `after` strictly later. `withinLastDays` is the window
 * `(now − N days, now]`; `olderThanDays` is `≤ now − N days`. A missing date matches none of them.
 */
export type DateFieldCondition<F extends 'createdAt' | 'verifiedAt'> =
  | { type: 'condition'; field: F; op: 'before' | 'after'; at: string }
  | { type: 'condition'; field: F; op: 'withinLastDays' | 'olderThanDays'; days: number };

/** Aggregates over the client's history; `windowDays` absent means all events up to `now`. */
export type MetricCondition =
  | { type: 'condition'; metric: 'purchaseCount'; windowDays?: number; op: CompareOp; value: number }
  /** `value` is in roubles; compared in kopecks as `Math.round(value * 100)`. No purchases sum to 0. */
  | { type: 'condition'; metric: 'purchaseSum'; windowDays?: number; op: CompareOp; value: number }
  | { type: 'condition'; metric: 'daysSinceLastPurchase'; op: CompareOp; value: number }
  | { type: 'condition'; metric: 'daysSinceLastPurchase'; op: 'never' }
  | {
      type: 'condition';
      metric: 'daysSinceLastInteraction';
      kind?: InteractionKind;
      direction?: InteractionDirection;
      op: CompareOp;
      value: number;
    }
  | {
      type: 'condition';
      metric: 'daysSinceLastInteraction';
      kind?: InteractionKind;
      direction?: InteractionDirection;
      op: 'never';
    }
  | {
      type: 'condition';
      metric: 'interactionCount';
      kind?: InteractionKind;
      direction?: InteractionDirection;
      windowDays?: number;
      op: CompareOp;
      value: number;
    }
  /** Tasks with no `doneAt`. */
  | { type: 'condition'; metric: 'openTaskCount'; op: CompareOp; value: number };

export type SegmentField = FieldCondition['field'];
export type SegmentMetric = MetricCondition['metric'];

/** Deeper trees are refused: the root is at depth 1, a condition inside one `and` at depth 2. */
export const SEGMENT_MAX_DEPTH = 10;
export const SEGMENT_MAX_CONDITIONS = 200;
/** Groups count too, so a rule cannot be inflated with empty groups. */
export const SEGMENT_MAX_NODES = 1000;
export const SEGMENT_MAX_DAYS = 36_500;
const MAX_LIST = 500;
const MAX_COUNT = 1_000_000;
/** Roubles; keeps kopeck sums far inside the safe-integer range. */
const MAX_ROUBLES = 1_000_000_000_000;

// Values reach SQL as parameters; NUL and lone surrogates cannot be stored there, so refuse them.
const ZRuleText = z
  .string()
  .max(500)
  .refine((s) => !s.includes('\u0000') && !/\p{Cs}/u.test(s), {
    message: 'Text contains an invalid character',
  });
const ZNonEmptyText = ZRuleText.refine((s) => s.trim().length > 0, { message: 'Must not be blank' });
const list = <T extends z.ZodType>(item: T) => z.array(item).min(1).max(MAX_LIST);
const ZDays = z.number().int().min(1).max(SEGMENT_MAX_DAYS);
const ZCount = z.number().int().min(0).max(MAX_COUNT);
const ZCompareOp = z.enum(compareOps);
// Lower-cased, so that equality on strings (evaluator) and on uuids (SQL) agree.
const ZId = z.uuid().transform((id) => id.toLowerCase());

const condition = z.literal('condition');
// Field conditions carry no `metric`, metric conditions no `field`: the key present picks the kind.
const bothKeys = 'A condition has either a field or a metric, not both';
const noMetric = z.undefined({ error: bothKeys }).optional();
const noField = z.undefined({ error: bothKeys }).optional();

const fieldCondition = <F extends string, S extends z.core.$ZodLooseShape>(field: F, shape: S) =>
  z.strictObject({ type: condition, field: z.literal(field), metric: noMetric, ...shape });
const metricCondition = <M extends string, S extends z.core.$ZodLooseShape>(metric: M, shape: S) =>
  z.strictObject({ type: condition, metric: z.literal(metric), field: noField, ...shape });

const dateField = <F extends 'createdAt' | 'verifiedAt'>(field: F) =>
  [
    fieldCondition(field, { op: z.enum(['before', 'after']), at: z.iso.datetime({ offset: true }) }),
    fieldCondition(field, { op: z.enum(['withinLastDays', 'olderThanDays']), days: ZDays }),
  ] as const;

const interactionFilter = {
  kind: z.enum(interactionKinds).optional(),
  direction: z.enum(interactionDirections).optional(),
};

const ZMetricCondition = z.discriminatedUnion(
  'metric',
  [
    metricCondition('purchaseCount', { windowDays: ZDays.optional(), op: ZCompareOp, value: ZCount }),
    metricCondition('purchaseSum', {
      windowDays: ZDays.optional(),
      op: ZCompareOp,
      value: z.number().min(-MAX_ROUBLES).max(MAX_ROUBLES),
    }),
    z.discriminatedUnion('op', [
      metricCondition('daysSinceLastPurchase', {
        op: ZCompareOp,
        value: z.number().int().min(0).max(SEGMENT_MAX_DAYS),
      }),
      metricCondition('daysSinceLastPurchase', { op: z.literal('never') }),
    ]),
    z.discriminatedUnion('op', [
      metricCondition('daysSinceLastInteraction', {
        ...interactionFilter,
        op: ZCompareOp,
        value: z.number().int().min(0).max(SEGMENT_MAX_DAYS),
      }),
      metricCondition('daysSinceLastInteraction', { ...interactionFilter, op: z.literal('never') }),
    ]),
    metricCondition('interactionCount', {
      ...interactionFilter,
      windowDays: ZDays.optional(),
      op: ZCompareOp,
      value: ZCount,
    }),
    metricCondition('openTaskCount', { op: ZCompareOp, value: ZCount }),
  ],
  {
    error: (iss) =>
      typeof iss.input === 'object' && iss.input !== null && 'metric' in iss.input
        ? 'Unknown metric'
        : 'A condition needs a field or a metric',
  },
);

const ZCustomKey = ZNonEmptyText.max(100);

const ZCondition = z.discriminatedUnion(
  'field',
  [
    fieldCondition('stage', { op: z.literal('in'), values: list(z.enum(stages)) }),
    fieldCondition('temperature', { op: z.literal('in'), values: list(z.enum(temperatureLevels)) }),
    fieldCondition('sourceChannel', { op: z.literal('in'), values: list(z.enum(sourceChannels)) }),
    fieldCondition('sourceBatch', { op: z.literal('in'), values: list(ZId) }),
    fieldCondition('tags', { op: z.enum(tagOps), values: list(ZNonEmptyText) }),
    fieldCondition('city', { op: z.literal('in'), values: list(ZNonEmptyText) }),
    z.discriminatedUnion('op', [
      fieldCondition('owner', { op: z.literal('in'), values: list(ZId) }),
      fieldCondition('owner', { op: z.literal('isEmpty') }),
    ]),
    z.discriminatedUnion('op', [
      fieldCondition('custom', {
        key: ZCustomKey,
        op: z.enum(['eq', 'neq']),
        value: z.union([ZRuleText, z.number(), z.boolean()]),
      }),
      fieldCondition('custom', {
        key: ZCustomKey,
        op: z.enum(['gt', 'gte', 'lt', 'lte']),
        value: z.union([ZRuleText, z.number()], { error: 'Expected a string or a number' }),
      }),
      fieldCondition('custom', { key: ZCustomKey, op: z.literal('contains'), value: ZRuleText.min(1) }),
      fieldCondition('custom', { key: ZCustomKey, op: z.enum(['isSet', 'isNotSet']) }),
    ]),
    z.discriminatedUnion('op', dateField('createdAt')),
    z.discriminatedUnion('op', [
      ...dateField('verifiedAt'),
      fieldCondition('verifiedAt', { op: z.literal('never') }),
    ]),
    fieldCondition('hasConsent', { channel: z.enum(contactChannels), purpose: z.enum(consentPurposes) }),
    // No `field`: a metric condition.
    ZMetricCondition,
  ],
  { error: () => 'Unknown field' },
);

const ZSegmentNode: z.ZodType<SegmentRule> = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('and'), rules: z.array(z.lazy(() => ZSegmentNode)) }),
    z.strictObject({ type: z.literal('or'), rules: z.array(z.lazy(() => ZSegmentNode)) }),
    z.strictObject({ type: z.literal('not'), rule: z.lazy(() => ZSegmentNode) }),
    ZCondition,
  ],
  { error: () => "Expected type 'and', 'or', 'not' or 'condition'" },
);

/**
 * Walks the raw input before the schema does, so a hostile tree (a million-deep `not`, a huge
 * array) is refused after at most a bounded amount of work and never overflows the stack.
 */
function checkLimits(input: unknown, ctx: z.RefinementCtx): void {
  let nodes = 0;
  let conditions = 0;
  const visit = (node: unknown, path: (string | number)[], depth: number): boolean => {
    if (depth > SEGMENT_MAX_DEPTH) {
      ctx.addIssue({
        code: 'custom',
        path,
        message: `Rules may nest at most ${SEGMENT_MAX_DEPTH} levels deep`,
        params: { code: 'segment_too_deep' },
      });
      return false;
    }
    nodes++;
    if (nodes > SEGMENT_MAX_NODES) {
      ctx.addIssue({
        code: 'custom',
        path,
        message: `A rule may have at most ${SEGMENT_MAX_NODES} groups and conditions`,
        params: { code: 'segment_too_large' },
      });
      return false;
    }
    if (typeof node !== 'object' || node === null) return true;
    const { type, rules, rule } = node as { type?: unknown; rules?: unknown; rule?: unknown };
    if ((type === 'and' || type === 'or') && Array.isArray(rules)) {
      for (let i = 0; i < rules.length; i++) {
        if (!visit(rules[i], [...path, 'rules', i], depth + 1)) return false;
      }
      return true;
    }
    if (type === 'not') return visit(rule, [...path, 'rule'], depth + 1);
    if (type === 'and' || type === 'or') return true;
    conditions++;
    if (conditions > SEGMENT_MAX_CONDITIONS) {
      ctx.addIssue({
        code: 'custom',
        path,
        message: `A rule may have at most ${SEGMENT_MAX_CONDITIONS} conditions`,
        params: { code: 'segment_too_many_conditions' },
      });
      return false;
    }
    return true;
  };
  visit(input, [], 1);
}

/** The rule schema with its limits; issues carry the exact path of the offending node or value. */
export const ZSegmentRule: z.ZodType<SegmentRule, unknown> = z
  .unknown()
  .superRefine(checkLimits)
  .pipe(ZSegmentNode);

/**
 * Validates untrusted input (an API body, a stored rule) into a rule. Issue fields are the zod path
 * prefixed with `rule`, e.g. `rule.rules.0.values.1`; codes are zod's issue codes, or
 * `segment_too_deep` / `segment_too_many_conditions` / `segment_too_large` for the limits.
 */
export function parseSegmentRule(input: unknown): Result<SegmentRule, FieldIssue[]> {
  const parsed = ZSegmentRule.safeParse(input);
  if (parsed.success) return ok(parsed.data);
  return fail(
    parsed.error.issues.map((i) => {
      const params = i.code === 'custom' ? (i.params as { code?: unknown } | undefined) : undefined;
      const code = typeof params?.code === 'string' ? params.code : i.code;
      return issue(['rule', ...i.path.map(String)].join('.'), code, i.message);
    }),
  );
}
