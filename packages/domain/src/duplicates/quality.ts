export type PairQuality = {
  precision: number;
  recall: number;
  f1: number;
  tp: number;
  fp: number;
  fn: number;
};

const pairId = ([a, b]: readonly [string, string]) => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);

/**
 * Precision, recall and F1 of found id pairs against the true ones; pair order and repeats do not
 * matter. With nothing found precision is 1 (nothing wrong was claimed); with nothing to find recall is 1.
 */
export function pairQuality(
  found: readonly (readonly [string, string])[],
  truth: readonly (readonly [string, string])[],
): PairQuality {
  const foundIds = new Set(found.map(pairId));
  const truthIds = new Set(truth.map(pairId));
  let tp = 0;
  for (const id of foundIds) if (truthIds.has(id)) tp++;
  const fp = foundIds.size - tp;
  const fn = truthIds.size - tp;
  const precision = foundIds.size === 0 ? 1 : tp / foundIds.size;
  const recall = truthIds.size === 0 ? 1 : tp / truthIds.size;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, tp, fp, fn };
}
