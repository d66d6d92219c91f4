import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ZClientInput } from '../client/client.ts';
import type { NormalizeClientContext } from '../client/normalize-client.ts';
import { phoneTypes } from '../vocabulary.ts';
import { type ImportColumn, type ImportTarget, importFields } from './mapping.ts';
import { rowToClientInput } from './row.ts';

const baseContext: NormalizeClientContext = {
  defaultRegion: 'RU',
  customFields: [
    { key: 'size', label: 'Размер', type: 'one_of', options: ['S', 'M', 'L'] },
    { key: 'vip', label: 'VIP', type: 'boolean' },
    { key: 'visits', label: 'Визиты', type: 'number' },
    { key: 'first_visit', label: 'Первый визит', type: 'date' },
    { key: 'note', label: 'Заметка', type: 'text' },
  ],
  now: new Date('2026-03-12T10:00:00Z'),
};

const withRequiredNote: NormalizeClientContext = {
  ...baseContext,
  customFields: baseContext.customFields.map((d) => (d.key === 'note' ? { ...d, required: true } : d)),
};

/** Up to 100k characters built by repeating a short random piece: huge cells cost little to make. */
const hugeString = fc
  .tuple(fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 100_000 }))
  .map(([piece, length]) => piece.repeat(Math.ceil(length / piece.length)).slice(0, length));

const plausibleCell = fc.constantFrom(
  '',
  'Иванов Иван Иванович',
  'Иванов',
  '+7 916 123-45-67',
  '8 (495) 123-45-67; 12345',
  'ivan@example.ru',
  '17.05.1990',
  '33010',
  '7707083893',
  '500100732259',
  '773601001',
  'ООО «Ромашка»',
  'vip, опт',
  '=1+1',
  '@SUM(A1)',
  '-',
  'да',
);

const cell = fc.oneof(
  { arbitrary: fc.string(), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary' }), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme' }), weight: 2 },
  {
    arbitrary: fc.string({ unit: fc.constantFrom('\u0000', '\uD800', '\uDFFF', ',', ';', ' ', '\n') }),
    weight: 1,
  },
  { arbitrary: plausibleCell, weight: 4 },
  { arbitrary: hugeString, weight: 1 },
);

const target: fc.Arbitrary<ImportTarget | null> = fc.oneof(
  fc.constant(null),
  fc.constantFrom(...importFields).map((field): ImportTarget => ({ kind: 'field', field })),
  fc
    .option(fc.constantFrom(...phoneTypes), { nil: undefined })
    .map((type): ImportTarget => (type === undefined ? { kind: 'phone' } : { kind: 'phone', type })),
  fc.constant<ImportTarget>({ kind: 'email' }),
  fc
    .oneof(
      fc.constantFrom('size', 'vip', 'visits', 'first_visit', 'note', '__proto__', 'constructor'),
      fc.string(),
    )
    .map((key): ImportTarget => ({ kind: 'custom', key })),
);

const mappingArb: fc.Arbitrary<ImportColumn[]> = fc.array(
  fc.record({ column: fc.integer({ min: 0, max: 12 }), header: fc.string({ maxLength: 20 }), target }),
  { maxLength: 12 },
);

type Case = {
  row: string[];
  mapping: ImportColumn[];
  allowPartialRows: boolean;
  defaultKind: 'person' | 'company' | undefined;
  rowNumber: number;
  noteRequired: boolean;
};

/** Runs one row and checks the invariants; true when the row was accepted. */
function checkRow(c: Case): boolean {
  const context = c.noteRequired ? withRequiredNote : baseContext;
  const r = rowToClientInput(c.row, c.mapping, {
    rowNumber: c.rowNumber,
    context,
    allowPartialRows: c.allowPartialRows,
    ...(c.defaultKind && { defaultKind: c.defaultKind }),
  });
  for (const issue of r.issues) {
    expect(issue.row).toBe(c.rowNumber);
    expect(issue.code).not.toBe('');
    expect(issue.value.length).toBeLessThanOrEqual(201);
    if (issue.column === null) expect(issue.header).toBeNull();
    else expect(c.mapping.some((m) => m.column === issue.column && m.header === issue.header)).toBe(true);
  }
  if (r.input === null) {
    expect(r.client).toBeNull();
    expect(r.issues.length).toBeGreaterThan(0);
    return false;
  }
  expect(r.client).not.toBeNull();
  expect(ZClientInput.safeParse(r.input).success).toBe(true);
  if (!c.allowPartialRows) expect(r.issues).toEqual([]);
  return true;
}

const caseArb = (rows: fc.Arbitrary<string[]>, mappings: fc.Arbitrary<ImportColumn[]>): fc.Arbitrary<Case> =>
  fc.record({
    row: rows,
    mapping: mappings,
    allowPartialRows: fc.boolean(),
    defaultKind: fc.constantFrom(undefined, 'person' as const, 'company' as const),
    rowNumber: fc.integer({ min: 1, max: 10_000_000 }),
    noteRequired: fc.boolean(),
  });

/** A mapping as `suggestMapping` makes for a usual file, so that many generated rows are valid. */
const usualMapping: ImportColumn[] = [
  { column: 0, header: 'ФИО', target: { kind: 'field', field: 'fullName' } },
  { column: 1, header: 'Телефон', target: { kind: 'phone' } },
  { column: 2, header: 'Телефон 2', target: { kind: 'phone' } },
  { column: 3, header: 'E-mail', target: { kind: 'email' } },
  { column: 4, header: 'Дата рождения', target: { kind: 'field', field: 'birthday' } },
  { column: 5, header: 'Метки', target: { kind: 'field', field: 'tags' } },
  { column: 6, header: 'Заметка', target: { kind: 'custom', key: 'note' } },
];
const mostlyPlausibleCell = fc.oneof({ arbitrary: plausibleCell, weight: 8 }, { arbitrary: cell, weight: 1 });
const usualRow = fc.tuple(
  fc.oneof({ arbitrary: fc.constantFrom('Иванов Иван', 'Петрова Анна Сергеевна'), weight: 8 }, cell),
  ...Array.from({ length: 6 }, () => mostlyPlausibleCell),
);

describe('rowToClientInput on hostile input', () => {
  it('never throws, and every issue names the row and a real column, for any row and mapping', () => {
    fc.assert(
      fc.property(caseArb(fc.array(cell, { maxLength: 12 }), mappingArb), (c) => {
        checkRow(c);
      }),
      { numRuns: 400 },
    );
  }, 60_000);

  it('keeps the same promises on usual files, where many rows are accepted', () => {
    let accepted = 0;
    fc.assert(
      fc.property(caseArb(usualRow, fc.constant(usualMapping)), (c) => {
        if (checkRow(c)) accepted++;
      }),
      { numRuns: 400 },
    );
    // The generators are worth something only if rows make it through as well as fail.
    expect(accepted).toBeGreaterThan(20);
  }, 60_000);
});
