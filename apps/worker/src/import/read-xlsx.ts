import ExcelJS from 'exceljs';
import { ImportReadError } from './errors.ts';

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
}

export interface XlsxReader {
  /** Sheet names in tab order (those known when the chosen sheet started). */
  sheets: string[];
  sheetName: string;
  header: string[];
  rows: AsyncIterable<XlsxRow>;
}

type WorksheetReader = AsyncIterable<ExcelJS.Row> & { name?: string };
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
 */
export async function readXlsx(path: string, options: XlsxReadOptions = {}): Promise<XlsxReader> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(path, {
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
      return await openSheet(worksheet, sheets.length > 0 ? sheets : [name], name, sheetsIterator, options);
    }
  } catch (error) {
    await sheetsIterator.return?.(undefined);
    throw toImportError(error);
  }
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

async function openSheet(
  worksheet: WorksheetReader,
  sheets: string[],
  sheetName: string,
  sheetsIterator: AsyncIterator<unknown>,
  options: XlsxReadOptions,
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
        yield { row: rowToTexts(next.value), rowNumber, line: next.value.number };
      }
    } catch (error) {
      throw toImportError(error);
    } finally {
      // Stops the zip stream; the remaining sheets are not needed.
      await sheetsIterator.return?.(undefined);
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
