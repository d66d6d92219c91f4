/**
 * Column mapping of an import: which client field each column of a file fills. A mapping is
 * suggested from the headers, corrected by a person, saved and reused for the next file of the
 * same shape, so it has a zod schema and reaches the user's screen as field issues.
 */
import { z } from 'zod';
import { parseWith } from '../client/parse.ts';
import type { FieldIssue, Result } from '../result.ts';
import { phoneTypes } from '../vocabulary.ts';
import { type DateOrder, dateOrders, decisiveDateOrder } from './cells.ts';

/** Client fields a single column fills; at most one column per field (phones, e-mails repeat). */
export const importFields = [
  'fullName',
  'lastName',
  'firstName',
  'patronymic',
  'birthday',
  'legalName',
  'inn',
  'kpp',
  'city',
  'address',
  'tags',
  'externalId',
] as const;
export type ImportField = (typeof importFields)[number];

/** Files wider than this are not client lists; the limit also bounds the work of one row. */
export const IMPORT_COLUMNS_MAX = 1000;
export const HEADER_MAX_LENGTH = 500;

export const ZImportTarget = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('field'), field: z.enum(importFields) }),
  /** Each phone column adds to `phones`; the type, when given, overrides the inferred one. */
  z.strictObject({ kind: z.literal('phone'), type: z.enum(phoneTypes).optional() }),
  z.strictObject({ kind: z.literal('email') }),
  z.strictObject({ kind: z.literal('custom'), key: z.string().min(1).max(63) }),
]);
export type ImportTarget = z.infer<typeof ZImportTarget>;

export const ZDateOrder = z.enum(dateOrders);

/**
 * The file's date order, as a mapping carries it: each column may say how its slash and dot dates
 * are read (`dateOrder`, absent: `dmy`), and the editors set one order for every column of a file
 * (`withDateOrder`). A mapping is a list of columns so that saved mappings and every caller keep
 * their shape; the order rides along on the columns.
 */
type DatedColumn = { dateOrder?: DateOrder | undefined };

/** The order a mapping reads dates in: the first column's that states one, `dmy` when none does. */
export function mappingDateOrder(columns: readonly DatedColumn[]): DateOrder {
  return columns.find((c) => c.dateOrder !== undefined)?.dateOrder ?? 'dmy';
}

/**
 * Every column reading dates in `order`. The default `dmy` is written as no `dateOrder` at all,
 * so a mapping in the Russian order is stored exactly as before the option existed.
 */
export function withDateOrder<T extends object>(columns: readonly T[], order: DateOrder): T[] {
  return columns.map((c) => {
    const { dateOrder: _, ...rest } = c as T & DatedColumn;
    return (order === 'dmy' ? rest : { ...rest, dateOrder: order }) as T;
  });
}

/** The cells of the sample rows in the given columns. */
export function columnValues(sample: readonly (readonly string[])[], columns: readonly number[]): string[] {
  return sample.flatMap((row) => columns.map((column) => row[column] ?? ''));
}

export const ZImportColumn = z.strictObject({
  /** Zero-based index of the column in the file. */
  column: z
    .number()
    .int()
    .min(0)
    .max(IMPORT_COLUMNS_MAX - 1),
  header: z.string().max(HEADER_MAX_LENGTH),
  /** Null: the column is ignored. */
  target: ZImportTarget.nullable(),
  /** How the column's dates are read (`mappingDateOrder`); absent: `dmy`. */
  dateOrder: ZDateOrder.optional(),
});
export type ImportColumn = z.infer<typeof ZImportColumn>;

/** A string naming what a target fills, equal for two targets that cannot share a row's value. */
function exclusiveSlot(target: ImportTarget): string | null {
  switch (target.kind) {
    case 'field':
      return `field:${target.field}`;
    case 'custom':
      return `custom:${target.key}`;
    case 'phone':
    case 'email':
      return null;
  }
}

export const ZImportMapping = z
  .array(ZImportColumn)
  .max(IMPORT_COLUMNS_MAX)
  .superRefine((columns, ctx) => {
    const seenColumns = new Set<number>();
    const seenSlots = new Set<string>();
    columns.forEach((c, i) => {
      if (seenColumns.has(c.column)) {
        ctx.addIssue({ code: 'custom', path: [i, 'column'], message: `Column ${c.column} is mapped twice` });
      }
      seenColumns.add(c.column);
      const slot = c.target === null ? null : exclusiveSlot(c.target);
      if (slot === null) return;
      if (seenSlots.has(slot)) {
        ctx.addIssue({ code: 'custom', path: [i, 'target'], message: `Two columns fill ${slot}` });
      }
      seenSlots.add(slot);
    });
  });
export type ImportMapping = z.infer<typeof ZImportMapping>;

export const parseImportMapping = (raw: unknown): Result<ImportMapping, FieldIssue[]> =>
  parseWith(ZImportMapping, raw);

/**
 * `Ф.И.О.`, `ф и о`, `ФИО ` → `фио`: lowercase, ё as е, everything but letters and digits removed,
 * so punctuation and spacing in headers written by hand do not matter.
 */
export function compactHeader(header: string): string {
  // `№` is removed before NFKC, which would spell it `No`.
  return header
    .replaceAll('№', ' ')
    .normalize('NFKC')
    .toLowerCase()
    .replaceAll('ё', 'е')
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

const fieldSynonyms: Record<ImportField, string[]> = {
  fullName: [
    'фио',
    'фамилияимяотчество',
    'фамилияимя',
    'полноеимя',
    'клиент',
    'контактноелицо',
    'fullname',
    'name',
    'clientname',
    'customername',
    'contactname',
  ],
  lastName: ['фамилия', 'lastname', 'surname', 'familyname'],
  firstName: ['имя', 'firstname', 'givenname'],
  patronymic: ['отчество', 'middlename', 'patronymic'],
  birthday: ['датарождения', 'деньрождения', 'др', 'birthday', 'birthdate', 'dateofbirth', 'dob'],
  legalName: [
    'компания',
    'организация',
    'наименование',
    'наименованиеорганизации',
    'названиекомпании',
    'контрагент',
    'юрлицо',
    'company',
    'companyname',
    'organization',
    'organisation',
  ],
  inn: ['инн', 'inn', 'tin', 'taxid'],
  kpp: ['кпп', 'kpp'],
  city: ['город', 'населенныйпункт', 'city', 'town'],
  address: ['адрес', 'почтовыйадрес', 'фактическийадрес', 'address', 'streetaddress'],
  tags: ['теги', 'тег', 'метки', 'метка', 'tags', 'tag', 'labels'],
  externalId: [
    'внешнийid',
    'внешнийид',
    'id',
    'ид',
    'externalid',
    'кодклиента',
    'номерклиента',
    'idклиента',
    'clientid',
    'customerid',
  ],
};

const phoneSynonyms: Record<string, ImportTarget> = Object.fromEntries([
  ...[
    'телефон',
    'тел',
    'номертелефона',
    'контактныйтелефон',
    'доптелефон',
    'телефондоп',
    'дополнительныйтелефон',
    'моб',
    'мобтел',
    'мобтелефон',
    'мобильный',
    'мобильныйтелефон',
    'сотовый',
    'сотовыйтелефон',
    'phone',
    'phonenumber',
    'tel',
    'telephone',
    'mobile',
    'mobilephone',
    'cell',
    'cellphone',
  ].map((s) => [s, { kind: 'phone' }]),
  ...['рабочийтелефон', 'рабтел', 'рабтелефон', 'workphone', 'officephone'].map((s) => [
    s,
    { kind: 'phone', type: 'work' },
  ]),
  ...['домашнийтелефон', 'домтел', 'домтелефон', 'homephone'].map((s) => [
    s,
    { kind: 'phone', type: 'home' },
  ]),
]);

const emailSynonyms = [
  'email',
  'mail',
  'элпочта',
  'электроннаяпочта',
  'почта',
  'емейл',
  'емэйл',
  'имейл',
  'емаил',
  'эмейл',
  'емайл',
];

const builtInTargets = new Map<string, ImportTarget>([
  ...Object.entries(phoneSynonyms),
  ...emailSynonyms.map((s): [string, ImportTarget] => [s, { kind: 'email' }]),
  ...importFields.flatMap((field) =>
    fieldSynonyms[field].map((s): [string, ImportTarget] => [s, { kind: 'field', field }]),
  ),
]);

export type CustomFieldLabel = { key: string; label: string };

/** Header spellings to look up, most exact first: `Телефон 2 (моб.)` → `телефон2моб`, `телефон2`, `телефон`. */
function candidates(header: string): string[] {
  const compact = compactHeader(header);
  // A hint in brackets (`Дата рождения (дд.мм.гггг)`, `Телефон (доп.)`) does not change the field.
  const unbracketed = compactHeader(header.replace(/\([^)]*\)|\[[^\]]*\]/gu, ' '));
  return [compact, compact.replace(/\d+$/u, ''), unbracketed, unbracketed.replace(/\d+$/u, '')];
}

function customTargets(customFields: readonly CustomFieldLabel[]): Map<string, ImportTarget> {
  const custom = new Map<string, ImportTarget>();
  for (const def of customFields) {
    for (const name of [def.key, def.label]) {
      const compact = compactHeader(name);
      if (compact !== '' && !custom.has(compact)) custom.set(compact, { kind: 'custom', key: def.key });
    }
  }
  return custom;
}

function guessTarget(header: string, custom: Map<string, ImportTarget>): ImportTarget | undefined {
  const names = candidates(header);
  for (const name of names) {
    const target = custom.get(name);
    if (target) return target;
  }
  for (const name of names) {
    const target = builtInTargets.get(name);
    if (target) return target;
  }
  return undefined;
}

/** Gives each header the target `pick` chooses, keeping one column per one-column field (the first). */
function assignTargets(
  headers: readonly string[],
  pick: (header: string) => ImportTarget | null | undefined,
): ImportMapping {
  const taken = new Set<string>();
  return headers.slice(0, IMPORT_COLUMNS_MAX).map((fullHeader, column) => {
    const header = fullHeader.slice(0, HEADER_MAX_LENGTH);
    const target = pick(header) ?? null;
    const slot = target === null ? null : exclusiveSlot(target);
    if (target === null || (slot !== null && taken.has(slot))) return { column, header, target: null };
    if (slot !== null) taken.add(slot);
    return { column, header, target };
  });
}

/**
 * The date order of the sample's cells in the columns that may hold dates, when they tell
 * (`decisiveDateOrder`): the birthday and the custom fields (their types are not known here; text
 * that is not a date says nothing).
 */
function sampleDateOrder(mapping: ImportMapping, sample: readonly (readonly string[])[]): DateOrder | null {
  const dated = mapping.filter(
    (c) => c.target?.kind === 'custom' || (c.target?.kind === 'field' && c.target.field === 'birthday'),
  );
  return decisiveDateOrder(
    columnValues(
      sample,
      dated.map((c) => c.column),
    ),
  );
}

/**
 * A target per column, guessed from its header. Workspace custom fields (by key or label) are
 * tried first: they are that workspace's own words. A trailing number (`Телефон 2`, `Email2`) and a
 * hint in brackets are ignored, so phone and e-mail columns repeat; a field that takes one column
 * is given to the first column that names it and later ones are left unmapped for a person to
 * decide. Unknown headers are ignored (target null). The date order comes from the sample rows'
 * dates (`inferDateOrder`).
 */
export function suggestMapping(
  headers: readonly string[],
  customFields: readonly CustomFieldLabel[] = [],
  sample: readonly (readonly string[])[] = [],
): ImportMapping {
  const custom = customTargets(customFields);
  const mapping = assignTargets(headers, (header) => guessTarget(header, custom));
  return withDateOrder(mapping, sampleDateOrder(mapping, sample) ?? 'dmy');
}

/**
 * A saved mapping applied to a new file of the same origin, whose columns may have moved, been
 * added or removed: a column takes the target its header had in the saved mapping (matched as
 * `compactHeader`, so case and punctuation do not matter), including "ignored"; headers the saved
 * mapping does not know get a suggestion. The date order is what the new file's sample shows
 * when it is decisive, the saved one otherwise.
 */
export function reuseMapping(
  saved: ImportMapping,
  headers: readonly string[],
  customFields: readonly CustomFieldLabel[] = [],
  sample: readonly (readonly string[])[] = [],
): ImportMapping {
  const custom = customTargets(customFields);
  const known = new Map<string, ImportColumn[]>();
  for (const c of saved) {
    const key = compactHeader(c.header);
    known.set(key, [...(known.get(key) ?? []), c]);
  }
  const mapping = assignTargets(headers, (header) => {
    // Repeated headers (`Телефон`, `Телефон`) take the saved columns of that name in order.
    const same = known.get(compactHeader(header));
    const match = same?.shift();
    return match ? match.target : guessTarget(header, custom);
  });
  return withDateOrder(mapping, sampleDateOrder(mapping, sample) ?? mappingDateOrder(saved));
}
