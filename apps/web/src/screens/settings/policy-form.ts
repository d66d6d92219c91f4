import {
  interactionKinds,
  parseTemperaturePolicy,
  sourceChannels,
  type TemperaturePolicy,
  ZTemperaturePolicy,
} from '@cb/domain';

/*
 * The temperature policy editor's logic, kept apart from React: which inputs there are, how the
 * policy becomes text in them and back, and what is wrong with what was typed. The domain's schema
 * is the one source of the limits and rules; nothing here restates a bound.
 */

export type PolicyUnit = 'points' | 'days' | 'purchases' | 'rubles';

export type PolicyFieldSpec = {
  /** Dotted path in the policy, the same path the domain and the API name in their issues. */
  path: string;
  unit: PolicyUnit;
  /** Stored units per shown unit: the sum threshold is kopecks in the policy, roubles on screen. */
  scale?: number;
  /** An empty input means null: the signal uses the policy-wide half-life. */
  nullable?: boolean;
};

export type PolicySectionId =
  | 'levels'
  | 'decay'
  | 'purchases'
  | 'interactions'
  | 'inbound'
  | 'sources'
  | 'tasks';

export type PolicySection = { id: PolicySectionId; fields: PolicyFieldSpec[] };

const points = (path: string): PolicyFieldSpec => ({ path, unit: 'points' });

export const policySections: readonly PolicySection[] = [
  { id: 'levels', fields: [points('baseScore'), points('warmFrom'), points('hotFrom')] },
  {
    id: 'decay',
    fields: [
      { path: 'halfLifeDays', unit: 'days' },
      { path: 'purchaseWindowDays', unit: 'days' },
    ],
  },
  {
    id: 'purchases',
    fields: [
      points('lastPurchase.weight'),
      { path: 'lastPurchase.halfLifeDays', unit: 'days', nullable: true },
      points('purchaseCount.weight'),
      { path: 'purchaseCount.fullAtCount', unit: 'purchases' },
      points('purchaseSum.weight'),
      { path: 'purchaseSum.fullAtKopecks', unit: 'rubles', scale: 100 },
    ],
  },
  {
    id: 'interactions',
    fields: [
      { path: 'lastInteraction.halfLifeDays', unit: 'days', nullable: true },
      ...interactionKinds.map((kind) => points(`lastInteraction.kindWeights.${kind}`)),
    ],
  },
  {
    id: 'inbound',
    fields: [points('inbound.weight'), { path: 'inbound.halfLifeDays', unit: 'days', nullable: true }],
  },
  { id: 'sources', fields: sourceChannels.map((channel) => points(`sourceChannelPoints.${channel}`)) },
  {
    id: 'tasks',
    fields: [
      points('openTasks.pointsPerTask'),
      points('openTasks.pointsPerOverdueTask'),
      points('openTasks.maxPoints'),
    ],
  },
];

export const policyFields: readonly PolicyFieldSpec[] = policySections.flatMap((s) => s.fields);

/** The text in every input, by path. Text, not numbers: a half-typed "1," is a state of the form too. */
export type PolicyForm = Record<string, string>;

/** The value at a dotted path of a policy (undefined when there is none). */
export function policyValueAt(source: unknown, path: string): unknown {
  let value: unknown = source;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop() as string;
  let node = target;
  for (const key of keys) {
    const next = node[key];
    if (next === null || typeof next !== 'object') node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[last] = value;
}

/** A number as the form shows it: roubles for kopecks, no trailing zeros, a dot as typed back. */
export function formatPolicyNumber(value: number, spec: PolicyFieldSpec): string {
  const shown = spec.scale ? value / spec.scale : value;
  return String(shown);
}

export function policyToForm(policy: TemperaturePolicy): PolicyForm {
  const form: PolicyForm = {};
  for (const spec of policyFields) {
    const value = policyValueAt(policy, spec.path);
    form[spec.path] = typeof value === 'number' ? formatPolicyNumber(value, spec) : '';
  }
  return form;
}

/** The limits the domain's schema puts on one numeric field (seen through default/nullable wrappers). */
export type NumberBounds = {
  min: number | null;
  minInclusive: boolean;
  max: number | null;
  integer: boolean;
};

type SchemaNode = {
  _zod?: { def?: { type?: string; innerType?: SchemaNode; checks?: SchemaCheck[] } };
  shape?: Record<string, SchemaNode>;
};
type SchemaCheck = {
  _zod?: { def?: { check?: string; value?: number; inclusive?: boolean; format?: string } };
};

function unwrap(node: SchemaNode | undefined): SchemaNode | undefined {
  let current = node;
  for (let i = 0; i < 10 && current; i++) {
    const def = current._zod?.def;
    if (
      def?.innerType &&
      (def.type === 'default' ||
        def.type === 'prefault' ||
        def.type === 'nullable' ||
        def.type === 'optional')
    ) {
      current = def.innerType;
    } else {
      return current;
    }
  }
  return current;
}

/**
 * Reads a numeric field's limits from a domain schema (through its default/nullable wrappers), so
 * the messages follow the domain instead of restating its bounds.
 */
export function schemaNumberBounds(schema: unknown, path: string): NumberBounds {
  let node: SchemaNode | undefined = schema as SchemaNode;
  for (const key of path.split('.')) node = unwrap(unwrap(node)?.shape?.[key]);
  const bounds: NumberBounds = { min: null, minInclusive: true, max: null, integer: false };
  for (const check of node?._zod?.def?.checks ?? []) {
    const def = check._zod?.def;
    if (!def) continue;
    if (def.check === 'greater_than' && typeof def.value === 'number') {
      bounds.min = def.value;
      bounds.minInclusive = def.inclusive ?? true;
    } else if (def.check === 'less_than' && typeof def.value === 'number') {
      bounds.max = def.value;
    } else if (def.check === 'number_format' && (def.format === 'safeint' || def.format === 'int32')) {
      bounds.integer = true;
    }
  }
  return bounds;
}

/** A policy field's limits from `ZTemperaturePolicy`. */
export function policyFieldBounds(path: string): NumberBounds {
  return schemaNumberBounds(ZTemperaturePolicy, path);
}

/** The bounds in the unit the form shows (roubles for the kopecks field). */
export function shownBounds(spec: PolicyFieldSpec): NumberBounds {
  const bounds = policyFieldBounds(spec.path);
  if (!spec.scale) return bounds;
  const scale = spec.scale;
  return {
    min: bounds.min === null ? null : bounds.min / scale,
    minInclusive: bounds.minInclusive,
    max: bounds.max === null ? null : bounds.max / scale,
    // Whole kopecks are not whole roubles.
    integer: false,
  };
}

export type PolicyIssue =
  | { field: string; code: 'required' }
  | { field: string; code: 'not_number' }
  | { field: string; code: 'range'; bounds: NumberBounds }
  | { field: string; code: 'warm_from_not_below_hot_from'; hotFrom: number }
  | { field: string; code: 'source_points_not_below_warm_from'; start: number; warmFrom: number }
  | { field: string; code: 'other'; message: string };

export type PolicyFormResult = { ok: true; policy: TemperaturePolicy } | { ok: false; issues: PolicyIssue[] };

/** "1 234,5" and "1234.5" both mean 1234.5: people here type a decimal comma and group digits. */
export function parseNumberText(text: string): number | null {
  const compact = text
    .trim()
    .replace(/[\s\u00a0\u202f]/g, '')
    .replace(',', '.');
  if (compact === '' || !/^[+-]?(\d+\.?\d*|\.\d+)$/.test(compact)) return null;
  const value = Number(compact);
  return Number.isFinite(value) ? value : null;
}

/**
 * The form's text back into a policy, checked the way the API will check it: first that every input
 * holds a number, then the domain's own parser (ranges, whole numbers, warm below hot, a client
 * with no history stays cold), each issue at the path of its input.
 */
export function formToPolicy(form: PolicyForm): PolicyFormResult {
  const candidate: Record<string, unknown> = {};
  const issues: PolicyIssue[] = [];
  for (const spec of policyFields) {
    const text = (form[spec.path] ?? '').trim();
    if (text === '') {
      if (spec.nullable) setPath(candidate, spec.path, null);
      else issues.push({ field: spec.path, code: 'required' });
      continue;
    }
    const value = parseNumberText(text);
    if (value === null) {
      issues.push({ field: spec.path, code: 'not_number' });
      continue;
    }
    // Kopecks are whole: 1234.567 roubles is stored as 123457 kopecks.
    setPath(candidate, spec.path, spec.scale ? Math.round(value * spec.scale) : value);
  }
  if (issues.length > 0) return { ok: false, issues };

  const parsed = parseTemperaturePolicy(candidate);
  if (parsed.ok) return { ok: true, policy: parsed.value };
  return { ok: false, issues: parsed.error.map((i) => toPolicyIssue(i, candidate)) };
}

function toPolicyIssue(
  domainIssue: { field: string; code: string; message: string },
  candidate: Record<string, unknown>,
): PolicyIssue {
  const field = domainIssue.field;
  const num = (path: string) => {
    const value = policyValueAt(candidate, path);
    return typeof value === 'number' ? value : 0;
  };
  switch (domainIssue.code) {
    case 'warm_from_not_below_hot_from':
      return { field, code: 'warm_from_not_below_hot_from', hotFrom: num('hotFrom') };
    case 'source_points_not_below_warm_from':
      return {
        field,
        code: 'source_points_not_below_warm_from',
        start: num('baseScore') + num(field),
        warmFrom: num('warmFrom'),
      };
    case 'too_small':
    case 'too_big':
    case 'invalid_type': {
      const spec = policyFields.find((s) => s.path === field);
      if (spec) return { field, code: 'range', bounds: shownBounds(spec) };
      return { field, code: 'other', message: domainIssue.message };
    }
    default:
      return { field, code: 'other', message: domainIssue.message };
  }
}

/** Issues by input path, the first one per input. */
export function issuesByField(issues: readonly PolicyIssue[]): Record<string, PolicyIssue> {
  const out: Record<string, PolicyIssue> = {};
  for (const i of issues) if (!(i.field in out)) out[i.field] = i;
  return out;
}

/** Whether the form says something other than the policy it started from. */
export function isFormChanged(form: PolicyForm, policy: TemperaturePolicy): boolean {
  const original = policyToForm(policy);
  return policyFields.some((spec) => {
    const now = form[spec.path] ?? '';
    const was = original[spec.path] ?? '';
    if (now.trim() === was) return false;
    const a = parseNumberText(now);
    const b = parseNumberText(was);
    return a === null || b === null || a !== b;
  });
}
