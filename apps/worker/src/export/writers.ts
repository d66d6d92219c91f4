import type { Writable } from 'node:stream';
import type { ExportClientRow } from '@cb/db';
import { csvRow, escapeSpreadsheetCell } from '@cb/domain';
import ExcelJS from 'exceljs';
import type { ExportColumn } from './columns.ts';
import { encodeCp1251 } from './cp1251.ts';

export type ExportFormat = 'csv' | 'xlsx';
export type ExportEncoding = 'utf8' | 'cp1251';
export type ExportDelimiter = ',' | ';';

/** The reader went away (a download cancelled, a closed pipe): the export stops where it was. */
export class ExportAborted extends Error {
  constructor() {
    super('The export was cancelled: the receiving end closed');
    this.name = 'ExportAborted';
  }
}

function assertOpen(out: Writable): void {
  if (out.destroyed || out.writableEnded) throw new ExportAborted();
}

/** Waits until `out` takes more (backpressure), or fails when it closes first. */
export async function drained(out: Writable): Promise<void> {
  assertOpen(out);
  if (!out.writableNeedDrain) return;
  await new Promise<void>((resolve, reject) => {
    const cleanup = () => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      out.off('error', onClose);
    };
    const onDrain = () => {
      cleanup();
      resolve();
    };
    const onClose = () => {
      cleanup();
      reject(new ExportAborted());
    };
    out.on('drain', onDrain);
    out.on('close', onClose);
    out.on('error', onClose);
  });
}

/** Hands a chunk to `out`; the caller waits for `drained` before producing more. */
function write(out: Writable, chunk: Buffer | string): void {
  assertOpen(out);
  out.write(chunk);
}

/** Ends `out` and waits until it has taken everything (or fails if it closed before). */
async function end(out: Writable): Promise<void> {
  assertOpen(out);
  await new Promise<void>((resolve, reject) => {
    out.once('finish', () => resolve());
    out.once('close', () => (out.writableFinished ? resolve() : reject(new ExportAborted())));
    out.end();
  });
}

/**
 * Writes a file of rows: a header first, then pages as they come, then the end. `start` and
 * `writeRows` hand their bytes over at once; the caller waits for `drained(out)` in between.
 */
export type RowSink = {
  start(): void;
  writeRows(rows: readonly ExportClientRow[]): void;
  finish(): Promise<void>;
  /** Characters the encoding could not write (Windows-1251 only), written as `?`. */
  replaced(): number;
};

const UTF8_BOM = '\uFEFF';

/**
 * CSV (RFC 4180, CRLF) with every cell escaped against formula injection (`@cb/domain` csvRow).
 * UTF-8 starts with a BOM, which is how Excel knows it is UTF-8.
 */
export function csvSink(
  out: Writable,
  columns: readonly ExportColumn[],
  encoding: ExportEncoding,
  delimiter: ExportDelimiter,
): RowSink {
  let replaced = 0;
  const encode = (text: string): Buffer => {
    if (encoding === 'utf8') return Buffer.from(text, 'utf8');
    const encoded = encodeCp1251(text);
    replaced += encoded.replaced;
    return encoded.bytes;
  };
  return {
    start() {
      const header = `${csvRow(
        columns.map((c) => c.header),
        delimiter,
      )}\r\n`;
      write(out, encode(encoding === 'utf8' ? UTF8_BOM + header : header));
    },
    writeRows(rows) {
      let text = '';
      for (const row of rows) {
        text += `${csvRow(
          columns.map((c) => c.cell(row)),
          delimiter,
        )}\r\n`;
      }
      if (text) write(out, encode(text));
    },
    finish: () => end(out),
    replaced: () => replaced,
  };
}

/** Characters XML 1.0 cannot hold (control characters, lone surrogates): an .xlsx with them does not open. */
const NOT_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds.
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function xlsxCell(value: string): string {
  return escapeSpreadsheetCell(value.replace(NOT_XML, ''));
}

/**
 * XLSX through exceljs's streaming writer: each row is committed (serialised and zipped) as it is
 * added, so only the zip's buffers stay in memory. Text only (no shared strings, no styles): a
 * cell is a value, never a formula, and formula-looking text carries the `'` prefix as in CSV.
 */
export function xlsxSink(out: Writable, columns: readonly ExportColumn[], sheetName: string): RowSink {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useSharedStrings: false,
    useStyles: false,
  });
  const sheet = workbook.addWorksheet(sheetName);
  return {
    start() {
      assertOpen(out);
      sheet.addRow(columns.map((c) => xlsxCell(c.header))).commit();
    },
    writeRows(rows) {
      assertOpen(out);
      for (const row of rows) sheet.addRow(columns.map((c) => xlsxCell(c.cell(row)))).commit();
    },
    async finish() {
      assertOpen(out);
      sheet.commit();
      const closed = new Promise<void>((resolve, reject) => {
        if (out.writableFinished) resolve();
        out.once('finish', () => resolve());
        out.once('close', () => (out.writableFinished ? resolve() : reject(new ExportAborted())));
        out.once('error', () => reject(new ExportAborted()));
      });
      // A reader gone mid-way never lets the zip finish: whichever settles first decides.
      await Promise.all([workbook.commit(), closed]);
    },
    replaced: () => 0,
  };
}
