import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectFormat } from './detect.ts';
import { ImportReadError } from './errors.ts';
import { cellToText, readXlsx, type XlsxRow } from './read-xlsx.ts';

let directory = '';
let workbookPath = '';

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'cb-xlsx-'));
  workbookPath = join(directory, 'clients.xlsx');
  const workbook = new ExcelJS.Workbook();
  const summary = workbook.addWorksheet('Сводка');
  summary.addRow(['Отчёт', 'не импортировать']);
  const clients = workbook.addWorksheet('Клиенты');
  clients.addRow(['Имя', 'Дата', 'Сумма', 'Удвоено', 'Заметка', 'Активен', 'Сайт', 'Телефон', 'Формула?']);
  clients.addRow([
    'Анна',
    new Date(Date.UTC(2024, 0, 15)),
    0.1 + 0.2,
    { formula: 'C2*2', result: 0.6000000000000001 },
    { richText: [{ text: 'VIP ' }, { font: { bold: true }, text: 'клиент' }] },
    true,
    { text: 'example.ru', hyperlink: 'https://example.ru' },
    79161234567,
    '=1+1',
  ]);
  clients.addRow(['Борис', new Date(Date.UTC(2024, 1, 29, 13, 45, 0)), 1234.5]);
  // Row 4 is left blank; row 5 has a gap in column B.
  clients.getCell('A5').value = 'Вера';
  clients.getCell('C5').value = -7;
  await workbook.xlsx.writeFile(workbookPath);
});

afterAll(async () => {
  if (directory) await rm(directory, { recursive: true, force: true });
});

async function collect(rows: AsyncIterable<XlsxRow>) {
  const all: XlsxRow[] = [];
  for await (const row of rows) all.push(row);
  return all;
}

describe('readXlsx', () => {
  it('is detected as XLSX', async () => {
    const { readFile } = await import('node:fs/promises');
    expect(detectFormat((await readFile(workbookPath)).subarray(0, 65536))).toEqual({ format: 'xlsx' });
  });

  it.each([1, 'Клиенты'])('reads the chosen sheet %s with cells as text', async (sheet) => {
    const reader = await readXlsx(workbookPath, { sheet });
    expect(reader.sheets).toEqual(['Сводка', 'Клиенты']);
    expect(reader.sheetName).toBe('Клиенты');
    expect(reader.header).toEqual([
      'Имя',
      'Дата',
      'Сумма',
      'Удвоено',
      'Заметка',
      'Активен',
      'Сайт',
      'Телефон',
      'Формула?',
    ]);
    const rows = (await collect(reader.rows)).map(({ bytesDone: _, ...row }) => row);
    expect(rows).toEqual([
      {
        row: ['Анна', '2024-01-15', '0.3', '0.6', 'VIP клиент', 'TRUE', 'example.ru', '79161234567', '=1+1'],
        rowNumber: 1,
        line: 2,
      },
      { row: ['Борис', '2024-02-29 13:45:00', '1234.5'], rowNumber: 2, line: 3 },
      { row: ['Вера', '', '-7'], rowNumber: 3, line: 5 },
    ]);
  });

  it('reads the first sheet by default', async () => {
    const reader = await readXlsx(workbookPath);
    expect(reader.sheetName).toBe('Сводка');
    expect(reader.header).toEqual(['Отчёт', 'не импортировать']);
    expect(await collect(reader.rows)).toEqual([]);
  });

  it('resumes after a committed row', async () => {
    const reader = await readXlsx(workbookPath, { sheet: 'Клиенты', afterRow: 2 });
    expect((await collect(reader.rows)).map((r) => r.rowNumber)).toEqual([3]);
  });

  it.each([5, 'Нет такого'])('reports a missing sheet %s as a typed error', async (sheet) => {
    await expect(readXlsx(workbookPath, { sheet })).rejects.toMatchObject({ code: 'sheet_not_found' });
  });

  it('reports a ZIP without worksheets as unreadable', async () => {
    const path = join(directory, 'not-a-workbook.xlsx');
    // An empty ZIP: just the end-of-central-directory record.
    await writeFile(path, Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)]));
    await expect(readXlsx(path)).rejects.toMatchObject({ code: 'xlsx_unreadable' });
  });

  it('reports a broken workbook as a typed error', async () => {
    const path = join(directory, 'broken.xlsx');
    await writeFile(path, Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(300, 7)]));
    const error = await readXlsx(path).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ImportReadError);
  });
});

describe('readXlsx progress', () => {
  let bigPath = '';
  let bigSize = 0;

  beforeAll(async () => {
    bigPath = join(directory, 'big.xlsx');
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Клиенты');
    sheet.addRow(['ID', 'ФИО', 'Телефон', 'Город', 'Заметка']);
    for (let i = 1; i <= 4000; i++) {
      sheet.addRow([
        `ID-${i}`,
        `Клиент Номер ${i}`,
        79160000000 + i,
        `Город ${i % 97}`,
        `Заметка ${i * 7919}`,
      ]);
    }
    await workbook.xlsx.writeFile(bigPath);
    bigSize = (await stat(bigPath)).size;
  });

  it('gives each row the bytes of the file behind it, growing to the whole file', async () => {
    const rows = await collect((await readXlsx(bigPath)).rows);
    expect(rows).toHaveLength(4000);
    const bytes = rows.map((r) => r.bytesDone);
    for (let i = 1; i < bytes.length; i++) expect(bytes[i]).toBeGreaterThanOrEqual(bytes[i - 1]!);
    expect(bytes[0]).toBeGreaterThan(0);
    expect(bytes[0]).toBeLessThan(bigSize / 2);
    // Not only at the end: the estimate moves while the sheet is read.
    expect(new Set(bytes).size).toBeGreaterThan(3);
    expect(bytes.at(-1)).toBe(bigSize);
  });

  it('measures a sheet read straight from the zip (shared strings stored first) by the file read', async () => {
    // Numbers compress badly: a file big enough that the zip reader's read-ahead (about 1 MB)
    // does not swallow it whole before the first row.
    const written = join(directory, 'numbers.xlsx');
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: written, useSharedStrings: true });
    const sheet = writer.addWorksheet('Покупки');
    sheet.addRow(['ID', ...Array.from({ length: 8 }, (_, c) => `Сумма ${c + 1}`)]).commit();
    for (let i = 1; i <= 25_000; i++) {
      const sums = Array.from({ length: 8 }, (_, c) => ((i * 2654435761 + c * 40503) % 1000003) / 7);
      sheet.addRow([`ID-${i}`, ...sums]).commit();
    }
    sheet.commit();
    await writer.commit();
    const path = join(directory, 'strings-first.xlsx');
    await writeFile(path, sharedStringsFirst(await readFile(written)));
    const size = (await stat(path)).size;
    const rows = await collect((await readXlsx(path)).rows);
    expect(rows).toHaveLength(25_000);
    const bytes = rows.map((r) => r.bytesDone);
    for (let i = 1; i < bytes.length; i++) expect(bytes[i]).toBeGreaterThanOrEqual(bytes[i - 1]!);
    expect(bytes[0]).toBeLessThan(size);
    expect(bytes.at(-1)).toBe(size);
  });

  it('starts a resumed read from where the rows skipped end', async () => {
    const all = await collect((await readXlsx(bigPath)).rows);
    const resumed = await collect((await readXlsx(bigPath, { afterRow: 3000 })).rows);
    expect(resumed[0]?.rowNumber).toBe(3001);
    expect(resumed[0]?.bytesDone).toBe(all[3000]?.bytesDone);
    expect(resumed[0]?.bytesDone).toBeGreaterThan(bigSize / 2);
  });
});

describe('cellToText', () => {
  it.each([
    [null, ''],
    [42, '42'],
    [0.1 + 0.2, '0.3'],
    [1e-7, '1e-7'],
    [false, 'FALSE'],
    [new Date(Date.UTC(1999, 11, 31)), '1999-12-31'],
    [{ error: '#N/A' }, '#N/A'],
    [{ sharedFormula: 'A1', result: 'текст' }, 'текст'],
    [{ formula: 'NOW()', result: new Date(Date.UTC(2025, 4, 1)) }, '2025-05-01'],
    [{ formula: 'A1' }, ''],
  ])('%j → %j', (value, text) => {
    expect(cellToText(value)).toBe(text);
  });
});

/**
 * The same ZIP with the workbook, its relations, styles and shared strings moved before the
 * worksheets (exceljs writes the strings after them), so a reader knows them all when it meets a
 * sheet and parses it straight from the zip. Entries are copied byte for byte; only their order
 * and the central directory's offsets change.
 */
function sharedStringsFirst(zip: Buffer): Buffer {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  const directoryStart = zip.readUInt32LE(end + 16);
  const entries: { name: string; header: Buffer; offset: number }[] = [];
  for (let at = directoryStart, i = 0; i < count; i++) {
    const nameLength = zip.readUInt16LE(at + 28);
    const size = 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    entries.push({
      name: zip.toString('utf8', at + 46, at + 46 + nameLength),
      header: Buffer.from(zip.subarray(at, at + size)),
      offset: zip.readUInt32LE(at + 42),
    });
    at += size;
  }
  const byOffset = [...entries].sort((a, b) => a.offset - b.offset);
  const record = (e: (typeof entries)[number]) => {
    const next = byOffset[byOffset.indexOf(e) + 1];
    return zip.subarray(e.offset, next ? next.offset : directoryStart);
  };
  const first = ['xl/workbook.xml', 'xl/_rels/workbook.xml.rels', 'xl/styles.xml', 'xl/sharedStrings.xml'];
  const order = [
    ...byOffset.filter((e) => first.includes(e.name)),
    ...byOffset.filter((e) => !first.includes(e.name)),
  ];
  const parts: Buffer[] = [];
  let offset = 0;
  for (const e of order) {
    e.header.writeUInt32LE(offset, 42);
    const data = record(e);
    parts.push(data);
    offset += data.length;
  }
  const tail = Buffer.from(zip.subarray(end));
  tail.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, ...order.map((e) => e.header), tail]);
}
