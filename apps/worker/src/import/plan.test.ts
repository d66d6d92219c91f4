import { describe, expect, it } from 'vitest';
import { chunked, DEFAULT_CHUNK_CHARS } from './plan.ts';

async function* rowsOf(cells: string[][]) {
  for (const [i, row] of cells.entries()) yield { rowNumber: i + 2, cells: row };
}

async function collect<T>(chunks: AsyncIterable<T[]>): Promise<T[][]> {
  const out: T[][] = [];
  for await (const chunk of chunks) out.push(chunk);
  return out;
}

describe('chunked: chunks of rows, held to a number of rows and of characters', () => {
  it('ends a chunk at its row count, the last one shorter', async () => {
    const rows = Array.from({ length: 7 }, (_, i) => [`Иванов ${i}`, `+7 900 000-00-0${i}`]);
    const chunks = await collect(chunked(rowsOf(rows), 3));
    expect(chunks.map((c) => c.map((r) => r.rowNumber))).toEqual([[2, 3, 4], [5, 6, 7], [8]]);
  });

  it('ends a chunk early when its cells reach the character limit, so huge rows come a few at a time', async () => {
    // Rows of 400 characters, at most 1,000 characters a chunk: a chunk ends on the row that reaches it.
    const rows = Array.from({ length: 7 }, () => ['ы'.repeat(300), 'x'.repeat(100)]);
    const chunks = await collect(chunked(rowsOf(rows), 2_000, 1_000));
    expect(chunks.map((c) => c.length)).toEqual([3, 3, 1]);
    expect(chunks.flat().map((r) => r.rowNumber)).toEqual([2, 3, 4, 5, 6, 7, 8]);
  });

  it('ends the chunk at a row bigger than the limit, whatever its row count', async () => {
    const rows = [['a'], ['ы'.repeat(5_000)], ['b']];
    const chunks = await collect(chunked(rowsOf(rows), 2_000, 1_000));
    expect(chunks.map((c) => c.map((r) => r.cells[0]!.length))).toEqual([[1, 5_000], [1]]);
  });

  it('holds a default chunk of rows near the 1 MB row limit to a few rows', async () => {
    const big = 'ы'.repeat(900_000);
    const rows = Array.from({ length: 30 }, () => [big]);
    const chunks = await collect(chunked(rowsOf(rows), 2_000));
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) {
      expect(chunk.length * big.length).toBeLessThanOrEqual(DEFAULT_CHUNK_CHARS + big.length);
    }
    expect(chunks.flat()).toHaveLength(30);
  });
});
