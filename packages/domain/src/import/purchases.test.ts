import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type PurchaseField,
  parseImportDateTime,
  parsePurchaseMapping,
  rowToPurchaseLine,
  suggestPurchaseMapping,
  toMinorUnits,
} from './purchases.ts';

const retailHeaders = [
  'InvoiceNo',
  'StockCode',
  'Description',
  'Quantity',
  'InvoiceDate',
  'UnitPrice',
  'CustomerID',
  'Country',
];
const retailMapping = suggestPurchaseMapping(retailHeaders);
const retailRow = (overrides: Partial<Record<number, string>> = {}) => {
  const row = [
    '536365',
    '85123A',
    'WHITE HANGING HEART T-LIGHT HOLDER',
    '6',
    '2010-12-01 08:26:00',
    '2.55',
    '17850.0',
    'United Kingdom',
  ];
  for (const [i, v] of Object.entries(overrides)) row[Number(i)] = v ?? '';
  return row;
};

describe('suggestPurchaseMapping', () => {
  it('maps the Online Retail headers', () => {
    expect(retailMapping.map((c) => c.target)).toEqual([
      'invoice',
      'sku',
      'description',
      'quantity',
      'date',
      'unitPrice',
      'clientExternalId',
      'country',
    ]);
  });

  it.each<[string, PurchaseField | null]>([
    ['Номер заказа', 'invoice'],
    ['Сумма', 'amount'],
    ['Дата', 'date'],
    ['Код клиента', 'clientExternalId'],
    ['Покупатель', 'clientName'],
    ['Артикул', 'sku'],
    ['Кол-во', 'quantity'],
    ['Цена (руб.)', 'unitPrice'],
    ['Валюта', 'currency'],
    ['Город', 'city'],
    ['Комментарий', null],
  ])('%s → %s', (header, target) => {
    expect(suggestPurchaseMapping([header])[0]?.target).toBe(target);
  });

  it('gives a target to the first column naming it only', () => {
    expect(suggestPurchaseMapping(['Дата', 'Date']).map((c) => c.target)).toEqual(['date', null]);
  });
});

describe('parsePurchaseMapping', () => {
  it('accepts a suggested mapping', () => {
    expect(parsePurchaseMapping(retailMapping).ok).toBe(true);
  });

  it.each([
    ['no customer id', retailMapping.filter((c) => c.target !== 'clientExternalId'), 'customer id'],
    ['no date', retailMapping.filter((c) => c.target !== 'date'), 'date'],
    ['no price', retailMapping.filter((c) => c.target !== 'unitPrice'), 'price'],
  ])('refuses a mapping with %s', (_name, mapping, word) => {
    const parsed = parsePurchaseMapping(mapping);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.map((e) => e.message).join(' ')).toContain(word);
  });

  it('names the entry of a target filled twice', () => {
    const parsed = parsePurchaseMapping([...retailMapping, { column: 8, header: 'Date 2', target: 'date' }]);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.map((e) => e.field)).toContain('8.target');
  });

  it('names the field of a wrong target', () => {
    const parsed = parsePurchaseMapping([{ column: 0, header: 'x', target: 'nope' }]);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.map((e) => e.field)).toContain('0.target');
  });
});

describe('parseImportDateTime', () => {
  it.each([
    ['2010-12-01 08:26:00', '2010-12-01T08:26:00Z'],
    ['2010-12-01T08:26', '2010-12-01T08:26:00Z'],
    ['01.12.2010 8:26', '2010-12-01T08:26:00Z'],
    ['01.12.2010', '2010-12-01T00:00:00Z'],
    ['40513.5', '2010-12-01T12:00:00Z'],
    ['40513', '2010-12-01T00:00:00Z'],
    ['2010-02-30 10:00', null],
    ['2010-12-01 24:00', null],
    ['вчера', null],
    ['', null],
  ])('%s → %s', (text, expected) => {
    expect(parseImportDateTime(text)).toBe(expected);
  });
});

describe('toMinorUnits', () => {
  it.each([
    [2.55, 255],
    [0.29, 29],
    [1.005, 101],
    [1234.5, 123450],
  ])('%s → %s', (value, minor) => {
    expect(toMinorUnits(value)).toBe(minor);
  });
});

describe('rowToPurchaseLine', () => {
  it('reads an invoice line', () => {
    expect(rowToPurchaseLine(retailRow(), retailMapping, { rowNumber: 2 })).toEqual({
      line: {
        row: 2,
        clientExternalId: '17850',
        clientName: null,
        invoice: '536365',
        at: '2010-12-01T08:26:00Z',
        currency: null,
        sku: '85123A',
        name: 'WHITE HANGING HEART T-LIGHT HOLDER',
        quantity: 6,
        priceKopecks: 255,
        amountKopecks: 1530,
        country: 'United Kingdom',
        city: null,
      },
      isReturn: false,
      issues: [],
    });
  });

  it('reads a one-row order in Russian', () => {
    const mapping = suggestPurchaseMapping(['Номер заказа', 'Дата', 'Сумма', 'Код клиента', 'Валюта']);
    const { line, issues } = rowToPurchaseLine(['A-17', '17.05.2024', '1 234,50', 'K-001', 'руб.'], mapping, {
      rowNumber: 5,
    });
    expect(issues).toEqual([]);
    expect(line).toMatchObject({
      invoice: 'A-17',
      at: '2024-05-17T00:00:00Z',
      quantity: 1,
      priceKopecks: 123450,
      amountKopecks: 123450,
      clientExternalId: 'K-001',
      currency: 'RUB',
      name: '',
    });
  });

  it.each([
    ['a C invoice', { 0: 'C536379', 3: '-1' }, 'quantity'],
    ['a C invoice with a positive quantity', { 0: 'C536379' }, 'invoice'],
    ['a negative quantity', { 3: '-5' }, 'quantity'],
  ])('reports %s as a return, not imported', (_name, overrides, header) => {
    const result = rowToPurchaseLine(retailRow(overrides), retailMapping, { rowNumber: 7 });
    expect(result.line).toBeNull();
    expect(result.isReturn).toBe(true);
    expect(result.issues).toEqual([
      expect.objectContaining({
        row: 7,
        code: 'purchase_return',
        header: header === 'quantity' ? 'Quantity' : 'InvoiceNo',
      }),
    ]);
  });

  it.each([
    ['no customer', { 6: '' }, 'client_required', 'CustomerID'],
    ['a bad date', { 4: '2010-13-01 10:00' }, 'date_format', 'InvoiceDate'],
    ['no date', { 4: '' }, 'date_required', 'InvoiceDate'],
    ['a word as price', { 5: 'free' }, 'price_invalid', 'UnitPrice'],
    ['a negative price', { 5: '-11062.06' }, 'price_invalid', 'UnitPrice'],
    ['a word as quantity', { 3: 'six' }, 'quantity_invalid', 'Quantity'],
    ['a zero quantity', { 3: '0' }, 'quantity_invalid', 'Quantity'],
    ['control characters', { 2: 'A\u0000B' }, 'cell_invalid', 'Description'],
    ['a quantity past the limit', { 3: '99999999999999999999' }, 'quantity_invalid', 'Quantity'],
    ['a line total past the limit', { 3: '1000000', 5: '99999999' }, 'amount_too_large', 'Quantity'],
    ['a formula-looking id', { 6: '=HYPERLINK("x")', 4: 'x' }, 'date_format', 'InvoiceDate'],
  ])('rejects a row with %s, naming the column', (_name, overrides, code, header) => {
    const result = rowToPurchaseLine(retailRow(overrides), retailMapping, { rowNumber: 3 });
    expect(result.line).toBeNull();
    expect(result.isReturn).toBe(false);
    expect(result.issues).toContainEqual(expect.objectContaining({ row: 3, code, header }));
  });

  it('keeps a formula-looking cell as text', () => {
    const { line } = rowToPurchaseLine(retailRow({ 2: '=SUM(A1)', 6: '+7123' }), retailMapping, {
      rowNumber: 4,
    });
    expect(line).toMatchObject({ name: '=SUM(A1)', clientExternalId: '+7123' });
  });

  it('reports an empty row as such', () => {
    const result = rowToPurchaseLine(['', '', ''], retailMapping, { rowNumber: 9 });
    expect(result.issues).toEqual([expect.objectContaining({ code: 'row_empty', column: null })]);
  });

  it('takes the amount of a line when given with the quantity', () => {
    const mapping = suggestPurchaseMapping(['Order', 'Date', 'Customer ID', 'Quantity', 'Amount']);
    const { line } = rowToPurchaseLine(['1', '2024-01-02', '9', '3', '10'], mapping, { rowNumber: 2 });
    expect(line).toMatchObject({ quantity: 3, amountKopecks: 1000, priceKopecks: 333 });
  });
});

describe('rowToPurchaseLine on hostile input', () => {
  const cell = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom(
      '',
      'C1',
      '-3',
      '0',
      '2.55',
      '1 234,50',
      '17850.0',
      '2010-12-01 08:26:00',
      '31.02.2020',
      '=1+1',
      '£5',
    ),
    fc.integer({ min: 1, max: 600 }).map((n) => 'x'.repeat(n)),
  );

  it('never throws, and either stores a line or says why not', () => {
    fc.assert(
      fc.property(fc.array(cell, { maxLength: 10 }), (row) => {
        const result = rowToPurchaseLine(row, retailMapping, { rowNumber: 2 });
        expect(result.line === null).toBe(result.issues.length > 0);
        if (result.line) {
          expect(Number.isSafeInteger(result.line.amountKopecks)).toBe(true);
          expect(result.line.amountKopecks).toBeGreaterThanOrEqual(0);
          expect(result.line.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
        }
        for (const i of result.issues) expect(i.value.length).toBeLessThanOrEqual(200);
      }),
      { numRuns: 2_000 },
    );
  });
});
