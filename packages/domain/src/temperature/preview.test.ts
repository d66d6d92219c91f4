import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../facts.ts';
import type { TemperatureFacts } from './assess.ts';
import { defaultTemperaturePolicy, ZTemperaturePolicy } from './policy.ts';
import { previewPolicyChange } from './preview.ts';

const now = new Date('2025-06-15T12:00:00Z');
const client = (purchaseDaysAgo: number | null): TemperatureFacts => ({
  purchases:
    purchaseDaysAgo === null
      ? []
      : [{ at: new Date(now.getTime() - purchaseDaysAgo * DAY_MS), amountKopecks: 100 }],
  interactions: [],
  tasks: [],
  sourceChannel: 'referral',
});

describe('previewPolicyChange', () => {
  // Default scores: referral 20 + last purchase 35·0.5^(d/30) + 3 for one purchase → 20, 58, 41, 23.
  const clients = [client(null), client(0), client(30), client(200)];

  it.each([
    [
      'the same policy moves nobody',
      defaultTemperaturePolicy,
      { cold: 2, warm: 2, hot: 0 },
      { cold: 2, warm: 2, hot: 0 },
      0,
    ],
    [
      'lower thresholds warm everyone up',
      ZTemperaturePolicy.parse({ warmFrom: 21, hotFrom: 40 }),
      { cold: 2, warm: 2, hot: 0 },
      { cold: 1, warm: 1, hot: 2 },
      3,
    ],
  ])('%s', (_name, to, before, after, changed) => {
    const preview = previewPolicyChange(clients, defaultTemperaturePolicy, to, now);
    expect(preview).toMatchObject({ total: 4, before, after, changed });
    const moved = Object.values(preview.moves).flatMap((row) => Object.values(row));
    expect(moved.reduce((a, b) => a + b, 0)).toBe(4);
  });

  it('counts each move from old to new level', () => {
    const preview = previewPolicyChange(
      clients,
      defaultTemperaturePolicy,
      ZTemperaturePolicy.parse({ warmFrom: 21, hotFrom: 40 }),
      now,
    );
    expect(preview.moves).toEqual({
      cold: { cold: 1, warm: 1, hot: 0 },
      warm: { cold: 0, warm: 0, hot: 2 },
      hot: { cold: 0, warm: 0, hot: 0 },
    });
  });

  it('handles no clients', () => {
    expect(previewPolicyChange([], defaultTemperaturePolicy, defaultTemperaturePolicy, now)).toEqual({
      total: 0,
      changed: 0,
      before: { cold: 0, warm: 0, hot: 0 },
      after: { cold: 0, warm: 0, hot: 0 },
      moves: {
        cold: { cold: 0, warm: 0, hot: 0 },
        warm: { cold: 0, warm: 0, hot: 0 },
        hot: { cold: 0, warm: 0, hot: 0 },
      },
    });
  });
});
