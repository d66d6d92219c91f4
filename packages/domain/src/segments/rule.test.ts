import { describe, expect, it } from 'vitest';
import { parseSegmentRule, SEGMENT_MAX_CONDITIONS, SEGMENT_MAX_DEPTH, type SegmentRule } from './rule.ts';

const stage: SegmentRule = { type: 'condition', field: 'stage', op: 'in', values: ['customer'] };

function nest(depth: number): unknown {
  let rule: unknown = stage;
  for (let i = 1; i < depth; i++) rule = { type: 'not', rule };
  return rule;
}

const valid: [string, SegmentRule][] = [
  ['empty and', { type: 'and', rules: [] }],
  ['empty or', { type: 'or', rules: [] }],
  ['stage', stage],
  ['temperature', { type: 'condition', field: 'temperature', op: 'in', values: ['hot', 'warm'] }],
  ['source channel', { type: 'condition', field: 'sourceChannel', op: 'in', values: ['referral'] }],
  [
    'source batch',
    { type: 'condition', field: 'sourceBatch', op: 'in', values: ['0b8f5a8e-3c1d-4f4e-9a7b-2d6c1e0f9a11'] },
  ],
  ['tags', { type: 'condition', field: 'tags', op: 'hasNone', values: ['spam'] }],
  ['city', { type: 'condition', field: 'city', op: 'in', values: [' Москва ', 'Moscow'] }],
  ['owner empty', { type: 'condition', field: 'owner', op: 'isEmpty' }],
  ['custom eq bool', { type: 'condition', field: 'custom', key: 'vip', op: 'eq', value: true }],
  ['custom date', { type: 'condition', field: 'custom', key: 'since', op: 'lt', value: '2024-06-01' }],
  ['custom isSet', { type: 'condition', field: 'custom', key: 'size', op: 'isSet' }],
  [
    'created before',
    { type: 'condition', field: 'createdAt', op: 'before', at: '2024-01-01T00:00:00+03:00' },
  ],
  ['verified never', { type: 'condition', field: 'verifiedAt', op: 'never' }],
  ['verified older', { type: 'condition', field: 'verifiedAt', op: 'olderThanDays', days: 180 }],
  ['consent', { type: 'condition', field: 'hasConsent', channel: 'email', purpose: 'marketing' }],
  ['purchase sum', { type: 'condition', metric: 'purchaseSum', windowDays: 90, op: 'gte', value: 1500.5 }],
  ['purchase count all time', { type: 'condition', metric: 'purchaseCount', op: 'eq', value: 0 }],
  ['days since purchase never', { type: 'condition', metric: 'daysSinceLastPurchase', op: 'never' }],
  [
    'days since call',
    { type: 'condition', metric: 'daysSinceLastInteraction', kind: 'call', op: 'gt', value: 30 },
  ],
  [
    'interaction count',
    {
      type: 'condition',
      metric: 'interactionCount',
      direction: 'inbound',
      windowDays: 30,
      op: 'gte',
      value: 2,
    },
  ],
  ['open tasks', { type: 'condition', metric: 'openTaskCount', op: 'eq', value: 0 }],
];

describe('parseSegmentRule', () => {
  it.each(valid)('accepts %s', (_name, rule) => {
    expect(parseSegmentRule(rule)).toEqual({ ok: true, value: rule });
  });

  it('accepts the maximum depth', () => {
    expect(parseSegmentRule(nest(SEGMENT_MAX_DEPTH)).ok).toBe(true);
  });

  const invalid: [string, unknown, string, string][] = [
    ['not an object', 42, 'rule', 'invalid_type'],
    ['unknown group', { type: 'xor', rules: [] }, 'rule.type', 'invalid_union'],
    ['neither field nor metric', { type: 'condition' }, 'rule.metric', 'invalid_union'],
    [
      'unknown field',
      { type: 'and', rules: [{ type: 'condition', field: 'email' }] },
      'rule.rules.0.field',
      'invalid_union',
    ],
    [
      'unknown metric',
      { type: 'or', rules: [stage, { type: 'condition', metric: 'ltv', op: 'gt', value: 1 }] },
      'rule.rules.1.metric',
      'invalid_union',
    ],
    [
      'bad stage value',
      { type: 'and', rules: [{ type: 'not', rule: { ...stage, values: ['customer', 'vip'] } }] },
      'rule.rules.0.rule.values.1',
      'invalid_value',
    ],
    ['empty value list', { ...stage, values: [] }, 'rule.values', 'too_small'],
    ['typo in a key', { ...stage, vaules: [] }, 'rule', 'unrecognized_keys'],
    [
      'custom ordering on a boolean',
      { type: 'condition', field: 'custom', key: 'vip', op: 'gt', value: true },
      'rule.value',
      'invalid_union',
    ],
    [
      'custom contains a number',
      { type: 'condition', field: 'custom', key: 'note', op: 'contains', value: 5 },
      'rule.value',
      'invalid_type',
    ],
    [
      'custom blank key',
      { type: 'condition', field: 'custom', key: '  ', op: 'isSet' },
      'rule.key',
      'custom',
    ],
    [
      'NUL in text',
      { type: 'condition', field: 'city', op: 'in', values: ['a\u0000b'] },
      'rule.values.0',
      'custom',
    ],
    [
      'date without time',
      { type: 'condition', field: 'createdAt', op: 'after', at: '2024-01-01' },
      'rule.at',
      'invalid_format',
    ],
    [
      'never on createdAt',
      { type: 'condition', field: 'createdAt', op: 'never' },
      'rule.op',
      'invalid_union',
    ],
    [
      'fractional days',
      { type: 'condition', metric: 'purchaseCount', windowDays: 1.5, op: 'gte', value: 1 },
      'rule.windowDays',
      'invalid_type',
    ],
    [
      'value with never',
      { type: 'condition', metric: 'daysSinceLastPurchase', op: 'never', value: 3 },
      'rule',
      'unrecognized_keys',
    ],
    [
      'field and metric',
      { type: 'condition', field: 'stage', metric: 'purchaseCount', op: 'in', values: ['customer'] },
      'rule.metric',
      'invalid_type',
    ],
    [
      'bad owner id',
      { type: 'condition', field: 'owner', op: 'in', values: ['42'] },
      'rule.values.0',
      'invalid_format',
    ],
    [
      'too deep',
      { type: 'and', rules: [nest(SEGMENT_MAX_DEPTH)] },
      `rule.rules.0${'.rule'.repeat(9)}`,
      'segment_too_deep',
    ],
    [
      'too many conditions',
      { type: 'or', rules: Array.from({ length: SEGMENT_MAX_CONDITIONS + 5 }, () => stage) },
      `rule.rules.${SEGMENT_MAX_CONDITIONS}`,
      'segment_too_many_conditions',
    ],
    [
      'too many groups',
      { type: 'or', rules: Array.from({ length: 5000 }, () => ({ type: 'and', rules: [] })) },
      'rule.rules.999',
      'segment_too_large',
    ],
  ];

  it.each(invalid)('rejects %s at the offending path', (_name, input, field, code) => {
    const result = parseSegmentRule(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error[0]).toMatchObject({ field, code });
    expect(result.error[0]?.message).toBeTruthy();
  });

  it('reports every invalid condition, each at its own path', () => {
    const result = parseSegmentRule({
      type: 'and',
      rules: [
        { ...stage, values: ['nope'] },
        stage,
        { type: 'condition', field: 'temperature', op: 'in', values: ['lukewarm'] },
      ],
    });
    expect(result.ok ? [] : result.error.map((i) => i.field)).toEqual([
      'rule.rules.0.values.0',
      'rule.rules.2.values.0',
    ]);
  });

  it('refuses a hostile, very deep tree without overflowing the stack', () => {
    const result = parseSegmentRule(nest(200_000));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error[0]?.code).toBe('segment_too_deep');
  });
});
