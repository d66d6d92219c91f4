import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../facts.ts';
import type { Locale } from '../vocabulary.ts';
import {
  type RfmGroup,
  type RfmScore,
  rfmFrequencyMonetary,
  rfmGroupFor,
  rfmGroupLabel,
  rfmGroups,
  rfmGroupTable,
  rfmScoredGroups,
} from './groups.ts';
import { computeRfm, quintileScores, type RfmInput } from './rfm.ts';

const now = new Date('2025-06-15T12:00:00Z');
const daysAgo = (days: number): Date => new Date(now.getTime() - days * DAY_MS);

/** The SQL definition, written out: least(5, 1 + floor(5 * percent_rank() over (order by x))). */
function percentRankScores(values: readonly number[]): number[] {
  const n = values.length;
  return values.map((x) => {
    const rank = 1 + values.filter((v) => v < x).length;
    const pr = n === 1 ? 0 : (rank - 1) / (n - 1);
    return Math.min(5, 1 + Math.floor(5 * pr));
  });
}

describe('quintileScores', () => {
  it.each([
    ['empty', [], []],
    ['single value', [42], [1]],
    ['all equal', [7, 7, 7, 7], [1, 1, 1, 1]],
    ['two values', [10, 20], [1, 5]],
    ['six distinct, shuffled', [60, 10, 50, 20, 40, 30], [5, 1, 5, 2, 4, 3]],
    ['eleven distinct', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 5]],
    ['ties share the score of their first rank', [1, 1, 1, 2, 3], [1, 1, 1, 4, 5]],
    ['many ties at the top', [1, 2, 3, 3, 3, 3], [1, 2, 3, 3, 3, 3]],
    ['one-time buyers are the lowest', [1, 1, 1, 1, 1, 1, 1, 1, 3, 3], [1, 1, 1, 1, 1, 1, 1, 1, 5, 5]],
    ['negative amounts (refunds)', [-500, 0, 500], [1, 3, 5]],
  ])('%s', (_name, values, expected) => {
    expect(quintileScores(values)).toEqual(expected);
    expect(quintileScores(values)).toEqual(percentRankScores(values));
  });

  it.each([2, 3, 4, 5, 6, 7, 11, 16, 21, 26, 101, 1001])(
    'agrees with the percent_rank formula for n = %d',
    (n) => {
      const values = Array.from({ length: n }, (_, i) => (i * 7919) % 13);
      expect(quintileScores(values)).toEqual(percentRankScores(values));
    },
  );
});

describe('computeRfm', () => {
  it('returns nothing for no rows', () => {
    expect(computeRfm([], now)).toEqual([]);
  });

  it.each<[string, RfmInput]>([
    ['no purchases', { clientId: 'a', lastPurchaseAt: null, purchaseCount: 0, monetaryKopecks: 0 }],
    [
      'a count without a date',
      { clientId: 'a', lastPurchaseAt: null, purchaseCount: 2, monetaryKopecks: 100 },
    ],
    [
      'a date with a zero count',
      { clientId: 'a', lastPurchaseAt: daysAgo(1), purchaseCount: 0, monetaryKopecks: 0 },
    ],
  ])('%s → no_purchases with null scores', (_name, row) => {
    expect(computeRfm([row], now)).toEqual([
      { clientId: 'a', group: 'no_purchases', r: null, f: null, m: null, fm: null, recencyDays: null },
    ]);
  });

  it('scores a single client 1/1/1', () => {
    expect(
      computeRfm(
        [{ clientId: 'a', lastPurchaseAt: daysAgo(3), purchaseCount: 4, monetaryKopecks: 900_000 }],
        now,
      ),
    ).toEqual([{ clientId: 'a', group: 'lost', r: 1, f: 1, m: 1, fm: 1, recencyDays: 3 }]);
  });

  it('ranks only clients with purchases and keeps the input order', () => {
    const rows: RfmInput[] = [
      { clientId: 'old-small', lastPurchaseAt: daysAgo(400), purchaseCount: 1, monetaryKopecks: 100_000 },
      { clientId: 'prospect', lastPurchaseAt: null, purchaseCount: 0, monetaryKopecks: 0 },
      { clientId: 'recent-big', lastPurchaseAt: daysAgo(2), purchaseCount: 12, monetaryKopecks: 9_000_000 },
      { clientId: 'recent-new', lastPurchaseAt: daysAgo(2), purchaseCount: 1, monetaryKopecks: 100_000 },
      { clientId: 'old-big', lastPurchaseAt: daysAgo(300), purchaseCount: 12, monetaryKopecks: 9_000_000 },
      { clientId: 'mid', lastPurchaseAt: daysAgo(60), purchaseCount: 3, monetaryKopecks: 500_000 },
    ];
    const result = computeRfm(rows, now);
    expect(result.map((r) => [r.clientId, r.r, r.f, r.m, r.group])).toEqual([
      ['old-small', 1, 1, 1, 'lost'],
      ['prospect', null, null, null, 'no_purchases'],
      ['recent-big', 4, 4, 4, 'champions'],
      ['recent-new', 4, 1, 1, 'promising'],
      ['old-big', 2, 4, 4, 'at_risk'],
      ['mid', 3, 3, 3, 'need_attention'],
    ]);
    expect(result[2]).toMatchObject({ recencyDays: 2, fm: 4 });
  });

  it('gives equal recency equal R whatever the order', () => {
    const rows: RfmInput[] = [0, 0, 10, 20, 20].map((days, i) => ({
      clientId: `c${i}`,
      lastPurchaseAt: daysAgo(days),
      purchaseCount: 1,
      monetaryKopecks: 100,
    }));
    const forward = computeRfm(rows, now).map((r) => r.r);
    const backward = computeRfm([...rows].reverse(), now)
      .map((r) => r.r)
      .reverse();
    expect(forward).toEqual([4, 4, 3, 1, 1]);
    expect(backward).toEqual(forward);
  });
});

describe('RFM groups', () => {
  it('the table is 5×5 and uses every scored group', () => {
    expect(rfmGroupTable).toHaveLength(5);
    for (const row of rfmGroupTable) expect(row).toHaveLength(5);
    expect(new Set(rfmGroupTable.flat())).toEqual(new Set(rfmScoredGroups));
  });

  it.each<[RfmScore, RfmScore, RfmScore]>([
    [1, 1, 1],
    [1, 2, 2],
    [2, 3, 3],
    [2, 2, 2],
    [4, 5, 5],
    [5, 4, 5],
    [1, 5, 3],
    [1, 4, 3],
  ])('FM of F=%d, M=%d is %d (average rounded half up)', (f, m, fm) => {
    expect(rfmFrequencyMonetary(f, m)).toBe(fm);
  });

  it.each<[RfmScore, RfmScore, RfmScore, RfmGroup]>([
    [5, 5, 5, 'champions'],
    [4, 4, 4, 'champions'],
    [5, 1, 1, 'new_customers'],
    [4, 1, 1, 'promising'],
    [5, 2, 2, 'potential_loyalists'],
    [4, 3, 3, 'loyal'],
    [3, 5, 4, 'loyal'],
    [3, 3, 3, 'need_attention'],
    [3, 1, 1, 'about_to_sleep'],
    [2, 2, 2, 'about_to_sleep'],
    [2, 4, 3, 'at_risk'],
    [1, 3, 3, 'at_risk'],
    [2, 5, 5, 'cannot_lose'],
    [1, 4, 4, 'cannot_lose'],
    [2, 1, 1, 'hibernating'],
    [1, 2, 2, 'hibernating'],
    [1, 1, 1, 'lost'],
  ])('R=%d F=%d M=%d → %s', (r, f, m, group) => {
    expect(rfmGroupFor(r, f, m)).toBe(group);
  });

  it.each(
    rfmGroups.flatMap((group) =>
      (['ru', 'en'] as const).map((locale) => [group, locale] as [RfmGroup, Locale]),
    ),
  )('%s has a %s label', (group, locale) => {
    expect(rfmGroupLabel(group, locale).trim()).not.toBe('');
  });

  it.each<[RfmGroup, Locale, string]>([
    ['champions', 'ru', 'Чемпионы'],
    ['cannot_lose', 'ru', 'Нельзя потерять'],
    ['no_purchases', 'ru', 'Без покупок'],
    ['at_risk', 'en', 'At risk'],
  ])('%s in %s → %s', (group, locale, expected) => {
    expect(rfmGroupLabel(group, locale)).toBe(expected);
  });
});
