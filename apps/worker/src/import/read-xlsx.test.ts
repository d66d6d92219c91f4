import { mkdtemp, rm, writeFile } from 'node:fs/promises';
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
    const rows = await collect(reader.rows);
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
