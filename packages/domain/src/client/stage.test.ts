import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../facts.ts';
import { defaultStagePolicy, deriveStage, ZStagePolicy } from './stage.ts';

const now = new Date('2026-03-12T12:00:00Z');
const daysAgo = (d: number) => ({ at: new Date(now.getTime() - d * DAY_MS) });

describe('deriveStage', () => {
  it.each([
    ['archived wins over a recent purchase', true, [daysAgo(1)], 'archived'],
    ['archived prospect', true, [], 'archived'],
    ['no purchases', false, [], 'prospect'],
    ['purchase today', false, [daysAgo(0)], 'customer'],
    ['purchase exactly at the limit', false, [daysAgo(180)], 'customer'],
    ['purchase one day past the limit', false, [daysAgo(181)], 'lapsed'],
    ['the latest of several purchases counts', false, [daysAgo(400), daysAgo(10), daysAgo(300)], 'customer'],
    ['all purchases old', false, [daysAgo(400), daysAgo(200)], 'lapsed'],
    ['only a future purchase (pre-order) is a customer', false, [daysAgo(-5)], 'customer'],
    ['a future purchase does not refresh an old one', false, [daysAgo(300), daysAgo(-5)], 'lapsed'],
    ['a future purchase beside a recent one', false, [daysAgo(3), daysAgo(-5)], 'customer'],
  ])('%s', (_name, archived, purchases, stage) => {
    expect(deriveStage({ archived, purchases }, defaultStagePolicy, now)).toBe(stage);
  });

  it.each([
    [30, 31, 'lapsed'],
    [30, 30, 'customer'],
    [1, 2, 'lapsed'],
    [3650, 3650, 'customer'],
  ])('lapsedAfterDays=%i, last purchase %i days ago → %s', (lapsedAfterDays, days, stage) => {
    expect(deriveStage({ archived: false, purchases: [daysAgo(days)] }, { lapsedAfterDays }, now)).toBe(
      stage,
    );
  });
});

describe('ZStagePolicy', () => {
  it.each([
    [{}, true],
    [{ lapsedAfterDays: 90 }, true],
    [{ lapsedAfterDays: 0 }, false],
    [{ lapsedAfterDays: 3651 }, false],
    [{ lapsedAfterDays: 1.5 }, false],
  ])('%j valid: %s', (policy, valid) => {
    expect(ZStagePolicy.safeParse(policy).success).toBe(valid);
  });

  it('defaults to 180 days', () => {
    expect(defaultStagePolicy).toEqual({ lapsedAfterDays: 180 });
  });
});
