import type { TemperatureLevel } from '../vocabulary.ts';
import { assessTemperature, type TemperatureFacts } from './assess.ts';
import type { TemperaturePolicy } from './policy.ts';

export type TemperatureLevelCounts = Record<TemperatureLevel, number>;

export type PolicyChangePreview = {
  total: number;
  /** Clients whose level differs between the two policies. */
  changed: number;
  before: TemperatureLevelCounts;
  after: TemperatureLevelCounts;
  /** `moves[from][to]`: how many clients go from level `from` (old policy) to `to` (new policy). */
  moves: Record<TemperatureLevel, TemperatureLevelCounts>;
};

function zeroCounts(): TemperatureLevelCounts {
  return { cold: 0, warm: 0, hot: 0 };
}

/** What switching from one policy to another would do to the levels of the given clients. */
export function previewPolicyChange(
  assessInputs: readonly TemperatureFacts[],
  from: TemperaturePolicy,
  to: TemperaturePolicy,
  now: Date,
): PolicyChangePreview {
  const before = zeroCounts();
  const after = zeroCounts();
  const moves: Record<TemperatureLevel, TemperatureLevelCounts> = {
    cold: zeroCounts(),
    warm: zeroCounts(),
    hot: zeroCounts(),
  };
  let changed = 0;
  for (const facts of assessInputs) {
    const oldLevel = assessTemperature(facts, from, now).level;
    const newLevel = assessTemperature(facts, to, now).level;
    before[oldLevel] += 1;
    after[newLevel] += 1;
    moves[oldLevel][newLevel] += 1;
    if (oldLevel !== newLevel) changed += 1;
  }
  return { total: assessInputs.length, changed, before, after, moves };
}
