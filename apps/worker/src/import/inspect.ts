import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import {
  createImport,
  type DatabaseHandle,
  type ImportRow,
  listCustomFields,
  type MutationContext,
  storeImportFile,
} from '@cb/db';
import { suggestMapping } from '@cb/domain';
import { type DetectedFormat, detectFileFormat } from './detect.ts';
import { ImportReadError } from './errors.ts';
import { readCsvFile } from './read-csv.ts';
import { readXlsx } from './read-xlsx.ts';

/** Rows shown on the mapping screen. */
export const SAMPLE_ROWS = 20;
/** Rows of a CSV up to this size are counted at upload (a few hundred ms); larger ones after the run. */
export const COUNT_CSV_MAX_BYTES = 50 * 1024 * 1024;
/** XLSX is slower to read: counted at upload up to this size. */
export const COUNT_XLSX_MAX_BYTES = 10 * 1024 * 1024;

export type ImportFileInspection = {
  format: 'csv' | 'xlsx';
  encoding: string | null;
  delimiter: string | null;
  sheets: string[];
  sheet: string | null;
  headers: string[];
  /** The first data rows, as read. */
  sample: string[][];
  /** Data rows (the header not counted) when cheap to count, else null. */
  totalRows: number | null;
  size: number;
};

/** Detects the format of a file on disk; an unreadable one throws `ImportReadError`. */
export async function detectFile(path: string, fileName?: string): Promise<DetectedFormat> {
  // The head, and past it when the head is plain ASCII (a 1251 file's Cyrillic may come later).
  const detected = await detectFileFormat(path, fileName);
  if ('error' in detected) throw new ImportReadError(detected.error);
  return detected;
}

/**
 * What an uploaded file is: format, encoding, delimiter, sheets, headers and the first rows, and
 * the row count when cheap. Every failure is an `ImportReadError` (the API maps it to a 400 on `file`).
 */
export async function inspectImportFile(
  path: string,
  fileName: string,
  options: { sheet?: string | number | undefined } = {},
): Promise<ImportFileInspection> {
  const { size } = await stat(path);
  const detected = await detectFile(path, fileName);
  const sample: string[][] = [];
  if (detected.format === 'csv') {
    const reader = await readCsvFile(path, detected);
    const count = size <= COUNT_CSV_MAX_BYTES;
    let rows = 0;
    for await (const row of reader.rows) {
      rows++;
      if (sample.length < SAMPLE_ROWS) sample.push(row.row);
      else if (!count) break;
    }
    return {
      format: 'csv',
      encoding: detected.encoding,
      delimiter: detected.delimiter,
      sheets: [],
      sheet: null,
      headers: reader.header,
      sample,
      totalRows: count ? rows : null,
      size,
    };
  }
  const reader = await readXlsx(path, options.sheet === undefined ? {} : { sheet: options.sheet });
  const count = size <= COUNT_XLSX_MAX_BYTES;
  let rows = 0;
  for await (const row of reader.rows) {
    rows++;
    if (sample.length < SAMPLE_ROWS) sample.push(row.row);
    else if (!count) break;
  }
  return {
    format: 'xlsx',
    encoding: null,
    delimiter: null,
    sheets: reader.sheets,
    sheet: reader.sheetName,
    headers: reader.header,
    sample,
    totalRows: count ? rows : null,
    size,
  };
}

export type RegisterImportInput = { path: string; fileName: string; sheet?: string | undefined };

/**
 * Upload, after the bytes are on local disk: inspect the file, suggest a mapping from its headers
 * (with the workspace's custom fields) and its date order from the sample rows, and store the
 * import with the file itself in one transaction. Unreadable files throw `ImportReadError` before
 * anything is stored.
 */
export async function registerImport(
  database: DatabaseHandle,
  ctx: MutationContext,
  input: RegisterImportInput,
): Promise<ImportRow> {
  const inspection = await inspectImportFile(input.path, input.fileName, { sheet: input.sheet });
  const customFields = await listCustomFields(database.db, ctx.workspaceId);
  // The sample's dates tell whether the file writes them month first.
  const mapping = suggestMapping(
    inspection.headers,
    customFields.map((f) => ({ key: f.key, label: f.label })),
    inspection.sample,
  );
  return database.db.transaction(async (tx) => {
    const created = await createImport(tx, ctx, {
      fileName: input.fileName,
      fileSize: inspection.size,
      sha256: '',
      file: {
        format: inspection.format,
        encoding: inspection.encoding,
        delimiter: inspection.delimiter,
        sheet: inspection.sheet,
        sheets: inspection.sheets,
      },
      headers: inspection.headers,
      sample: inspection.sample,
      mapping,
      totalRows: inspection.totalRows,
    });
    const stored = await storeImportFile(tx, created.id, createReadStream(input.path));
    return { ...created, sha256: stored.sha256, fileSize: stored.bytes };
  });
}
