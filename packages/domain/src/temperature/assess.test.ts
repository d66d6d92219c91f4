import { describe, expect, it } from 'vitest';
import { DAY_MS, type InteractionFact, type PurchaseFact, type TaskFact } from '../facts.ts';
import type { SourceChannel } from '../vocabulary.ts';
import { assessTemperature, decayedPoints, roundPoints, type TemperatureFacts } from './assess.ts';
import { defaultTemperaturePolicy, type TemperaturePolicyInput, ZTemperaturePolicy } from './policy.ts';

const now = new Date('2025-06-15T12:00:00Z');
const daysAgo = (days: number): Date => new Date(now.getTime() - days * DAY_MS);

function facts(partial: Partial<TemperatureFacts> = {}): TemperatureFacts {
  return { purchases: [], interactions: [], tasks: [], sourceChannel: 'import', ...partial };
}
const purchase = (days: number, amountKopecks = 100_000): PurchaseFact => ({
  at: daysAgo(days),
  amountKopecks,
});
const interaction = (
  days: number,
  kind: InteractionFact['kind'],
  direction: InteractionFact['direction'] = 'outbound',
): InteractionFact => ({ at: daysAgo(days), kind, direction });

/** A policy where only the given signals are non-zero, so a test sees one signal at a time. */
function only(input: TemperaturePolicyInput) {
  return ZTemperaturePolicy.parse({
    lastPurchase: { weight: 0 },
    purchaseCount: { weight: 0 },
    purchaseSum: { weight: 0 },
    lastInteraction: {
      kindWeights: {
        call: 0,
        meeting: 0,
        negotiation: 0,
        note: 0,
        message: 0,
        inbound_request: 0,
        web_form: 0,
      },
    },
    inbound: { weight: 0 },
    sourceChannelPoints: {
      purchased_list: 0,
      advertising: 0,
      referral: 0,
      web_form: 0,
      loyalty_card: 0,
      walk_in: 0,
    },
    openTasks: { pointsPerTask: 0, pointsPerOverdueTask: 0 },
    ...input,
  });
}

describe('decayedPoints', () => {
  it.each([
    [40, 0, 30, 40],
    [40, 30, 30, 20],
    [40, 60, 30, 10],
    [40, 90, 30, 5],
    [40, 15, 30, 40 / Math.SQRT2],
    [-20, 30, 30, -10],
  ])('weight %d, %d days, half-life %d → %d', (weight, days, halfLife, expected) => {
    expect(decayedPoints(weight, days, halfLife)).toBeCloseTo(expected, 10);
  });
});

describe('roundPoints', () => {
  it.each([
    [0.5, 1],
    [1.49, 1],
    [2.5, 3],
    [-0.5, 0],
    [-1.5, -1],
    [-1.51, -2],
  ])('%d → %d', (x, expected) => {
    expect(roundPoints(x)).toBe(expected);
  });
});

describe('assessTemperature: last purchase decays by half-life', () => {
  const policy = only({ halfLifeDays: 30, lastPurchase: { weight: 40 } });
  it.each([
    [0, 40],
    [30, 20],
    [60, 10],
    [90, 5],
    [300, 0],
  ])('%d days ago → %d points', (days, points) => {
    const result = assessTemperature(facts({ purchases: [purchase(days)] }), policy, now);
    expect(result.score).toBe(points);
    expect(result.reasons).toEqual(
      points === 0 ? [] : [{ signal: 'last_purchase', points, detail: { days } }],
    );
  });

  it('uses fractional days for the decay and whole days for the wording', () => {
    const result = assessTemperature(facts({ purchases: [purchase(29.6)] }), policy, now);
    expect(result.reasons[0]).toEqual({
      signal: 'last_purchase',
      points: roundPoints(40 * 0.5 ** (29.6 / 30)),
      detail: { days: 29 },
    });
  });

  it('takes the latest purchase, whatever the order', () => {
    const a = assessTemperature(facts({ purchases: [purchase(60), purchase(0), purchase(30)] }), policy, now);
    expect(a.reasons[0]?.points).toBe(40);
  });

  it('honours a per-signal half-life over the policy-wide one', () => {
    const p = only({ halfLifeDays: 30, lastPurchase: { weight: 40, halfLifeDays: 60 } });
    expect(assessTemperature(facts({ purchases: [purchase(60)] }), p, now).score).toBe(20);
  });
});

describe('assessTemperature: thresholds', () => {
  it.each([
    [0, 'cold'],
    [34, 'cold'],
    [35, 'warm'],
    [64, 'warm'],
    [65, 'hot'],
    [100, 'hot'],
  ] as const)('score %d → %s (warmFrom 35, hotFrom 65)', (score, level) => {
    const policy = only({ warmFrom: 35, hotFrom: 65, lastPurchase: { weight: score } });
    const result = assessTemperature(facts({ purchases: [purchase(0)] }), policy, now);
    expect(result.score).toBe(score);
    expect(result.level).toBe(level);
  });

  it('clamps the score to 0..100', () => {
    const high = only({ baseScore: 30, lastPurchase: { weight: 100 }, inbound: { weight: 100 } });
    expect(
      assessTemperature(
        facts({ purchases: [purchase(0)], interactions: [interaction(0, 'inbound_request', 'inbound')] }),
        high,
        now,
      ).score,
    ).toBe(100);
    const low = only({ sourceChannelPoints: { purchased_list: -50 } });
    expect(assessTemperature(facts({ sourceChannel: 'purchased_list' }), low, now)).toEqual({
      level: 'cold',
      score: 0,
      reasons: [{ signal: 'source_channel', points: -50, detail: { channel: 'purchased_list' } }],
    });
  });
});

describe('assessTemperature: events after now are ignored', () => {
  it.each([
    ['purchase', facts({ purchases: [{ at: new Date(now.getTime() + 1), amountKopecks: 5_000_000 }] })],
    [
      'interaction',
      facts({
        interactions: [{ at: new Date(now.getTime() + DAY_MS), kind: 'meeting', direction: 'outbound' }],
      }),
    ],
    [
      'inbound request',
      facts({
        interactions: [{ at: new Date(now.getTime() + 1000), kind: 'inbound_request', direction: 'inbound' }],
      }),
    ],
  ])('a future %s gives no points', (_name, input) => {
    const result = assessTemperature(input, defaultTemperaturePolicy, now);
    expect(result).toEqual({ level: 'cold', score: 0, reasons: [] });
  });

  it('an event at exactly now counts with age 0', () => {
    const result = assessTemperature(
      facts({ purchases: [{ at: now, amountKopecks: 1 }] }),
      only({ lastPurchase: { weight: 30 } }),
      now,
    );
    expect(result.score).toBe(30);
  });
});

describe('assessTemperature: no history', () => {
  it.each([
    ['purchased_list', 0, -15],
    ['referral', 20, 20],
    ['web_form', 15, 15],
    ['advertising', 5, 5],
    ['import', 0, null],
  ] as const satisfies readonly (readonly [SourceChannel, number, number | null])[])(
    'source %s → cold, score %d, only the source reason',
    (sourceChannel, score, points) => {
      const result = assessTemperature(facts({ sourceChannel }), defaultTemperaturePolicy, now);
      expect(result.level).toBe('cold');
      expect(result.score).toBe(score);
      expect(result.reasons).toEqual(
        points === null ? [] : [{ signal: 'source_channel', points, detail: { channel: sourceChannel } }],
      );
    },
  );

  it('a bought list stays colder than the same history from a referral', () => {
    const history = { purchases: [purchase(10, 2_000_000)], interactions: [interaction(5, 'call')] };
    const bought = assessTemperature(
      facts({ ...history, sourceChannel: 'purchased_list' }),
      defaultTemperaturePolicy,
      now,
    );
    const referred = assessTemperature(
      facts({ ...history, sourceChannel: 'referral' }),
      defaultTemperaturePolicy,
      now,
    );
    expect(referred.score - bought.score).toBe(35);
  });
});

describe('assessTemperature: inbound requests', () => {
  it.each([
    ['a fresh web form from a web-form lead', 'web_form', interaction(0, 'web_form', 'inbound'), 'hot'],
    [
      'a fresh inbound request from an ad',
      'advertising',
      interaction(0, 'inbound_request', 'inbound'),
      'warm',
    ],
    ['an inbound call yesterday from a referral', 'referral', interaction(1, 'call', 'inbound'), 'hot'],
    [
      'an inbound request two months ago',
      'advertising',
      interaction(60, 'inbound_request', 'inbound'),
      'cold',
    ],
    ['an outbound call today to a bought list', 'purchased_list', interaction(0, 'call', 'outbound'), 'cold'],
  ] as const)('%s → %s', (_name, sourceChannel, event, level) => {
    const result = assessTemperature(
      facts({ sourceChannel, interactions: [event] }),
      defaultTemperaturePolicy,
      now,
    );
    expect(result.level).toBe(level);
  });

  it('explains a fresh web form: inbound first, then interaction and source', () => {
    const result = assessTemperature(
      facts({ sourceChannel: 'web_form', interactions: [interaction(2, 'web_form', 'inbound')] }),
      defaultTemperaturePolicy,
      now,
    );
    expect(result).toEqual({
      level: 'hot',
      score: 36 + 15 + 14,
      reasons: [
        {
          signal: 'inbound_request',
          points: roundPoints(40 * 0.5 ** (2 / 14)),
          detail: { days: 2, kind: 'web_form' },
        },
        { signal: 'source_channel', points: 15, detail: { channel: 'web_form' } },
        {
          signal: 'last_interaction',
          points: roundPoints(15 * 0.5 ** (2 / 30)),
          detail: { days: 2, kind: 'web_form', direction: 'inbound' },
        },
      ],
    });
  });
});

describe('assessTemperature: last interaction', () => {
  const policy = only({
    halfLifeDays: 30,
    lastInteraction: { kindWeights: { call: 10, meeting: 20, negotiation: 20, note: 0, message: 5 } },
  });
  it.each([
    [
      'the latest kind counts, not the strongest',
      [interaction(30, 'meeting'), interaction(0, 'call')],
      10,
      'call',
    ],
    [
      'zero-weight kinds (notes) are not contact',
      [interaction(30, 'meeting'), interaction(0, 'note')],
      10,
      'meeting',
    ],
    ['same instant: the larger weight', [interaction(0, 'call'), interaction(0, 'meeting')], 20, 'meeting'],
    [
      'same instant, same weight: earlier kind',
      [interaction(0, 'negotiation'), interaction(0, 'meeting')],
      20,
      'meeting',
    ],
  ] as const)('%s', (_name, interactions, points, kind) => {
    for (const order of [[...interactions], [...interactions].reverse()]) {
      const result = assessTemperature(facts({ interactions: order }), policy, now);
      expect(result.reasons).toEqual([
        { signal: 'last_interaction', points, detail: expect.objectContaining({ kind }) },
      ]);
    }
  });
});

describe('assessTemperature: purchases in the window', () => {
  const policy = only({
    purchaseWindowDays: 365,
    purchaseCount: { weight: 15, fullAtCount: 5 },
    purchaseSum: { weight: 10, fullAtKopecks: 10_000_000 },
  });
  it.each([
    ['one purchase of 12 500 ₽', [purchase(10, 1_250_000)], 3, 1, 1_250_000],
    ['three purchases', [purchase(1, 2_000_000), purchase(100), purchase(365)], 9, 2, 2_200_000],
    [
      'count and sum saturate',
      Array.from({ length: 8 }, (_, i) => purchase(i, 5_000_000)),
      15,
      10,
      40_000_000,
    ],
    ['outside the window only', [purchase(365.01, 9_000_000)], 0, 0, 0],
  ])('%s', (_name, purchases, countPoints, sumPoints, sumKopecks) => {
    const result = assessTemperature(facts({ purchases }), policy, now);
    const count = purchases.filter((p) => now.getTime() - p.at.getTime() <= 365 * DAY_MS).length;
    const expected = [
      { signal: 'purchases_in_window', points: countPoints, detail: { count, windowDays: 365 } },
      {
        signal: 'purchase_sum_in_window',
        points: sumPoints,
        detail: { sumKopecks, sumRub: sumKopecks / 100, windowDays: 365 },
      },
    ].filter((r) => r.points !== 0);
    expect(result.reasons).toEqual(expected);
    expect(result.score).toBe(countPoints + sumPoints);
  });
});

describe('assessTemperature: open follow-up tasks', () => {
  const policy = only({ openTasks: { pointsPerTask: 5, pointsPerOverdueTask: 2, maxPoints: 10 } });
  const due = (days: number | null, doneDaysAgo: number | null = null): TaskFact => ({
    dueAt: days === null ? null : daysAgo(-days),
    doneAt: doneDaysAgo === null ? null : daysAgo(doneDaysAgo),
  });
  it.each([
    ['one scheduled', [due(3)], 5, 1, 0],
    ['one without a due date', [due(null)], 5, 1, 0],
    ['one overdue', [due(-3)], 2, 1, 1],
    ['scheduled and overdue', [due(3), due(-1)], 7, 2, 1],
    ['capped', [due(1), due(2), due(3)], 10, 3, 0],
    ['done ones do not count', [due(3, 1), due(-3, 0)], 0, 0, 0],
    ['done in the future is still open now', [due(3, -1)], 5, 1, 0],
  ])('%s', (_name, tasks, points, count, overdue) => {
    const result = assessTemperature(facts({ tasks }), policy, now);
    expect(result.reasons).toEqual(
      points === 0 ? [] : [{ signal: 'open_tasks', points, detail: { count, overdue } }],
    );
  });
});

describe('assessTemperature: reasons', () => {
  it('lists non-zero signals by absolute points, ties in signal order, summing to the score', () => {
    const result = assessTemperature(
      facts({
        sourceChannel: 'purchased_list',
        purchases: [purchase(3, 1_250_000)],
        interactions: [interaction(1, 'meeting')],
        tasks: [{ dueAt: daysAgo(-2), doneAt: null }],
      }),
      defaultTemperaturePolicy,
      now,
    );
    const points = result.reasons.map((r) => Math.abs(r.points));
    expect(points).toEqual([...points].sort((a, b) => b - a));
    expect(result.reasons.every((r) => r.points !== 0)).toBe(true);
    expect(result.score).toBe(result.reasons.reduce((s, r) => s + r.points, 0));
    expect(result.reasons.map((r) => r.signal)).toEqual([
      'last_purchase',
      'last_interaction',
      'source_channel',
      'open_tasks',
      'purchases_in_window',
      'purchase_sum_in_window',
    ]);
    expect(result).toMatchObject({ score: 33 + 24 - 15 + 5 + 3 + 1, level: 'warm' });
  });
});
