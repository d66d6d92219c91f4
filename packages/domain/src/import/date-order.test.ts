import { describe, expect, it } from 'vitest';
import type { NormalizeClientContext } from '../client/normalize-client.ts';
import { type DateOrder, decisiveDateOrder, inferDateOrder, parseImportDate } from './cells.ts';
import {
  type ImportColumn,
  mappingDateOrder,
  parseImportMapping,
  reuseMapping,
  suggestMapping,
  withDateOrder,
} from './mapping.ts';
import {
  type PurchaseColumn,
  parseImportDateTime,
  parsePurchaseMapping,
  reusePurchaseMapping,
  rowToPurchaseLine,
  suggestPurchaseMapping,
} from './purchases.ts';
import { rowToClientInput } from './row.ts';

describe('inferDateOrder', () => {
  it.each<[string, string[], DateOrder]>([
    ['a day above 12 first', ['05/06/2010', '13/12/2010'], 'dmy'],
    ['a day above 12 second', ['05/06/2010', '12/13/2010'], 'mdy'],
    ['dots read the same way', ['12.13.2010'], 'mdy'],
    ['one digit parts', ['1/31/1990'], 'mdy'],
    ['with a time after the date', ['12/1/2010 8:26', '12/13/2010 8:26'], 'mdy'],
    ['with seconds and a T', ['13/12/2010T08:26:00'], 'dmy'],
    ['only ambiguous dates', ['05/06/2010', '12/12/2010', '1/2/2010 10:00'], 'dmy'],
    ['ISO dates say nothing', ['2010-12-13', '2010-12-13 08:26:00', '2010-01-02T10:00'], 'dmy'],
    ['ISO dates beside a US one', ['2010-12-13', '12/13/2010'], 'mdy'],
    ['no values', [], 'dmy'],
    ['text and empty cells', ['', 'не указана', '40513', 'N/A'], 'dmy'],
    ['evidence both ways: the Russian order', ['12/13/2010', '13/12/2010'], 'dmy'],
    ['a first number that is no day at all', ['45/06/2010'], 'dmy'],
    ['a two-digit year is not a date', ['12/13/10'], 'dmy'],
  ])('%s → %s', (_, values, order) => {
    expect(inferDateOrder(values)).toBe(order);
  });

  it('tells undecided from decided', () => {
    expect(decisiveDateOrder(['05/06/2010'])).toBeNull();
    expect(decisiveDateOrder(['13/06/2010'])).toBe('dmy');
    expect(decisiveDateOrder(['06/13/2010'])).toBe('mdy');
  });
});

describe('parseImportDate in either order', () => {
  it.each<[string, DateOrder, string | null]>([
    ['05/06/2010', 'dmy', '2010-06-05'],
    ['05/06/2010', 'mdy', '2010-05-06'],
    ['12/13/2010', 'mdy', '2010-12-13'],
    ['12/13/2010', 'dmy', null],
    ['13/12/2010', 'mdy', null],
    ['2/29/2024', 'mdy', '2024-02-29'],
    ['2/29/2023', 'mdy', null],
    ['12.13.2010', 'mdy', '2010-12-13'],
    ['12/13/2010 00:00:00', 'mdy', '2010-12-13'],
    ['2010-12-13', 'mdy', '2010-12-13'],
    ['2010-12-13', 'dmy', '2010-12-13'],
    ['40525', 'mdy', '2010-12-13'],
  ])('%s read %s → %s', (text, order, iso) => {
    expect(parseImportDate(text, order)).toBe(iso);
  });
});

describe('parseImportDateTime in either order', () => {
  it.each<[string, DateOrder, string | null]>([
    ['12/1/2010 8:26', 'mdy', '2010-12-01T08:26:00Z'],
    ['12/1/2010 8:26', 'dmy', '2010-01-12T08:26:00Z'],
    ['12/13/2010 8:26', 'mdy', '2010-12-13T08:26:00Z'],
    ['12/13/2010 8:26', 'dmy', null],
    ['12/13/2010 23:59:59', 'mdy', '2010-12-13T23:59:59Z'],
    ['12/13/2010', 'mdy', '2010-12-13T00:00:00Z'],
    ['2010-12-01 08:26:00', 'mdy', '2010-12-01T08:26:00Z'],
    ['40513.5', 'mdy', '2010-12-01T12:00:00Z'],
  ])('%s read %s → %s', (text, order, iso) => {
    expect(parseImportDateTime(text, order)).toBe(iso);
  });
});

describe('a mapping carries its date order', () => {
  const columns: ImportColumn[] = [
    { column: 0, header: 'ФИО', target: { kind: 'field', field: 'fullName' } },
    { column: 1, header: 'Заметка', target: null },
  ];

  it('on each column; dmy, the default, is written as nothing', () => {
    const mdy = withDateOrder(columns, 'mdy');
    expect(mdy.map((c) => c.dateOrder)).toEqual(['mdy', 'mdy']);
    expect(mappingDateOrder(mdy)).toBe('mdy');
    expect(withDateOrder(mdy, 'dmy')).toEqual(columns);
    expect(mappingDateOrder(columns)).toBe('dmy');
  });

  it('is accepted by both schemas, and a bad value names the column', () => {
    expect(parseImportMapping(withDateOrder(columns, 'mdy'))).toMatchObject({ ok: true });
    const purchase: PurchaseColumn[] = [
      { column: 0, header: 'Customer', target: 'clientExternalId', dateOrder: 'mdy' },
      { column: 1, header: 'Date', target: 'date', dateOrder: 'mdy' },
      { column: 2, header: 'Total', target: 'amount', dateOrder: 'mdy' },
    ];
    expect(parsePurchaseMapping(purchase)).toMatchObject({ ok: true });
    const bad = parseImportMapping([{ ...columns[0], dateOrder: 'ymd' }]);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.map((i) => i.field)).toEqual(['0.dateOrder']);
  });
});

describe('suggestMapping and suggestPurchaseMapping infer the order from the sample', () => {
  // Cyrillic or English headers: only the values of the date columns decide.
  const clientHeaders = ['Ф.И.О.', 'Дата рождения', 'Телефон', 'Заметка'];
  const clientSample = [
    ['Иванов Иван', '05/06/1990', '+79161234567', '12/13/2010'],
    ['Петров Пётр', '12/31/1985', '', ''],
  ];

  it.each<[string, string[][], DateOrder]>([
    ['a US birthday', clientSample, 'mdy'],
    ['a Russian birthday', [['Иванов Иван', '31/12/1985', '', '12/13/2010']], 'dmy'],
    ['only ambiguous birthdays (an unmapped column does not count)', [clientSample[0]!], 'dmy'],
    ['no sample', [], 'dmy'],
  ])('clients: %s → %s', (_, sample, order) => {
    const mapping = suggestMapping(clientHeaders, [], sample);
    expect(mappingDateOrder(mapping)).toBe(order);
    expect(mapping.map((c) => c.target?.kind ?? null)).toEqual(['field', 'field', 'phone', null]);
  });

  it('clients: a custom field column counts too', () => {
    const mapping = suggestMapping(
      ['ФИО', 'Первый визит'],
      [{ key: 'first_visit', label: 'Первый визит' }],
      [['Иванов Иван', '3/20/2021']],
    );
    expect(mappingDateOrder(mapping)).toBe('mdy');
  });

  it.each<[string, string[], string[][], DateOrder]>([
    [
      'US invoice dates with a time',
      ['InvoiceNo', 'InvoiceDate', 'CustomerID', 'UnitPrice'],
      [['1', '12/13/2010 8:26', '17850', '2.55']],
      'mdy',
    ],
    [
      'Russian dates',
      ['Номер заказа', 'Дата', 'Код клиента', 'Сумма'],
      [['1', '13.12.2010', '17850', '100']],
      'dmy',
    ],
    [
      'ISO dates',
      ['Номер заказа', 'Дата', 'Код клиента', 'Сумма'],
      [['1', '2010-12-13 08:26', '17850', '100']],
      'dmy',
    ],
    [
      'a US date in another column only',
      ['Заказ', 'Дата', 'Код клиента', 'Сумма'],
      [['12/13/2010', '05.06.2010', '1', '1']],
      'dmy',
    ],
  ])('purchases: %s → %s', (_, headers, sample, order) => {
    expect(mappingDateOrder(suggestPurchaseMapping(headers, sample))).toBe(order);
  });
});

describe('converting a row reads dates in the mapping order', () => {
  const context: NormalizeClientContext = {
    defaultRegion: 'RU',
    customFields: [{ key: 'first_visit', label: 'Первый визит', type: 'date' }],
    now: new Date('2026-03-12T10:00:00Z'),
  };
  const clientMapping = (order: DateOrder): ImportColumn[] =>
    withDateOrder(
      [
        { column: 0, header: 'ФИО', target: { kind: 'field', field: 'fullName' } },
        { column: 1, header: 'Дата рождения', target: { kind: 'field', field: 'birthday' } },
        { column: 2, header: 'Первый визит', target: { kind: 'custom', key: 'first_visit' } },
      ],
      order,
    );
  const convert = (cells: string[], order: DateOrder) =>
    rowToClientInput(cells, clientMapping(order), { rowNumber: 2, context });

  it.each<[string, string, DateOrder, string, string]>([
    ['05/06/1990', '1/2/2020', 'dmy', '1990-06-05', '2020-02-01'],
    ['05/06/1990', '1/2/2020', 'mdy', '1990-05-06', '2020-01-02'],
    ['12/31/1985', '3/20/2021', 'mdy', '1985-12-31', '2021-03-20'],
    ['1985-12-31', '2021-03-20', 'mdy', '1985-12-31', '2021-03-20'],
  ])('birthday %s, visit %s read %s', (birthday, visit, order, isoBirthday, isoVisit) => {
    const result = convert(['Иванов Иван', birthday, visit], order);
    expect(result.issues).toEqual([]);
    expect(result.input).toMatchObject({ birthday: isoBirthday, custom: { first_visit: isoVisit } });
  });

  it('a date that does not fit the order is an issue saying which order', () => {
    const us = convert(['Иванов Иван', '31/12/1985', ''], 'mdy');
    expect(us.issues.map((i) => [i.column, i.code, i.message])).toEqual([
      [1, 'birthday_format', 'Birthday must be mm/dd/yyyy or yyyy-mm-dd (the file is read month first)'],
    ]);
    const ru = convert(['Иванов Иван', '12/31/1985', ''], 'dmy');
    expect(ru.issues.map((i) => [i.column, i.code])).toEqual([[1, 'birthday_format']]);
  });

  const purchaseMapping = (order: DateOrder) =>
    withDateOrder(suggestPurchaseMapping(['InvoiceNo', 'InvoiceDate', 'CustomerID', 'UnitPrice']), order);

  it.each<[string, DateOrder, string]>([
    ['12/1/2010 8:26', 'mdy', '2010-12-01T08:26:00Z'],
    ['12/1/2010 8:26', 'dmy', '2010-01-12T08:26:00Z'],
    ['12/13/2010 8:26', 'mdy', '2010-12-13T08:26:00Z'],
    ['2010-12-13 08:26', 'mdy', '2010-12-13T08:26:00Z'],
  ])('purchase date %s read %s → %s', (date, order, at) => {
    const result = rowToPurchaseLine(['536365', date, '17850', '2.55'], purchaseMapping(order), {
      rowNumber: 2,
    });
    expect(result.issues).toEqual([]);
    expect(result.line?.at).toBe(at);
  });

  it('a purchase date that does not fit the order is a date_format issue', () => {
    const result = rowToPurchaseLine(['536365', '12/13/2010 8:26', '17850', '2.55'], purchaseMapping('dmy'), {
      rowNumber: 2,
    });
    expect(result.issues.map((i) => [i.column, i.code])).toEqual([[1, 'date_format']]);
  });
});

describe('reusing a saved mapping keeps its order unless the new sample decides', () => {
  const saved = withDateOrder(suggestMapping(['ФИО', 'Дата рождения']), 'mdy');
  const savedPurchases = withDateOrder(
    suggestPurchaseMapping(['InvoiceNo', 'InvoiceDate', 'CustomerID', 'UnitPrice']),
    'mdy',
  );

  it.each<[string, string[][], DateOrder]>([
    ['no sample', [], 'mdy'],
    ['ambiguous dates', [['Иванов Иван', '05/06/1990']], 'mdy'],
    ['dates that are surely day first', [['Иванов Иван', '31/12/1985']], 'dmy'],
  ])('clients, %s → %s', (_, sample, order) => {
    expect(
      mappingDateOrder(
        reuseMapping(
          saved,
          ['Дата рождения', 'ФИО'],
          [],
          sample.map((r) => [r[1]!, r[0]!]),
        ),
      ),
    ).toBe(order);
  });

  it.each<[string, string[][], DateOrder]>([
    ['no sample', [], 'mdy'],
    ['dates that are surely day first', [['1', '31.12.2010 10:00', '5', '1']], 'dmy'],
  ])('purchases, %s → %s', (_, sample, order) => {
    const headers = ['InvoiceNo', 'InvoiceDate', 'CustomerID', 'UnitPrice'];
    expect(mappingDateOrder(reusePurchaseMapping(savedPurchases, headers, sample))).toBe(order);
  });

  it('a mapping saved before the option reads dates day first', () => {
    const old = suggestMapping(['ФИО', 'Дата рождения']);
    expect(old.some((c) => 'dateOrder' in c)).toBe(false);
    expect(mappingDateOrder(reuseMapping(old, ['ФИО', 'Дата рождения']))).toBe('dmy');
  });
});
