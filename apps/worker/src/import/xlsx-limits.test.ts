import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImportReadError } from './errors.ts';
import { readXlsx } from './read-xlsx.ts';
import { checkXlsxSizes, XLSX_LIMITS } from './xlsx-limits.ts';

let directory = '';
let workbook: Buffer;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'cb-xlsx-limits-'));
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Клиенты');
  sheet.addRow(['ФИО', 'Телефон', 'Город']);
  for (let i = 0; i < 5_000; i++) sheet.addRow([`Иванов Иван ${i % 7}`, '+7 916 123-45-67', 'Москва']);
  workbook = Buffer.from(await book.xlsx.writeBuffer());
});

afterAll(async () => {
  if (directory) await rm(directory, { recursive: true, force: true });
});

let fileNo = 0;
async function fileOf(bytes: Buffer): Promise<string> {
  const path = join(directory, `book-${++fileNo}.xlsx`);
  await writeFile(path, bytes);
  return path;
}

/** The workbook with the unpacked size its ZIP directory states for one entry replaced. */
function claiming(zip: Buffer, entry: RegExp, unpacked: number): Buffer {
  const copy = Buffer.from(zip);
  const end = copy.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = copy.readUInt16LE(end + 10);
  let at = copy.readUInt32LE(end + 16);
  for (let i = 0; i < count; i++) {
    const nameLength = copy.readUInt16LE(at + 28);
    if (entry.test(copy.toString('utf8', at + 46, at + 46 + nameLength))) {
      copy.writeUInt32LE(unpacked, at + 24);
      return copy;
    }
    at += 46 + nameLength + copy.readUInt16LE(at + 30) + copy.readUInt16LE(at + 32);
  }
  throw new Error(`no entry ${entry}`);
}

async function refusal(work: Promise<unknown>): Promise<ImportReadError> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImportReadError);
  return error as ImportReadError;
}

describe('checkXlsxSizes: what a workbook would unpack to, read from its ZIP directory', () => {
  it('lets a workbook Excel would write through, and it reads', async () => {
    const path = await fileOf(workbook);
    await expect(checkXlsxSizes(path)).resolves.toBeUndefined();
    const reader = await readXlsx(path);
    let rows = 0;
    for await (const _ of reader.rows) rows++;
    expect(rows).toBe(5_000);
  });

  it.each([
    ['a sheet stated at 1.5 GB', /worksheets\/sheet1\.xml$/, 1536 * 1024 * 1024, /sheet1\.xml.*1,536 MB/],
    ['a table of texts stated at 300 MB', /sharedStrings\.xml$/, 300 * 1024 * 1024, /table of texts.*300 MB/],
    ['a part marked ZIP64 (over 4 GB)', /worksheets\/sheet1\.xml$/, 0xffffffff, /bigger than 4 GB/],
  ])('refuses %s before unpacking anything, and says to save it as CSV', async (_, entry, size, says) => {
    const path = await fileOf(claiming(workbook, entry, size));
    const error = await refusal(readXlsx(path));
    expect(error.code).toBe('xlsx_too_large');
    expect(error.message).toMatch(says);
    expect(error.message).toContain('CSV');
  });

  it('refuses a part that unpacks far more than spreadsheets compress (a zip bomb), by its real sizes', async () => {
    // The real workbook's sheet, repetitive as it is, against a ratio and a size lowered to it.
    const path = await fileOf(workbook);
    const limits = { ...XLSX_LIMITS, ratio: 5, ratioFromBytes: 64 * 1024 };
    const error = await refusal(checkXlsxSizes(path, limits));
    expect(error.code).toBe('xlsx_too_large');
    expect(error.message).toMatch(/sheet1\.xml.*unpacks [\d,]+ times its size/);
  });

  it('leaves a file with no ZIP directory to the workbook reader, which calls it unreadable', async () => {
    const bytes = await readFile(await fileOf(workbook));
    const path = await fileOf(bytes.subarray(0, bytes.length - 30));
    await expect(checkXlsxSizes(path)).resolves.toBeUndefined();
    const error = await refusal(
      readXlsx(path).then(async (r) => {
        for await (const _ of r.rows);
      }),
    );
    expect(error.code).toBe('xlsx_unreadable');
  });
});
