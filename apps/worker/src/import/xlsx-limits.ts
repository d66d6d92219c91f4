import { open } from 'node:fs/promises';
import { ImportReadError } from './errors.ts';

/**
 * What a workbook may unpack to. An .xlsx is a ZIP of XML; a small file can claim gigabytes inside
 * (a "zip bomb"), and exceljs keeps the shared-strings table in memory. The ZIP's central directory
 * states every entry's unpacked size, so the check reads only that, before anything is unpacked.
 * Real workbooks stay far below: Excel's own limit of 1,048,576 rows of ten text columns unpacks
 * to a few hundred MB, and their XML compresses some 5–20 times, not a thousand.
 */
export const XLSX_LIMITS = {
  /** One entry (a sheet's XML) unpacked. */
  entryBytes: 1024 * 1024 * 1024,
  /** The shared-strings table, held in memory while a sheet is read. */
  sharedStringsBytes: 256 * 1024 * 1024,
  /** Every entry together. */
  totalBytes: 2 * 1024 * 1024 * 1024,
  /** Unpacked to packed size of a big entry (above `ratioFromBytes`). */
  ratio: 1000,
  ratioFromBytes: 64 * 1024 * 1024,
  /** The central directory itself (a workbook has tens of entries, not millions). */
  directoryBytes: 16 * 1024 * 1024,
} as const;

export type XlsxLimits = { [K in keyof typeof XLSX_LIMITS]: number };

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
/** The end record is 22 bytes plus a comment of up to 65,535. */
const END_SEARCH_BYTES = 22 + 65_535;
/** A ZIP64 marker: the real value is elsewhere, and only workbooks beyond every limit need it. */
const ZIP64 = 0xffffffff;

const MB = (n: number) => `${Math.round(n / 1024 / 1024).toLocaleString('en-US')} MB`;

function tooBig(message: string): ImportReadError {
  return new ImportReadError({
    code: 'xlsx_too_large',
    message: `${message} Save the sheet as CSV (UTF-8 or Windows-1251) and import that instead.`,
  });
}

/**
 * Refuses (`ImportReadError` `xlsx_too_large`) a workbook whose entries would unpack beyond
 * `limits`, reading only the ZIP's central directory. A file without a readable directory is left
 * to the workbook reader, which reports it as unreadable.
 */
export async function checkXlsxSizes(path: string, limits: XlsxLimits = XLSX_LIMITS): Promise<void> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const tailLength = Math.min(size, END_SEARCH_BYTES);
    const tail = Buffer.alloc(tailLength);
    await file.read(tail, 0, tailLength, size - tailLength);
    let end = -1;
    for (let at = tailLength - 22; at >= 0; at--) {
      if (tail.readUInt32LE(at) === END_OF_DIRECTORY) {
        end = at;
        break;
      }
    }
    if (end < 0) return;
    const entries = tail.readUInt16LE(end + 10);
    const directorySize = tail.readUInt32LE(end + 12);
    const directoryStart = tail.readUInt32LE(end + 16);
    if (entries === 0xffff || directorySize === ZIP64 || directoryStart === ZIP64) {
      throw tooBig('The workbook is a ZIP64 archive: bigger than 4 GB inside, or with too many parts.');
    }
    if (directorySize > limits.directoryBytes) {
      throw tooBig(`The workbook lists ${MB(directorySize)} of parts.`);
    }
    if (directoryStart + directorySize > size) return;
    const directory = Buffer.alloc(directorySize);
    await file.read(directory, 0, directorySize, directoryStart);

    let total = 0;
    let at = 0;
    for (let i = 0; i < entries && at + 46 <= directory.length; i++) {
      if (directory.readUInt32LE(at) !== DIRECTORY_ENTRY) return;
      const packed = directory.readUInt32LE(at + 20);
      const unpacked = directory.readUInt32LE(at + 24);
      const nameLength = directory.readUInt16LE(at + 28);
      const name = directory.toString('utf8', at + 46, at + 46 + nameLength);
      at += 46 + nameLength + directory.readUInt16LE(at + 30) + directory.readUInt16LE(at + 32);
      if (packed === ZIP64 || unpacked === ZIP64) {
        throw tooBig(`The part ${name} of the workbook is bigger than 4 GB unpacked.`);
      }
      if (unpacked > limits.entryBytes) {
        throw tooBig(
          `The part ${name} of the workbook unpacks to ${MB(unpacked)} (at most ${MB(limits.entryBytes)}).`,
        );
      }
      if (/(^|\/)sharedStrings\.xml$/i.test(name) && unpacked > limits.sharedStringsBytes) {
        throw tooBig(
          `The workbook's table of texts unpacks to ${MB(unpacked)} (at most ${MB(limits.sharedStringsBytes)}).`,
        );
      }
      if (unpacked > limits.ratioFromBytes && unpacked > packed * limits.ratio) {
        throw tooBig(
          `The part ${name} of the workbook unpacks ${Math.round(unpacked / Math.max(packed, 1)).toLocaleString('en-US')} times its size: not a spreadsheet Excel writes.`,
        );
      }
      total += unpacked;
      if (total > limits.totalBytes) {
        throw tooBig(`The workbook unpacks to more than ${MB(limits.totalBytes)}.`);
      }
    }
  } finally {
    await file.close();
  }
}
