import type { ImportCheckpoint, ImportFileRow } from '@cb/db';
import type { DetectedFormat } from './detect.ts';
import { detectFile } from './inspect.ts';
import { readCsvFile, readCsvFileFrom } from './read-csv.ts';
import { readXlsx } from './read-xlsx.ts';

/** A row as the runner sees it: its number as the user sees it, its cells, and where to resume after it. */
export type SourceRow = ImportFileRow & {
  /** Resume position just past this row: committed with the chunk that ends with it. */
  checkpoint: ImportCheckpoint;
  /** Bytes of the file read up to the end of this row (XLSX: an estimate, see `readXlsx`). */
  bytesDone: number;
};

export type FileShape = { format: 'csv' | 'xlsx'; sheet: string | null };

/**
 * The rows of a spooled file from a checkpoint on (or from the first data row). CSV resumes at a
 * byte offset; XLSX re-reads the sheet and skips the rows done. A CSV row's number is the line it
 * starts on and an XLSX row's is Excel's row number: what the user sees in the file.
 * Unreadable files throw `ImportReadError`.
 */
export async function openRowSource(
  path: string,
  shape: FileShape,
  checkpoint: ImportCheckpoint | null,
): Promise<{ detected: DetectedFormat; rows: AsyncIterable<SourceRow> }> {
  const detected = await detectFile(path);
  if (detected.format === 'csv') {
    const csvRows =
      checkpoint && 'byteOffset' in checkpoint
        ? readCsvFileFrom(path, detected, checkpoint)
        : (await readCsvFile(path, detected)).rows;
    async function* rows(): AsyncGenerator<SourceRow> {
      for await (const r of csvRows) {
        yield { rowNumber: r.line, cells: r.row, checkpoint: r.resume, bytesDone: r.resume.byteOffset };
      }
    }
    return { detected, rows: rows() };
  }
  const afterRow = checkpoint && 'afterRow' in checkpoint ? checkpoint.afterRow : 0;
  const reader = await readXlsx(path, { sheet: shape.sheet ?? 0, afterRow });
  async function* rows(): AsyncGenerator<SourceRow> {
    for await (const r of reader.rows) {
      yield {
        rowNumber: r.line,
        cells: r.row,
        checkpoint: { afterRow: r.rowNumber },
        bytesDone: r.bytesDone,
      };
    }
  }
  return { detected, rows: rows() };
}

/**
 * Characters of cells one chunk holds at most (16 MB of UTF-16 in memory). A chunk ends at its row
 * count or at this, whichever comes first, so a file of rows near the 1 MB row limit is read in
 * chunks of a few rows and an import's memory stays flat whatever its rows are like.
 */
export const DEFAULT_CHUNK_CHARS = 8 * 1024 * 1024;

/**
 * Groups rows into chunks of `size` rows or `maxChars` characters of cells, whichever is reached
 * first (a chunk has at least one row; the last may be shorter).
 */
export async function* chunked<T extends { cells: readonly string[] }>(
  rows: AsyncIterable<T>,
  size: number,
  maxChars: number = DEFAULT_CHUNK_CHARS,
): AsyncGenerator<T[]> {
  let chunk: T[] = [];
  let chars = 0;
  for await (const row of rows) {
    chunk.push(row);
    for (const cell of row.cells) chars += cell.length;
    if (chunk.length >= size || chars >= maxChars) {
      yield chunk;
      chunk = [];
      chars = 0;
    }
  }
  if (chunk.length > 0) yield chunk;
}
