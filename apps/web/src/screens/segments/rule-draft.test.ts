import { parseSegmentRule, type SegmentRule } from '@cb/domain';
import { describe, expect, it } from 'vitest';
import {
  addChild,
  changeOp,
  changeSubject,
  type DraftCondition,
  type DraftGroup,
  draftToRule,
  fieldSubjects,
  instantToLocalDate,
  localDateToInstant,
  metricSubjects,
  newCondition,
  newGroup,
  placeIssues,
  removeNode,
  ruleToDraft,
  setGroupType,
  toRootGroup,
  unwrapNot,
  updateCondition,
  wrapInNot,
} from './rule-draft.ts';

const owner = '11111111-1111-4111-8111-111111111111';
const batch = '0b8f5a8e-3c1d-4f4e-9a7b-2d6c1e0f9a11';

/** One valid rule per shape the domain defines: every field, metric and operator family. */
const valid: [string, SegmentRule][] = [
  ['empty and', { type: 'and', rules: [] }],
  ['empty or', { type: 'or', rules: [] }],
  ['stage', { type: 'condition', field: 'stage', op: 'in', values: ['customer', 'lapsed'] }],
  ['temperature', { type: 'condition', field: 'temperature', op: 'in', values: ['hot'] }],
  [
    'source channel',
    { type: 'condition', field: 'sourceChannel', op: 'in', values: ['referral', 'web_form'] },
  ],
  ['source batch', { type: 'condition', field: 'sourceBatch', op: 'in', values: [batch] }],
  ['tags hasAny', { type: 'condition', field: 'tags', op: 'hasAny', values: ['vip', 'opt'] }],
  ['tags hasAll', { type: 'condition', field: 'tags', op: 'hasAll', values: ['vip'] }],
  ['tags hasNone', { type: 'condition', field: 'tags', op: 'hasNone', values: ['spam'] }],
  ['city', { type: 'condition', field: 'city', op: 'in', values: [' Москва ', 'Moscow'] }],
  ['owner in', { type: 'condition', field: 'owner', op: 'in', values: [owner] }],
  ['owner empty', { type: 'condition', field: 'owner', op: 'isEmpty' }],
  ['custom eq text', { type: 'condition', field: 'custom', key: 'size', op: 'eq', value: 'M' }],
  ['custom eq bool', { type: 'condition', field: 'custom', key: 'vip', op: 'eq', value: false }],
  ['custom neq number', { type: 'condition', field: 'custom', key: 'visits', op: 'neq', value: 2.5 }],
  ['custom lt date', { type: 'condition', field: 'custom', key: 'since', op: 'lt', value: '2024-06-01' }],
  ['custom gte number', { type: 'condition', field: 'custom', key: 'visits', op: 'gte', value: 3 }],
  ['custom contains', { type: 'condition', field: 'custom', key: 'note', op: 'contains', value: 'опт' }],
  ['custom isSet', { type: 'condition', field: 'custom', key: 'size', op: 'isSet' }],
  ['custom isNotSet', { type: 'condition', field: 'custom', key: 'size', op: 'isNotSet' }],
  [
    'created before',
    { type: 'condition', field: 'createdAt', op: 'before', at: '2024-01-01T00:00:00+03:00' },
  ],
  ['created after', { type: 'condition', field: 'createdAt', op: 'after', at: '2024-01-01T20:59:59.999Z' }],
  ['created within', { type: 'condition', field: 'createdAt', op: 'withinLastDays', days: 7 }],
  ['verified older', { type: 'condition', field: 'verifiedAt', op: 'olderThanDays', days: 180 }],
  ['verified never', { type: 'condition', field: 'verifiedAt', op: 'never' }],
  ['consent', { type: 'condition', field: 'hasConsent', channel: 'sms', purpose: 'service' }],
  ['purchase count all time', { type: 'condition', metric: 'purchaseCount', op: 'eq', value: 0 }],
  [
    'purchase sum window',
    { type: 'condition', metric: 'purchaseSum', windowDays: 90, op: 'gte', value: 1500.5 },
  ],
  ['days since purchase', { type: 'condition', metric: 'daysSinceLastPurchase', op: 'lt', value: 30 }],
  ['days since purchase never', { type: 'condition', metric: 'daysSinceLastPurchase', op: 'never' }],
  [
    'days since call inbound',
    {
      type: 'condition',
      metric: 'daysSinceLastInteraction',
      kind: 'call',
      direction: 'inbound',
      op: 'gt',
      value: 30,
    },
  ],
  [
    'days since any interaction never',
    { type: 'condition', metric: 'daysSinceLastInteraction', op: 'never' },
  ],
  [
    'interaction count',
    {
      type: 'condition',
      metric: 'interactionCount',
      direction: 'outbound',
      windowDays: 30,
      op: 'lte',
      value: 2,
    },
  ],
  ['open tasks', { type: 'condition', metric: 'openTaskCount', op: 'gt', value: 0 }],
  [
    'nested groups with not',
    {
      type: 'or',
      rules: [
        { type: 'and', rules: [{ type: 'condition', field: 'stage', op: 'in', values: ['prospect'] }] },
        { type: 'not', rule: { type: 'condition', field: 'tags', op: 'hasAny', values: ['spam'] } },
        { type: 'not', rule: { type: 'or', rules: [] } },
      ],
    },
  ],
];

describe('ruleToDraft / draftToRule', () => {
  it.each(valid)('round-trips %s exactly, and the result still parses', (_name, rule) => {
    const back = draftToRule(ruleToDraft(rule));
    expect(back).toEqual(rule);
    expect(parseSegmentRule(back)).toEqual({ ok: true, value: rule });
  });

  it('covers every subject with at least one round-trip case', () => {
    const subjects = new Set(
      valid.flatMap(([, r]) => {
        const found: string[] = [];
        const visit = (n: SegmentRule) => {
          if (n.type === 'condition')
            found.push('metric' in n && n.metric ? n.metric : (n as { field: string }).field);
          else if (n.type === 'not') visit(n.rule);
          else n.rules.forEach(visit);
        };
        visit(r);
        return found;
      }),
    );
    expect([...subjects].sort()).toEqual([...fieldSubjects, ...metricSubjects].sort());
  });

  it.each([...fieldSubjects, ...metricSubjects])(
    'a new %s condition is either valid or flagged at its own values',
    (subject) => {
      const result = parseSegmentRule(draftToRule(newGroup('and', [newCondition(subject)])));
      if (result.ok) return;
      // Only the lists a person must pick from (and a custom field's key) start empty.
      for (const issue of result.error) expect(issue.field).toMatch(/^rule\.rules\.0\.(values|key)$/);
    },
  );

  it('sends an unfinished number as null, which the domain reports at that input', () => {
    const c: DraftCondition = { ...newCondition('purchaseSum'), value: '', windowDays: '' };
    expect(draftToRule(c)).toEqual({
      type: 'condition',
      metric: 'purchaseSum',
      windowDays: null,
      op: 'gte',
      value: null,
    });
    const result = parseSegmentRule(draftToRule(newGroup('and', [c])));
    expect(result.ok ? [] : result.error.map((i) => i.field).sort()).toEqual([
      'rule.rules.0.value',
      'rule.rules.0.windowDays',
    ]);
  });

  it('keeps the root as a group: a bare condition or NOT is edited inside an AND of one', () => {
    const cond: SegmentRule = { type: 'condition', field: 'temperature', op: 'in', values: ['hot'] };
    expect(draftToRule(toRootGroup(ruleToDraft(cond)))).toEqual({ type: 'and', rules: [cond] });
    const group = ruleToDraft({ type: 'or', rules: [cond] });
    expect(toRootGroup(group)).toBe(group);
  });
});

describe('editing the tree', () => {
  const build = () => {
    const a = { ...newCondition('stage'), values: ['customer'] };
    const b = { ...newCondition('temperature'), values: ['hot'] };
    const inner = newGroup('or', [b]);
    return { root: newGroup('and', [a, inner]), a, b, inner };
  };

  it('adds, switches, wraps and unwraps', () => {
    const { root, a, inner } = build();
    let next = setGroupType(root, inner.id, 'and');
    next = wrapInNot(next, a.id);
    expect(draftToRule(next)).toEqual({
      type: 'and',
      rules: [
        { type: 'not', rule: { type: 'condition', field: 'stage', op: 'in', values: ['customer'] } },
        { type: 'and', rules: [{ type: 'condition', field: 'temperature', op: 'in', values: ['hot'] }] },
      ],
    });
    const not = next.rules[0]!;
    next = unwrapNot(next, not.id);
    next = addChild(next, inner.id, { ...newCondition('openTaskCount') });
    expect(draftToRule(next)).toEqual({
      type: 'and',
      rules: [
        { type: 'condition', field: 'stage', op: 'in', values: ['customer'] },
        {
          type: 'and',
          rules: [
            { type: 'condition', field: 'temperature', op: 'in', values: ['hot'] },
            { type: 'condition', metric: 'openTaskCount', op: 'gt', value: 0 },
          ],
        },
      ],
    });
  });

  it('removes a NOT together with its operand, and never the root', () => {
    const { root, a, b } = build();
    const negated = wrapInNot(root, a.id);
    expect(removeNode(negated, a.id).rules).toHaveLength(1);
    expect(removeNode(root, root.id)).toBe(root);
    expect(draftToRule(removeNode(root, b.id))).toEqual({
      type: 'and',
      rules: [
        { type: 'condition', field: 'stage', op: 'in', values: ['customer'] },
        { type: 'or', rules: [] },
      ],
    });
  });

  it('changing the subject starts the condition over; changing the operator keeps what was typed', () => {
    const { root, a } = build();
    const next = updateCondition(root, a.id, (c) => changeSubject(c, 'daysSinceLastPurchase'));
    expect(draftToRule(next.rules[0]!)).toEqual({
      type: 'condition',
      metric: 'daysSinceLastPurchase',
      op: 'gte',
      value: 90,
    });
    const never = changeOp(next.rules[0] as DraftCondition, 'never');
    expect(draftToRule(never)).toEqual({ type: 'condition', metric: 'daysSinceLastPurchase', op: 'never' });
    expect(draftToRule(changeOp(never, 'lt'))).toMatchObject({ op: 'lt', value: 90 });
  });
});

describe('dates', () => {
  it('a picked day means its first moment for "before" and its last for "after"', () => {
    const before = localDateToInstant('2025-03-05', 'before');
    const after = localDateToInstant('2025-03-05', 'after');
    expect(new Date(before).getTime()).toBe(new Date(2025, 2, 5).getTime());
    expect(new Date(after).getTime()).toBe(new Date(2025, 2, 6).getTime() - 1);
    expect(instantToLocalDate(before)).toBe('2025-03-05');
    expect(instantToLocalDate(after)).toBe('2025-03-05');
    expect(parseSegmentRule({ type: 'condition', field: 'createdAt', op: 'after', at: after }).ok).toBe(true);
  });

  it('switching before ↔ after keeps the same day', () => {
    const c: DraftCondition = {
      ...newCondition('createdAt'),
      op: 'before',
      at: localDateToInstant('2025-03-05', 'before'),
    };
    const after = changeOp(c, 'after');
    expect(after.at).toBe(localDateToInstant('2025-03-05', 'after'));
    expect(changeOp(after, 'before').at).toBe(c.at);
  });
});

describe('placeIssues', () => {
  it('puts each domain issue on the node its path runs through', () => {
    const a = newCondition('stage');
    const b = { ...newCondition('temperature'), values: ['lukewarm'] };
    const inner = newGroup('or', [b]);
    const notNode = wrapInNot(newGroup('and', [inner]), inner.id).rules[0]!;
    const root: DraftGroup = newGroup('and', [a, notNode]);
    const result = parseSegmentRule(draftToRule(root));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const placed = placeIssues(root, result.error);
    expect(placed.get(a.id)?.map((i) => [i.rest, i.code])).toEqual([['values', 'too_small']]);
    expect(placed.get(b.id)?.map((i) => [i.rest, i.code])).toEqual([['values.0', 'invalid_value']]);
    expect(placed.has(inner.id)).toBe(false);
  });

  it('ignores issues that are not about the rule (the name, say)', () => {
    const root = newGroup('and');
    expect(placeIssues(root, [{ field: 'name', message: 'Required' }]).size).toBe(0);
    expect(
      placeIssues(root, [{ field: 'rule', code: 'segment_too_deep', message: 'x' }]).get(root.id),
    ).toEqual([{ field: 'rule', code: 'segment_too_deep', message: 'x', rest: '' }]);
  });
});
