import { describe, expect, it } from 'vitest';
import { defaultTemperaturePolicy, parseTemperaturePolicy, ZTemperaturePolicy } from './policy.ts';

describe('ZTemperaturePolicy', () => {
  it('fills every field from defaults', () => {
    expect(defaultTemperaturePolicy.warmFrom).toBeLessThan(defaultTemperaturePolicy.hotFrom);
    expect(defaultTemperaturePolicy.sourceChannelPoints.purchased_list).toBeLessThan(0);
    expect(defaultTemperaturePolicy.sourceChannelPoints.referral).toBeGreaterThan(0);
    expect(defaultTemperaturePolicy.sourceChannelPoints.web_form).toBeGreaterThan(0);
  });

  it('keeps defaults for the fields a partial policy leaves out', () => {
    const policy = ZTemperaturePolicy.parse({ lastInteraction: { kindWeights: { call: 7 } }, hotFrom: 80 });
    expect(policy.lastInteraction.kindWeights.call).toBe(7);
    expect(policy.lastInteraction.kindWeights.meeting).toBe(
      defaultTemperaturePolicy.lastInteraction.kindWeights.meeting,
    );
    expect(policy.hotFrom).toBe(80);
    expect(policy.warmFrom).toBe(defaultTemperaturePolicy.warmFrom);
  });

  it.each([
    [{ warmFrom: 60, hotFrom: 60 }, 'warmFrom', 'warm_from_not_below_hot_from'],
    [{ warmFrom: 70, hotFrom: 60 }, 'warmFrom', 'warm_from_not_below_hot_from'],
    [{ warmFrom: 70 }, 'warmFrom', 'warm_from_not_below_hot_from'],
    [{ halfLifeDays: 0 }, 'halfLifeDays', 'too_small'],
    [{ halfLifeDays: -5 }, 'halfLifeDays', 'too_small'],
    [{ inbound: { halfLifeDays: 0 } }, 'inbound.halfLifeDays', 'too_small'],
    [{ warmFrom: 20.5 }, 'warmFrom', 'invalid_type'],
    [{ purchaseWindowDays: 0 }, 'purchaseWindowDays', 'too_small'],
    [{ purchaseSum: { fullAtKopecks: 0 } }, 'purchaseSum.fullAtKopecks', 'too_small'],
    [{ lastInteraction: { kindWeights: { call: 'x' } } }, 'lastInteraction.kindWeights.call', 'invalid_type'],
    [{ openTasks: { maxPoints: -1 } }, 'openTasks.maxPoints', 'too_small'],
    [
      { sourceChannelPoints: { referral: 40 } },
      'sourceChannelPoints.referral',
      'source_points_not_below_warm_from',
    ],
    [{ baseScore: 30 }, 'sourceChannelPoints.referral', 'source_points_not_below_warm_from'],
  ])('rejects %j naming %s', (input, field, code) => {
    const result = parseTemperaturePolicy(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toContainEqual(expect.objectContaining({ field, code }));
  });

  it('accepts the empty policy', () => {
    expect(parseTemperaturePolicy({})).toEqual({ ok: true, value: defaultTemperaturePolicy });
  });
});
