import {
  defaultTemperaturePolicy,
  interactionKinds,
  sourceChannels,
  type TemperaturePolicy,
} from '@cb/domain';
import { describe, expect, it } from 'vitest';
import {
  formToPolicy,
  isFormChanged,
  issuesByField,
  parseNumberText,
  policyFieldBounds,
  policyFields,
  policyToForm,
} from './policy-form.ts';

/** Every numeric leaf of a policy, by dotted path; null leaves (shared half-life) count too. */
function numericPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value === 'number') return [prefix];
  if (typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
    numericPaths(v, prefix ? `${prefix}.${k}` : k),
  );
}

const withForm = (changes: Record<string, string>) => ({
  ...policyToForm(defaultTemperaturePolicy),
  ...changes,
});

describe('policy form ↔ policy', () => {
  it('has an input for every weight, half-life and threshold of the domain policy, and no other', () => {
    const specPaths = policyFields.map((s) => s.path).sort();
    expect(specPaths).toEqual(numericPaths(defaultTemperaturePolicy).sort());
    expect(specPaths).toHaveLength(new Set(specPaths).size);
    for (const kind of interactionKinds) expect(specPaths).toContain(`lastInteraction.kindWeights.${kind}`);
    for (const channel of sourceChannels) expect(specPaths).toContain(`sourceChannelPoints.${channel}`);
  });

  it('shows the default policy as text, the sum threshold in roubles and shared half-lives as empty', () => {
    const form = policyToForm(defaultTemperaturePolicy);
    expect(form.warmFrom).toBe('35');
    expect(form.hotFrom).toBe('65');
    expect(form['sourceChannelPoints.purchased_list']).toBe('-15');
    expect(form['purchaseSum.fullAtKopecks']).toBe('100000');
    expect(form['lastPurchase.halfLifeDays']).toBe('');
    expect(form['inbound.halfLifeDays']).toBe('14');
  });

  it('round-trips the default policy exactly', () => {
    const result = formToPolicy(policyToForm(defaultTemperaturePolicy));
    expect(result).toEqual({ ok: true, policy: defaultTemperaturePolicy });
  });

  it('reads edits into the policy: decimal comma, roubles to kopecks, empty half-life to null', () => {
    const result = formToPolicy(
      withForm({
        halfLifeDays: '45,5',
        'purchaseSum.fullAtKopecks': '2 500,75',
        'inbound.halfLifeDays': '',
        'lastPurchase.halfLifeDays': '90',
        'lastInteraction.kindWeights.note': '3',
        warmFrom: '40',
      }),
    );
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const expected: TemperaturePolicy = {
      ...defaultTemperaturePolicy,
      halfLifeDays: 45.5,
      warmFrom: 40,
      purchaseSum: { ...defaultTemperaturePolicy.purchaseSum, fullAtKopecks: 250_075 },
      inbound: { ...defaultTemperaturePolicy.inbound, halfLifeDays: null },
      lastPurchase: { ...defaultTemperaturePolicy.lastPurchase, halfLifeDays: 90 },
      lastInteraction: {
        ...defaultTemperaturePolicy.lastInteraction,
        kindWeights: { ...defaultTemperaturePolicy.lastInteraction.kindWeights, note: 3 },
      },
    };
    expect(result.policy).toEqual(expected);
    // and back: the form shows what was read
    const again = policyToForm(result.policy);
    expect(again['purchaseSum.fullAtKopecks']).toBe('2500.75');
    expect(again['inbound.halfLifeDays']).toBe('');
  });

  it.each([
    ['1 234,5', 1234.5],
    ['-15', -15],
    ['+7', 7],
    ['.5', 0.5],
    ['12.', 12],
    ['', null],
    ['abc', null],
    ['1,2,3', null],
    ['1e3', null],
  ])('parses %j as %j', (text, expected) => {
    expect(parseNumberText(text)).toBe(expected);
  });

  it('knows when the form says something else than a policy', () => {
    const form = policyToForm(defaultTemperaturePolicy);
    expect(isFormChanged(form, defaultTemperaturePolicy)).toBe(false);
    expect(isFormChanged({ ...form, warmFrom: ' 35.0 ' }, defaultTemperaturePolicy)).toBe(false);
    expect(isFormChanged({ ...form, warmFrom: '36' }, defaultTemperaturePolicy)).toBe(true);
    expect(isFormChanged({ ...form, 'inbound.halfLifeDays': '' }, defaultTemperaturePolicy)).toBe(true);
  });
});

describe('client-side validation', () => {
  it('names an empty required input and a non-number, and does not guess a policy', () => {
    const result = formToPolicy(withForm({ warmFrom: '', 'openTasks.maxPoints': 'ten' }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(issuesByField(result.issues)).toEqual({
      warmFrom: { field: 'warmFrom', code: 'required' },
      'openTasks.maxPoints': { field: 'openTasks.maxPoints', code: 'not_number' },
    });
  });

  it('puts "warm must be below hot" on warmFrom with the hot threshold, as the domain does', () => {
    const result = formToPolicy(withForm({ warmFrom: '70' }));
    expect(result).toEqual({
      ok: false,
      issues: [{ field: 'warmFrom', code: 'warm_from_not_below_hot_from', hotFrom: 65 }],
    });
  });

  it('refuses source points that would make a client with no history warm, naming the channel', () => {
    const result = formToPolicy(withForm({ baseScore: '10', 'sourceChannelPoints.referral': '30' }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(issuesByField(result.issues)['sourceChannelPoints.referral']).toEqual({
      field: 'sourceChannelPoints.referral',
      code: 'source_points_not_below_warm_from',
      start: 40,
      warmFrom: 35,
    });
  });

  it('reports ranges and whole numbers with the bounds read from the domain schema', () => {
    const result = formToPolicy(
      withForm({ hotFrom: '101', warmFrom: '34.5', halfLifeDays: '0', 'purchaseSum.fullAtKopecks': '0' }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const byField = issuesByField(result.issues);
    expect(byField.hotFrom).toEqual({
      field: 'hotFrom',
      code: 'range',
      bounds: { min: 1, minInclusive: true, max: 100, integer: true },
    });
    expect(byField.warmFrom).toMatchObject({ code: 'range', bounds: { integer: true } });
    expect(byField.halfLifeDays).toEqual({
      field: 'halfLifeDays',
      code: 'range',
      bounds: { min: 0, minInclusive: false, max: 3650, integer: false },
    });
    // shown in roubles: whole kopecks are not whole roubles
    expect(byField['purchaseSum.fullAtKopecks']).toMatchObject({
      code: 'range',
      bounds: { min: 0, minInclusive: false, integer: false },
    });
  });

  it.each([
    ['baseScore', { min: 0, minInclusive: true, max: 100, integer: true }],
    ['sourceChannelPoints.advertising', { min: -100, minInclusive: true, max: 100, integer: false }],
    ['lastPurchase.halfLifeDays', { min: 0, minInclusive: false, max: 3650, integer: false }],
    ['purchaseCount.fullAtCount', { min: 0, minInclusive: false, integer: true }],
    ['openTasks.maxPoints', { min: 0, minInclusive: true, max: 100, integer: false }],
  ])('reads the bounds of %s from ZTemperaturePolicy', (path, expected) => {
    expect(policyFieldBounds(path)).toMatchObject(expected);
  });
});
