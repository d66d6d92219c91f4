import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { candidatePairs } from './blocking.ts';
import { parseFebrl } from './febrl.ts';
import { pairQuality } from './quality.ts';
import { scorePair } from './score.ts';

/**
 * Quality on FEBRL (synthetic Australian person records with known duplicates: `rec-N-org` and its
 * `rec-N-dup-K`). The data lives outside the repository, in `shared/data/febrl` next to it; the
 * test walks up from here to find it so that it works wherever the repository is checked out.
 */
const FEBRL_DIR = join('shared', 'data', 'febrl');

function locateFebrl(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, FEBRL_DIR);
    if (existsSync(join(candidate, 'dataset1.csv'))) return candidate;
    if (dirname(dir) === dir) break;
  }
  // A checkout elsewhere (a CI clone in /tmp) finds the machine's shared data by its known place.
  for (const shared of [process.env.CB_SHARED_DIR, '/work/shared'].filter(Boolean) as string[]) {
    const candidate = join(shared, 'data', 'febrl');
    if (existsSync(join(candidate, 'dataset1.csv'))) return candidate;
  }
  throw new Error(
    `FEBRL data not found: expected ${FEBRL_DIR}/dataset1.csv in a parent directory of ${start} ` +
      '(e.g. /work/shared/data/febrl next to the repository at /work/main), in CB_SHARED_DIR or in /work/shared',
  );
}

describe('duplicate detection quality on FEBRL', () => {
  const dir = locateFebrl();

  it.each(['dataset1.csv', 'dataset2.csv'])('%s: F1 of pairs decided duplicate ≥ 0.95', (file) => {
    const parsed = parseFebrl(readFileSync(join(dir, file), 'utf8'));
    if (!parsed.ok) throw new Error(`${file}: ${parsed.error.map((i) => i.message).join('; ')}`);
    const { records, truePairs: truth } = parsed.value;
    const candidates = candidatePairs(records);
    const decided = candidates.map(([a, b]) => ({
      pair: [a.id, b.id] as [string, string],
      ...scorePair(a, b),
    }));
    const found = decided.filter((d) => d.decision === 'duplicate').map((d) => d.pair);
    const forReview = decided.filter((d) => d.decision === 'possible').length;
    const blockingRecall = pairQuality(
      candidates.map(([a, b]): [string, string] => [a.id, b.id]),
      truth,
    ).recall;
    const q = pairQuality(found, truth);
    console.log(
      `${file}: ${records.length} records, ${truth.length} true pairs, ${candidates.length} candidates ` +
        `(blocking recall ${blockingRecall.toFixed(4)}); precision ${q.precision.toFixed(4)}, ` +
        `recall ${q.recall.toFixed(4)}, F1 ${q.f1.toFixed(4)} (tp ${q.tp}, fp ${q.fp}, fn ${q.fn}); ` +
        `${forReview} pairs left for review`,
    );
    expect(q.f1).toBeGreaterThanOrEqual(0.95);
  });
});
