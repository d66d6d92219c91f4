import { describe, expect, it } from 'vitest';
import type { CustomFieldDefinition } from '../client/custom-fields.ts';
import type { NormalizeClientContext } from '../client/normalize-client.ts';
import type { ImportColumn, ImportField, ImportTarget } from './mapping.ts';
import { IMPORT_CELL_MAX_LENGTH, type RowToClientOptions, rowToClientInput } from './row.ts';

const customFields: CustomFieldDefinition[] = [
  { key: 'size', label: 'Размер', type: 'one_of', options: ['S', 'M', 'L'] },
  { key: 'vip', label: 'VIP', type: 'boolean' },
  { key: 'visits', label: 'Визиты', type: 'number' },
  { key: 'first_visit', label: 'Первый визит', type: 'date' },
];
const context: NormalizeClientContext = {
  defaultRegion: 'RU',
  customFields,
  now: new Date('2026-03-12T10:00:00Z'),
};
const options = (extra: Partial<RowToClientOptions> = {}): RowToClientOptions => ({
  rowNumber: 7,
  context,
  ...extra,
});

const f = (field: ImportField): ImportTarget => ({ kind: 'field', field });
/** A mapping from targets in column order; `null` leaves a column unmapped. */
const mapping = (...targets: (ImportTarget | null)[]): ImportColumn[] =>
  targets.map((target, column) => ({ column, header: `H${column}`, target }));
const codes = (r: { issues: { column: number | null; code: string }[] }) =>
  r.issues.map((i) => `${i.column}:${i.code}`);

const VALID_INN_10 = '7707083893';
const VALID_INN_12 = '500100732259';

describe('rowToClientInput: people', () => {
  it('converts a typical row of a bought list', () => {
    const m = mapping(
      f('fullName'),
      { kind: 'phone' },
      { kind: 'phone' },
      { kind: 'email' },
      f('birthday'),
      f('city'),
      f('tags'),
      { kind: 'custom', key: 'size' },
      { kind: 'custom', key: 'vip' },
      { kind: 'custom', key: 'visits' },
      { kind: 'custom', key: 'first_visit' },
      f('externalId'),
      null,
    );
    const row = [
      '  Фёдоров  Иван Петрович ',
      '8 (916) 123-45-67',
      '+7 495 123 45 67',
      'Ivan@Пример.РФ',
      '17.05.1990',
      ' Москва',
      'vip; опт, vip',
      'm',
      'да',
      '1 234',
      '33010',
      'A-17',
      'whatever is not mapped',
    ];
    const r = rowToClientInput(row, m, options({ source: { channel: 'import' } }));
    expect(r.issues).toEqual([]);
    expect(r.input).toEqual({
      kind: 'person',
      lastName: 'Фёдоров',
      firstName: 'Иван',
      patronymic: 'Петрович',
      birthday: '1990-05-17',
      phones: [{ number: '8 (916) 123-45-67' }, { number: '+7 495 123 45 67' }],
      emails: [{ address: 'Ivan@Пример.РФ' }],
      city: 'Москва',
      tags: ['vip', 'опт'],
      custom: { size: 'M', vip: true, visits: 1234, first_visit: '1990-05-17' },
      externalId: 'A-17',
      source: { channel: 'import' },
    });
    expect(r.client).toMatchObject({
      displayName: 'Фёдоров Иван Петрович',
      phones: [
        { e164: '+79161234567', type: 'mobile' },
        { e164: '+74951234567', type: 'other' },
      ],
      emails: [{ address: 'ivan@xn--e1afmkfd.xn--p1ai' }],
      source: { channel: 'import' },
    });
  });

  it('takes separate name columns over a full name, filling only the missing parts from it', () => {
    const m = mapping(f('lastName'), f('firstName'), f('fullName'));
    const r = rowToClientInput(['Петрова', '', 'Петрова Анна Сергеевна'], m, options());
    expect(r.input).toMatchObject({ lastName: 'Петрова', firstName: 'Анна', patronymic: 'Сергеевна' });
  });

  it.each([['17.05.1990'], ['1990-05-17'], ['17/05/1990'], ['33010'], ['1990-05-17 00:00:00']])(
    'reads the birthday %s',
    (text) => {
      const r = rowToClientInput(['Иванов Иван', text], mapping(f('fullName'), f('birthday')), options());
      expect(r.input).toMatchObject({ birthday: '1990-05-17' });
    },
  );

  it('splits several numbers written in one phone cell', () => {
    const r = rowToClientInput(
      ['Иванов Иван', '+7 916 123-45-67; 8 495 123-45-67'],
      mapping(f('fullName'), { kind: 'phone', type: 'work' }),
      options(),
    );
    expect(r.input?.phones).toEqual([
      { number: '+7 916 123-45-67', type: 'work' },
      { number: '8 495 123-45-67', type: 'work' },
    ]);
  });

  it('keeps formula-looking cells as text, and reads a +7 cell as a phone', () => {
    const m = mapping(f('lastName'), f('firstName'), f('city'), f('address'), f('externalId'), {
      kind: 'phone',
    });
    const row = [
      '=Иванов',
      '@Иван',
      '-Москва',
      '=HYPERLINK("http://evil","click")',
      '+12',
      '+7 916 123-45-67',
    ];
    const r = rowToClientInput(row, m, options());
    expect(r.issues).toEqual([]);
    expect(r.input).toMatchObject({
      lastName: '=Иванов',
      firstName: '@Иван',
      city: '-Москва',
      address: '=HYPERLINK("http://evil","click")',
      externalId: '+12',
    });
    expect(r.client?.phones[0]?.e164).toBe('+79161234567');
  });
});

describe('rowToClientInput: companies', () => {
  it('detects a company by its legal name', () => {
    const m = mapping(f('legalName'), f('inn'), f('kpp'), { kind: 'email' });
    const r = rowToClientInput(
      ['ООО «Ромашка»', VALID_INN_10, '773601001', 'info@romashka.ru'],
      m,
      options(),
    );
    expect(r.issues).toEqual([]);
    expect(r.input).toEqual({
      kind: 'company',
      legalName: 'ООО «Ромашка»',
      inn: VALID_INN_10,
      kpp: '773601001',
      emails: [{ address: 'info@romashka.ru' }],
    });
  });

  it('detects a company by a 10-digit INN, and asks for its name', () => {
    const r = rowToClientInput([VALID_INN_10, ''], mapping(f('inn'), f('legalName')), options());
    expect(codes(r)).toEqual(['1:required']);
  });

  it('keeps a 12-digit INN with a legal name as a company (sole proprietor)', () => {
    const r = rowToClientInput(['ИП Иванов', VALID_INN_12], mapping(f('legalName'), f('inn')), options());
    expect(r.input).toMatchObject({ kind: 'company', inn: VALID_INN_12 });
  });

  it('uses defaultKind when the row does not tell', () => {
    const m = mapping(f('legalName'), { kind: 'phone' });
    const r = rowToClientInput(['', '+7 916 123-45-67'], m, options({ defaultKind: 'company' }));
    expect(codes(r)).toEqual(['0:required']);
  });
});

describe('rowToClientInput: issues', () => {
  const m = mapping(f('fullName'), { kind: 'phone' }, { kind: 'phone' }, { kind: 'email' }, f('birthday'));

  it('names row, column, header and value of an invalid cell', () => {
    const r = rowToClientInput(['Иванов Иван', '+7 916 123-45-67', ' 12345 ', 'x', ''], m, options());
    expect(r.input).toBeNull();
    expect(r.issues).toEqual([
      {
        row: 7,
        column: 2,
        header: 'H2',
        value: '12345',
        code: 'phone_invalid',
        message: 'Not a valid phone number: 12345',
      },
      expect.objectContaining({ row: 7, column: 3, header: 'H3', value: 'x', code: 'email_invalid' }),
    ]);
  });

  it.each<[string, ImportColumn[], string[], string[]]>([
    ['birthday in another format', m, ['Иванов Иван', '', '', '', '05/17/1990'], ['4:birthday_format']],
    ['birthday in the future', m, ['Иванов Иван', '', '', '', '01.01.2030'], ['4:birthday_future']],
    ['birthday before 1900', m, ['Иванов Иван', '', '', '', '01.01.1800'], ['4:birthday_invalid']],
    ['a full name of one word', m, ['Иванов', '', '', '', ''], ['0:required']],
    [
      'no name column at all',
      mapping({ kind: 'phone' }),
      ['+7 916 123-45-67'],
      ['null:required', 'null:required'],
    ],
    [
      'a wrong INN check digit',
      mapping(f('legalName'), f('inn'), f('kpp')),
      ['ООО Ромашка', '7707083890', '77360100'],
      ['1:inn_checksum', '2:kpp_format'],
    ],
    [
      'company data on a person',
      mapping(f('fullName'), f('legalName')),
      ['Иванов Иван', 'ООО Ромашка'],
      ['1:not_applicable'],
    ],
    [
      'a field mapped twice',
      mapping(f('fullName'), f('city'), f('city')),
      ['Иванов Иван', 'Москва', 'Тверь'],
      ['2:column_duplicate_target'],
    ],
    [
      'a name longer than the field',
      mapping(f('lastName'), f('firstName')),
      ['Я'.repeat(201), 'Иван'],
      ['0:too_big'],
    ],
    [
      'a huge cell',
      mapping(f('fullName'), f('address')),
      ['Иванов Иван', 'x'.repeat(IMPORT_CELL_MAX_LENGTH + 1)],
      ['1:cell_too_long'],
    ],
    [
      'binary junk',
      mapping(f('fullName'), f('city')),
      ['Иванов Иван', 'Мос\u0000ква'],
      ['1:cell_invalid_characters'],
    ],
    [
      'a lone surrogate',
      mapping(f('fullName'), f('city')),
      ['Иванов Иван', 'a\uD800b'],
      ['1:cell_invalid_characters'],
    ],
    [
      'too many phones in a cell',
      mapping(f('fullName'), { kind: 'phone' }),
      ['Иванов Иван', Array.from({ length: 21 }, () => '+7 916 123-45-67').join(',')],
      ['1:too_many_values'],
    ],
    [
      'custom values of the wrong type',
      mapping(
        f('fullName'),
        { kind: 'custom', key: 'visits' },
        { kind: 'custom', key: 'vip' },
        { kind: 'custom', key: 'first_visit' },
        { kind: 'custom', key: 'size' },
        { kind: 'custom', key: 'colour' },
      ),
      ['Иванов Иван', 'много', 'может быть', '31.02.2020', 'XXL', 'red'],
      ['1:custom_type', '2:custom_type', '3:custom_type', '4:custom_option', '5:custom_unknown'],
    ],
    ['an empty row', m, ['', ' ', '', '', ''], ['null:row_empty']],
    ['a row shorter than the mapping', m, [], ['null:row_empty']],
  ])('%s', (_name, mapping, row, expected) => {
    const r = rowToClientInput(row, mapping, options());
    expect(codes(r)).toEqual(expected);
    expect(r.input).toBeNull();
    expect(r.issues.every((i) => i.row === 7)).toBe(true);
  });

  it('reports a required custom field at its column, or at the row when unmapped', () => {
    const ctx = {
      ...context,
      customFields: [{ key: 'segment', label: 'Сегмент', type: 'text' as const, required: true }],
    };
    const mapped = rowToClientInput(
      ['Иванов Иван', ''],
      mapping(f('fullName'), { kind: 'custom', key: 'segment' }),
      options({ context: ctx }),
    );
    expect(codes(mapped)).toEqual(['1:custom_required']);
    const unmapped = rowToClientInput(['Иванов Иван'], mapping(f('fullName')), options({ context: ctx }));
    expect(codes(unmapped)).toEqual(['null:custom_required']);
  });

  it('shows a long or binary value short and printable', () => {
    const r = rowToClientInput(
      ['Иванов Иван', `\u0000${'z'.repeat(IMPORT_CELL_MAX_LENGTH)}`],
      mapping(f('fullName'), f('city')),
      options(),
    );
    expect(r.issues[0]?.value).toMatch(/^\uFFFDz+…$/u);
    expect(r.issues[0]?.value.length).toBeLessThan(250);
  });
});

describe('rowToClientInput: partial rows', () => {
  const m = mapping(f('fullName'), { kind: 'phone' }, { kind: 'phone' }, { kind: 'email' });
  const row = ['Иванов Иван', '+7 916 123-45-67', '12345', 'not-an-email'];

  it('rejects a row with an invalid cell by default', () => {
    const r = rowToClientInput(row, m, options());
    expect(r.input).toBeNull();
    expect(r.client).toBeNull();
    expect(codes(r)).toEqual(['2:phone_invalid', '3:email_invalid']);
  });

  it('drops the invalid cells and keeps the rest when partial rows are allowed', () => {
    const r = rowToClientInput(row, m, options({ allowPartialRows: true }));
    expect(r.input).toEqual({
      kind: 'person',
      lastName: 'Иванов',
      firstName: 'Иван',
      phones: [{ number: '+7 916 123-45-67' }],
    });
    expect(r.client?.phones.map((p) => p.e164)).toEqual(['+79161234567']);
    expect(codes(r)).toEqual(['2:phone_invalid', '3:email_invalid']);
  });

  it('still rejects the row when what is left is not a client', () => {
    const r = rowToClientInput(['Иванов', '+7 916 123-45-67'], mapping(f('fullName'), { kind: 'phone' }), {
      ...options({ allowPartialRows: true }),
    });
    expect(r.input).toBeNull();
    expect(codes(r)).toEqual(['0:required', 'null:required', 'null:required']);
  });

  it('keeps a person whose company column does not apply', () => {
    const r = rowToClientInput(
      ['Иванов Иван', 'ООО Ромашка'],
      mapping(f('fullName'), f('legalName')),
      options({ allowPartialRows: true }),
    );
    expect(r.input).toEqual({ kind: 'person', lastName: 'Иванов', firstName: 'Иван' });
    expect(codes(r)).toEqual(['1:not_applicable']);
  });
});
