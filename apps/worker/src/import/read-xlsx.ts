import { createReadStream, ReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { ImportReadError } from './errors.ts';
import { checkXlsxSizes } from './xlsx-limits.ts';

export interface XlsxReadOptions {
  /** Sheet name, or 0-based index in the workbook's tab order. Default: the first sheet. */
  sheet?: string | number;
  /** Skip data rows up to and including this one (resume after a killed import). */
  afterRow?: number;
}

export interface XlsxRow {
  row: string[];
  /** 1-based data row number; the header is not counted. */
  rowNumber: number;
  /** Row number as Excel shows it (blank rows are absent from the stream but still counted). */
  line: number;
  /**
   * How far into the file this row is, in bytes of the file (0…its size): an estimate, since a
   * sheet is compressed and often spooled before it is parsed (see `readXlsx`). For progress only.
   */
  bytesDone: number;
}

export interface XlsxReader {
  /** Sheet names in tab order (those known when the chosen sheet started). */
  sheets: string[];
  sheetName: string;
  header: string[];
  rows: AsyncIterable<XlsxRow>;
}

/**
 * exceljs 4's `WorksheetReader`: `iterator` (not part of its typings) is what the sheet's XML is
 * parsed from — the temporary file it spooled the sheet to, or the zip entry's stream.
 */
type WorksheetReader = AsyncIterable<ExcelJS.Row> & { name?: string; iterator?: unknown };
type WorkbookModel = { sheets?: { name: string }[] };

/**
 * Streams one sheet of an .xlsx with exceljs's `WorkbookReader`: rows are parsed as the zip is
 * read, never the whole workbook at once. Cells become strings (see `cellToText`). Throws (and
 * `rows` rejects with) `ImportReadError` only. Iterate `rows` to the end (or break out of the
 * loop): that is what closes the file.
 *
 * Memory: rows stream, but exceljs keeps the shared-strings table (each distinct text once) in
 * memory, and when a workbook stores its sheets before that table (Excel and exceljs both do) it
 * spools each sheet to a temporary file first.
 *
 * Progress (`bytesDone` of each row): a spooled sheet is parsed after the whole file was read, so
 * the file's read position says nothing then; the share of the spooled sheet read so far does,
 * scaled to the file's size. A sheet parsed straight from the zip is measured by the file's read
 * position. Both are counters the streams keep anyway: nothing is read twice.
 */
export async function readXlsx(path: string, options: XlsxReadOptions = {}): Promise<XlsxReader> {
  const fileSize = await stat(path).then(
    (s) => s.size,
    (error: unknown) => {
      throw toImportError(error);
    },
  );
  // What the workbook would unpack to, from its ZIP directory, before exceljs unpacks anything.
  await checkXlsxSizes(path).catch((error: unknown) => {
    throw error instanceof ImportReadError ? error : toImportError(error);
  });
  const input = createReadStream(path);
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  const sheetsIterator = workbook[Symbol.asyncIterator]();
  const wanted = options.sheet ?? 0;
  let emitted = 0;
  try {
    for (;;) {
      const next = await sheetsIterator.next();
      if (next.done) break;
      const worksheet = next.value as unknown as WorksheetReader;
      const sheets = ((workbook as unknown as { model?: WorkbookModel }).model?.sheets ?? []).map(
        (sheet) => sheet.name,
      );
      const name = worksheet.name ?? sheets[emitted] ?? `Sheet${emitted + 1}`;
      const wantedName = typeof wanted === 'number' ? sheets[wanted] : wanted;
      const isWanted = wantedName === undefined ? emitted === wanted : name === wantedName;
      emitted++;
      if (!isWanted) continue;
      const progress = await sheetProgress(worksheet, input, fileSize);
      return await openSheet(
        worksheet,
        sheets.length > 0 ? sheets : [name],
        name,
        sheetsIterator,
        options,
        progress,
        () => input.destroy(),
      );
    }
  } catch (error) {
    await sheetsIterator.return?.(undefined);
    input.destroy();
    throw toImportError(error);
  }
  input.destroy();
  if (emitted === 0) {
    throw new ImportReadError({
      code: 'xlsx_unreadable',
      message: 'The file is a ZIP archive without worksheets, not an Excel workbook.',
    });
  }
  throw new ImportReadError({
    code: 'sheet_not_found',
    message: `The workbook has no sheet ${typeof wanted === 'number' ? `number ${wanted + 1}` : `«${wanted}»`}.`,
  });
}

/** Bytes of the file behind the row just parsed (see `readXlsx`), never more than its size. */
async function sheetProgress(
  worksheet: WorksheetReader,
  input: ReadStream,
  fileSize: number,
): Promise<() => number> {
  const sheet = worksheet.iterator;
  if (sheet instanceof ReadStream && typeof sheet.path === 'string') {
    const sheetSize = (await stat(sheet.path)).size;
    if (sheetSize > 0) {
      return () => Math.min(fileSize, Math.round((fileSize * sheet.bytesRead) / sheetSize));
    }
  }
  return () => Math.min(fileSize, input.bytesRead);
}

async function openSheet(
  worksheet: WorksheetReader,
  sheets: string[],
  sheetName: string,
  sheetsIterator: AsyncIterator<unknown>,
  options: XlsxReadOptions,
  bytesDone: () => number,
  close: () => void,
): Promise<XlsxReader> {
  const rows = worksheet[Symbol.asyncIterator]();
  const first = await rows.next();
  const header = first.done ? [] : rowToTexts(first.value);
  const afterRow = options.afterRow ?? 0;

  async function* dataRows(): AsyncGenerator<XlsxRow> {
    let rowNumber = 0;
    try {
      for (;;) {
        const next = await rows.next();
        if (next.done) break;
        rowNumber++;
        if (rowNumber <= afterRow) continue;
        yield { row: rowToTexts(next.value), rowNumber, line: next.value.number, bytesDone: bytesDone() };
      }
    } catch (error) {
      throw toImportError(error);
    } finally {
      // Stops the zip stream and closes the file; the remaining sheets are not needed.
      await sheetsIterator.return?.(undefined);
      close();
    }
  }
  return { sheets, sheetName, header, rows: dataRows() };
}

function rowToTexts(row: ExcelJS.Row): string[] {
  // `values` is 1-based and sparse: index 0 is always empty, gaps are blank cells.
  const values = row.values as unknown[];
  const texts: string[] = [];
  for (let column = 1; column < values.length; column++) texts.push(cellToText(values[column]));
  return texts;
}

/**
 * Text of a cell as a user would type it into a CSV: dates as ISO `yyyy-mm-dd` (with time when it
 * is not midnight), numbers with Excel's 15 significant digits (no float noise), formulas as their
 * cached result, rich text flattened, hyperlinks as their text, errors as `#N/A`-style codes.
 */
export function cellToText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberToText(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return dateToText(value);
  if (typeof value === 'object') {
    const cell = value as Record<string, unknown>;
    if (Array.isArray(cell.richText)) {
      return cell.richText
        .map((run: { text?: unknown }) => (typeof run.text === 'string' ? run.text : ''))
        .join('');
    }
    if ('formula' in cell || 'sharedFormula' in cell || 'result' in cell) return cellToText(cell.result);
    if ('text' in cell) return cellToText(cell.text);
    if (typeof cell.error === 'string') return cell.error;
  }
  return String(value);
}

function numberToText(value: number): string {
  // Excel itself keeps 15 significant digits, so this drops only binary noise (0.1 + 0.2).
  return Number.isFinite(value) ? String(Number(value.toPrecision(15))) : '';
}

function dateToText(date: Date): string {
  if (Number.isNaN(date.getTime())) return '';
  // exceljs builds dates from the serial number in UTC, so UTC parts are the cell's wall time.
  const iso = date.toISOString();
  const time = iso.slice(11, 19);
  return time === '00:00:00' ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${time}`;
}

function toImportError(error: unknown): ImportReadError {
  if (error instanceof ImportReadError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ImportReadError(
    { code: 'xlsx_unreadable', message: `The Excel file cannot be read: ${message}` },
    { cause: error },
  );
}
