import { daysBetween } from '../facts.ts';
import { type RfmScore, type RfmScoredGroup, rfmFrequencyMonetary, rfmGroupFor } from './groups.ts';

/*
 * Quintile scores by percent rank, exactly what SQL's `percent_rank()` gives:
 *
 *   base         = clients with purchaseCount > 0 and lastPurchaseAt not null (n of them)
 *   rank(x)      = 1 + number of base values strictly below x          (SQL rank(): ties share)
 *   pr(x)        = (rank(x) - 1) / (n - 1), and 0 when n = 1            (SQL percent_rank())
 *   score(x)     = min(5, 1 + floor(5 * pr(x)))                         in 1..5
 *
 *   SQL: least(5, 1 + floor(5 * percent_rank() over (order by x)))::int
 *   or, in exact integers: least(5, 1 + (5 * (rank() over (order by x) - 1)) / greatest(n - 1, 1))
 *
 *   R orders by lastPurchaseAt ascending (the most recent purchase gets the highest score),
 *   F by purchaseCount, M by monetaryKopecks, each ascending.
 *
 * Equal values always get equal scores, and the lowest value always gets 1; with all values
 * equal (or a single client) every score is 1. Here the integer form is used: it is exact, and
 * equals the floating form because pr = k/5 is the only way 5·pr can be an integer and
 * 5 * (k/5) is exact in double precision for k = 1..4.
 */

export type RfmInput = {
  clientId: string;
  lastPurchaseAt: Date | null;
  purchaseCount: number;
  monetaryKopecks: number;
};

export type RfmResult =
  | {
      clientId: string;
      group: RfmScoredGroup;
      r: RfmScore;
      f: RfmScore;
      m: RfmScore;
      /** The F/M average the group map reads, `ceil((f + m) / 2)`. */
      fm: RfmScore;
      /** Whole days since the last purchase (negative if it is dated after `now`). */
      recencyDays: number;
    }
  | {
      clientId: string;
      group: 'no_purchases';
      r: null;
      f: null;
      m: null;
      fm: null;
      recencyDays: null;
    };

/** Scores for `values` by percent-rank quintile, in the same order as `values`. */
export function quintileScores(values: readonly number[]): RfmScore[] {
  const n = values.length;
  const sorted = [...values].sort((a, b) => a - b);
  const firstIndex = new Map<number, number>();
  sorted.forEach((value, index) => {
    if (!firstIndex.has(value)) firstIndex.set(value, index);
  });
  return values.map((value) => {
    const below = firstIndex.get(value) ?? 0;
    return Math.min(5, 1 + Math.floor((5 * below) / Math.max(n - 1, 1))) as RfmScore;
  });
}

/** R, F, M and the named group for every row, in the order of `rows`. */
export function computeRfm(rows: readonly RfmInput[], now: Date): RfmResult[] {
  const baseIndexes: number[] = [];
  const lastPurchases: Date[] = [];
  rows.forEach((row, index) => {
    if (row.purchaseCount > 0 && row.lastPurchaseAt !== null) {
      baseIndexes.push(index);
      lastPurchases.push(row.lastPurchaseAt);
    }
  });
  const base = baseIndexes.map((index) => rows[index]!);
  const rScores = quintileScores(lastPurchases.map((at) => at.getTime()));
  const fScores = quintileScores(base.map((row) => row.purchaseCount));
  const mScores = quintileScores(base.map((row) => row.monetaryKopecks));

  const results: RfmResult[] = rows.map((row) => ({
    clientId: row.clientId,
    group: 'no_purchases',
    r: null,
    f: null,
    m: null,
    fm: null,
    recencyDays: null,
  }));
  baseIndexes.forEach((rowIndex, i) => {
    const r = rScores[i]!;
    const f = fScores[i]!;
    const m = mScores[i]!;
    results[rowIndex] = {
      clientId: base[i]!.clientId,
      group: rfmGroupFor(r, f, m),
      r,
      f,
      m,
      fm: rfmFrequencyMonetary(f, m),
      recencyDays: daysBetween(lastPurchases[i]!, now),
    };
  });
  return results;
}
