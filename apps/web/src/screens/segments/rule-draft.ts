/**
 * The rule builder's state: a thin draft of the domain's segment rule (`@cb/domain` SegmentRule)
 * that can hold what a half-filled form holds (an empty number, no values picked yet), with pure
 * conversions both ways. `draftToRule` keeps the tree's shape one to one, so the paths of the
 * domain's issues (`rule.rules.1.values`) point straight back at draft nodes.
 */
import {
  assertNever,
  type CompareOp,
  type ConsentPurpose,
  type ContactChannel,
  type CustomScalar,
  compareOps,
  type SegmentField,
  type SegmentMetric,
  type SegmentRule,
  type TagOp,
  tagOps,
} from '@cb/domain';

export type Subject = SegmentField | SegmentMetric;
export type GroupType = 'and' | 'or';
export type CustomValueType = 'text' | 'number' | 'boolean';

export type DraftGroup = { id: string; type: GroupType; rules: DraftNode[] };
export type DraftNot = { id: string; type: 'not'; rule: DraftNode };

/**
 * One condition, whatever its subject: a flat record of every input the form may show. Switching
 * the operator keeps what was typed for the other operators; only the fields the subject and
 * operator use reach the rule.
 */
export type DraftCondition = {
  id: string;
  type: 'condition';
  subject: Subject;
  /** One of `subjectOps(subject)`; '' for a subject without operators (`hasConsent`). */
  op: string;
  /** Enum values, tags, cities, owner or batch ids. */
  values: string[];
  /** A number or a custom field's value, as typed. */
  value: string;
  /** How a custom field's `value` is sent. */
  valueType: CustomValueType;
  /** The custom field's key. */
  key: string;
  /** `before` / `after`: an ISO instant ('' until a date is picked). */
  at: string;
  /** `withinLastDays` / `olderThanDays`, as typed. */
  days: string;
  /** An aggregate's window in days, as typed; null means all history up to now. */
  windowDays: string | null;
  /** Interaction filter; '' means any. */
  kind: string;
  direction: string;
  channel: ContactChannel;
  purpose: ConsentPurpose;
};

export type DraftNode = DraftGroup | DraftNot | DraftCondition;

export const fieldSubjects = [
  'stage',
  'temperature',
  'sourceChannel',
  'sourceBatch',
  'tags',
  'city',
  'owner',
  'custom',
  'createdAt',
  'verifiedAt',
  'hasConsent',
] as const satisfies readonly SegmentField[];

export const metricSubjects = [
  'purchaseCount',
  'purchaseSum',
  'daysSinceLastPurchase',
  'daysSinceLastInteraction',
  'interactionCount',
  'openTaskCount',
] as const satisfies readonly SegmentMetric[];

// Compile-time: every field and metric the domain defines has a place in the builder.
type Missing = Exclude<Subject, (typeof fieldSubjects)[number] | (typeof metricSubjects)[number]>;
const _everySubjectCovered: [Missing] extends [never] ? true : Missing = true;
void _everySubjectCovered;

export const customOps = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'contains', 'isSet', 'isNotSet'] as const;
export const dateOps = ['before', 'after', 'withinLastDays', 'olderThanDays'] as const;

/** The operators the domain allows for a subject, in the order the builder offers them. */
export function subjectOps(subject: Subject): readonly string[] {
  switch (subject) {
    case 'stage':
    case 'temperature':
    case 'sourceChannel':
    case 'sourceBatch':
    case 'city':
      return ['in'];
    case 'tags':
      return tagOps;
    case 'owner':
      return ['in', 'isEmpty'];
    case 'custom':
      return customOps;
    case 'createdAt':
      return dateOps;
    case 'verifiedAt':
      return [...dateOps, 'never'];
    case 'hasConsent':
      return [];
    case 'purchaseCount':
    case 'purchaseSum':
    case 'interactionCount':
    case 'openTaskCount':
      return compareOps;
    case 'daysSinceLastPurchase':
    case 'daysSinceLastInteraction':
      return [...compareOps, 'never'];
    default:
      return assertNever(subject);
  }
}

export const isMetric = (subject: Subject): subject is SegmentMetric =>
  (metricSubjects as readonly string[]).includes(subject);

/** Metrics that can be narrowed to an interaction kind and direction. */
export const hasInteractionFilter = (subject: Subject) =>
  subject === 'daysSinceLastInteraction' || subject === 'interactionCount';

let sequence = 0;
/** Keys for React and for addressing nodes in the tree; never part of the rule. */
export function nextId(): string {
  sequence += 1;
  return `n${sequence}`;
}

const blank = (subject: Subject, op: string): DraftCondition => ({
  id: nextId(),
  type: 'condition',
  subject,
  op,
  values: [],
  value: '',
  valueType: 'text',
  key: '',
  at: '',
  days: '',
  windowDays: null,
  kind: '',
  direction: '',
  channel: 'email',
  purpose: 'marketing',
});

/** A new condition on `subject` with sensible starting values for the common case. */
export function newCondition(subject: Subject = 'stage'): DraftCondition {
  const c = blank(subject, subjectOps(subject)[0] ?? '');
  switch (subject) {
    case 'createdAt':
      return { ...c, op: 'withinLastDays', days: '30' };
    case 'verifiedAt':
      return { ...c, op: 'olderThanDays', days: '180' };
    case 'purchaseCount':
      return { ...c, op: 'gte', value: '1' };
    case 'purchaseSum':
      return { ...c, op: 'gte', value: '10000', windowDays: '365' };
    case 'daysSinceLastPurchase':
      return { ...c, op: 'gte', value: '90' };
    case 'daysSinceLastInteraction':
      return { ...c, op: 'gte', value: '30' };
    case 'interactionCount':
      return { ...c, op: 'gte', value: '1', windowDays: '30' };
    case 'openTaskCount':
      return { ...c, op: 'gt', value: '0' };
    default:
      return c;
  }
}

export function newGroup(type: GroupType = 'and', rules: DraftNode[] = []): DraftGroup {
  return { id: nextId(), type, rules };
}

// ---------------------------------------------------------------------------------------------
// Dates: the builder picks calendar days in the user's time zone; rules hold instants.

const pad = (n: number) => String(n).padStart(2, '0');

/** The local calendar day of an ISO instant, as `YYYY-MM-DD` ('' when there is none). */
export function instantToLocalDate(iso: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * The instant a picked day means: "before 5 March" is before its first moment, "after 5 March"
 * is after its last, so the day itself is never included by either.
 */
export function localDateToInstant(day: string, op: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return '';
  const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
  const at = op === 'after' ? new Date(y, mo, d, 23, 59, 59, 999) : new Date(y, mo, d, 0, 0, 0, 0);
  return Number.isNaN(at.getTime()) ? '' : at.toISOString();
}

// ---------------------------------------------------------------------------------------------
// Draft → rule

type Json = Record<string, unknown>;

/** What was typed, as a number; null (which the domain reports at its path) when it is none. */
function numberOrNull(text: string): number | null {
  if (text.trim() === '') return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

function customValue(c: DraftCondition): CustomScalar | null {
  switch (c.valueType) {
    case 'number':
      return numberOrNull(c.value);
    case 'boolean':
      return c.value === 'true';
    case 'text':
      return c.value;
    default:
      return assertNever(c.valueType);
  }
}

function conditionToRule(c: DraftCondition): Json {
  const base = { type: 'condition' };
  const withValue = (extra: Json = {}) =>
    c.op === 'never' ? { ...extra, op: c.op } : { ...extra, op: c.op, value: numberOrNull(c.value) };
  const interactionFilter = (): Json => ({
    ...(c.kind ? { kind: c.kind } : {}),
    ...(c.direction ? { direction: c.direction } : {}),
  });
  const window = (): Json => (c.windowDays === null ? {} : { windowDays: numberOrNull(c.windowDays) });
  switch (c.subject) {
    case 'stage':
    case 'temperature':
    case 'sourceChannel':
    case 'sourceBatch':
    case 'city':
    case 'tags':
      return { ...base, field: c.subject, op: c.op, values: c.values };
    case 'owner':
      return c.op === 'isEmpty'
        ? { ...base, field: 'owner', op: c.op }
        : { ...base, field: 'owner', op: c.op, values: c.values };
    case 'custom':
      return c.op === 'isSet' || c.op === 'isNotSet'
        ? { ...base, field: 'custom', key: c.key, op: c.op }
        : { ...base, field: 'custom', key: c.key, op: c.op, value: customValue(c) };
    case 'createdAt':
    case 'verifiedAt':
      if (c.op === 'before' || c.op === 'after')
        return { ...base, field: c.subject, op: c.op, at: c.at === '' ? null : c.at };
      if (c.op === 'withinLastDays' || c.op === 'olderThanDays')
        return { ...base, field: c.subject, op: c.op, days: numberOrNull(c.days) };
      return { ...base, field: c.subject, op: c.op };
    case 'hasConsent':
      return { ...base, field: 'hasConsent', channel: c.channel, purpose: c.purpose };
    case 'purchaseCount':
    case 'purchaseSum':
      return { ...base, metric: c.subject, ...window(), ...withValue() };
    case 'daysSinceLastPurchase':
    case 'openTaskCount':
      return { ...base, metric: c.subject, ...withValue() };
    case 'daysSinceLastInteraction':
      return { ...base, metric: c.subject, ...interactionFilter(), ...withValue() };
    case 'interactionCount':
      return { ...base, metric: c.subject, ...interactionFilter(), ...window(), ...withValue() };
    default:
      return assertNever(c.subject);
  }
}

/**
 * The rule the draft stands for, node for node. Unfinished inputs become `null` (or stay empty),
 * so `parseSegmentRule` reports them at their own path instead of the draft guessing a value.
 */
export function draftToRule(node: DraftNode): Json {
  switch (node.type) {
    case 'and':
    case 'or':
      return { type: node.type, rules: node.rules.map(draftToRule) };
    case 'not':
      return { type: 'not', rule: draftToRule(node.rule) };
    case 'condition':
      return conditionToRule(node);
    default:
      return assertNever(node);
  }
}

// ---------------------------------------------------------------------------------------------
// Rule → draft

/** The draft of a valid rule; `draftToRule(ruleToDraft(r))` equals `r`. */
export function ruleToDraft(rule: SegmentRule): DraftNode {
  switch (rule.type) {
    case 'and':
    case 'or':
      return { id: nextId(), type: rule.type, rules: rule.rules.map(ruleToDraft) };
    case 'not':
      return { id: nextId(), type: 'not', rule: ruleToDraft(rule.rule) };
    case 'condition': {
      const c = rule as Partial<Record<string, unknown>> & { field?: SegmentField; metric?: SegmentMetric };
      const subject = (c.metric ?? c.field) as Subject;
      const draft = blank(subject, typeof c.op === 'string' ? c.op : '');
      const text = (v: unknown) => (v === undefined || v === null ? '' : String(v));
      const value = c.value as CustomScalar | undefined;
      return {
        ...draft,
        values: Array.isArray(c.values) ? (c.values as string[]) : [],
        value: text(value),
        valueType: typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'text',
        key: text(c.key),
        at: text(c.at),
        days: text(c.days),
        windowDays: c.windowDays === undefined ? null : text(c.windowDays),
        kind: text(c.kind),
        direction: text(c.direction),
        channel: (c.channel as ContactChannel | undefined) ?? draft.channel,
        purpose: (c.purpose as ConsentPurpose | undefined) ?? draft.purpose,
      };
    }
    default:
      return assertNever(rule);
  }
}

/**
 * The builder edits a group at the root (so there is always somewhere to add a condition): a rule
 * whose root is a condition or a `not` is shown inside an `and` of one, which selects the same.
 */
export function toRootGroup(node: DraftNode): DraftGroup {
  return node.type === 'and' || node.type === 'or' ? node : newGroup('and', [node]);
}

// ---------------------------------------------------------------------------------------------
// Editing the tree (by node id; every function returns a new tree)

function mapNode(node: DraftNode, id: string, fn: (n: DraftNode) => DraftNode | null): DraftNode | null {
  if (node.id === id) return fn(node);
  switch (node.type) {
    case 'and':
    case 'or': {
      const rules = node.rules.map((r) => mapNode(r, id, fn)).filter((r): r is DraftNode => r !== null);
      return { ...node, rules };
    }
    case 'not': {
      const rule = mapNode(node.rule, id, fn);
      // A `not` whose operand was removed is removed with it.
      return rule === null ? null : { ...node, rule };
    }
    case 'condition':
      return node;
    default:
      return assertNever(node);
  }
}

function mapRoot(root: DraftGroup, id: string, fn: (n: DraftNode) => DraftNode | null): DraftGroup {
  const next = mapNode(root, id, fn);
  return next && (next.type === 'and' || next.type === 'or') ? next : root;
}

export function updateCondition(
  root: DraftGroup,
  id: string,
  patch: (c: DraftCondition) => DraftCondition,
): DraftGroup {
  return mapRoot(root, id, (n) => (n.type === 'condition' ? patch(n) : n));
}

export function removeNode(root: DraftGroup, id: string): DraftGroup {
  if (id === root.id) return root;
  return mapRoot(root, id, () => null);
}

export function addChild(root: DraftGroup, groupId: string, child: DraftNode): DraftGroup {
  return mapRoot(root, groupId, (n) =>
    n.type === 'and' || n.type === 'or' ? { ...n, rules: [...n.rules, child] } : n,
  );
}

export function setGroupType(root: DraftGroup, groupId: string, type: GroupType): DraftGroup {
  return mapRoot(root, groupId, (n) => (n.type === 'and' || n.type === 'or' ? { ...n, type } : n));
}

export function wrapInNot(root: DraftGroup, id: string): DraftGroup {
  if (id === root.id) return root;
  return mapRoot(root, id, (n) => ({ id: nextId(), type: 'not', rule: n }));
}

export function unwrapNot(root: DraftGroup, notId: string): DraftGroup {
  return mapRoot(root, notId, (n) => (n.type === 'not' ? n.rule : n));
}

/** Changes the subject: the condition starts over with that subject's defaults (same node). */
export function changeSubject(c: DraftCondition, subject: Subject): DraftCondition {
  return { ...newCondition(subject), id: c.id };
}

/** Changes the operator, keeping what was typed; a picked day keeps meaning the same day. */
export function changeOp(c: DraftCondition, op: string): DraftCondition {
  const next = { ...c, op };
  if ((op === 'before' || op === 'after') && c.at) next.at = localDateToInstant(instantToLocalDate(c.at), op);
  if (c.subject === 'custom' && ['gt', 'gte', 'lt', 'lte'].includes(op) && c.valueType === 'boolean') {
    next.valueType = 'text';
    next.value = '';
  }
  if (c.subject === 'custom' && op === 'contains') next.valueType = 'text';
  if ((op === 'withinLastDays' || op === 'olderThanDays') && c.days === '') next.days = '30';
  return next;
}

export const isCompareOp = (op: string): op is CompareOp => (compareOps as readonly string[]).includes(op);
export const isTagOp = (op: string): op is TagOp => (tagOps as readonly string[]).includes(op);

// ---------------------------------------------------------------------------------------------
// Issues → nodes

export type RuleIssue = { field: string; code?: string | undefined; message: string };
/** An issue placed at its node; `rest` is the path inside the node (`values.1`, `windowDays`, ''). */
export type PlacedIssue = RuleIssue & { rest: string };

/** Every node's path as the domain writes it in issue fields (`rule`, `rule.rules.0.rule`). */
export function nodePaths(root: DraftNode): Map<string, string> {
  const paths = new Map<string, string>();
  const visit = (node: DraftNode, path: string) => {
    paths.set(path, node.id);
    if (node.type === 'and' || node.type === 'or') {
      node.rules.forEach((r, i) => {
        visit(r, `${path}.rules.${i}`);
      });
    } else if (node.type === 'not') visit(node.rule, `${path}.rule`);
  };
  visit(root, 'rule');
  return paths;
}

/**
 * Places each issue at the deepest node its path runs through: `rule.rules.1.values.0` lands on
 * the second condition of the root group with `rest` `values.0`.
 */
export function placeIssues(root: DraftNode, issues: readonly RuleIssue[]): Map<string, PlacedIssue[]> {
  const paths = nodePaths(root);
  const placed = new Map<string, PlacedIssue[]>();
  for (const issue of issues) {
    if (issue.field !== 'rule' && !issue.field.startsWith('rule.')) continue;
    const parts = issue.field.split('.');
    for (let n = parts.length; n > 0; n--) {
      const id = paths.get(parts.slice(0, n).join('.'));
      if (id === undefined) continue;
      const list = placed.get(id) ?? [];
      list.push({ ...issue, rest: parts.slice(n).join('.') });
      placed.set(id, list);
      break;
    }
  }
  return placed;
}

/** JSON with object keys sorted, to compare rules whatever order their keys were stored in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
