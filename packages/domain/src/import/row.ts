/**
 * One row of an import file → a client input, checked exactly as a client typed in by hand
 * (`ZClientInput`, then `normalizeClient`). Every problem comes back as an `ImportIssue` naming the
 * row, the column and the cell's value, so the error report can point at the cell to fix: nothing
 * in a row is dropped without an issue saying so.
 *
 * Cells are text and stay text: a cell starting with `=`, `+`, `-` or `@` is a value like any other
 * (nothing here evaluates formulas); escaping on the way out is `escapeSpreadsheetCell`'s job.
 */
import {
  CLIENT_EMAILS_MAX,
  CLIENT_PHONES_MAX,
  type ClientInput,
  type PhoneInput,
  ZClientInput,
} from '../client/client.ts';
import type { CustomFieldDefinition } from '../client/custom-fields.ts';
import {
  type NormalizeClientContext,
  type NormalizedClient,
  normalizeClient,
} from '../client/normalize-client.ts';
import { fieldIssuesFromZod } from '../client/parse.ts';
import type { Source } from '../client/source.ts';
import { TAGS_MAX } from '../client/tags.ts';
import { splitFullName } from '../normalize/name.ts';
import type { FieldIssue } from '../result.ts';
import type { ClientKind } from '../vocabulary.ts';
import { type DateOrder, parseImportBoolean, parseImportDate, parseImportNumber } from './cells.ts';
import type { ImportColumn, ImportField } from './mapping.ts';

export type ImportIssue = {
  /** The row number as the caller counts it (usually the line in the file). */
  row: number;
  /** Zero-based column index; null when the problem is the row as a whole (e.g. no name column). */
  column: number | null;
  header: string | null;
  /** The cell's text (trimmed, cut to a readable length); empty for row-level issues. */
  value: string;
  /** Stable code: the domain's (`phone_invalid`, `inn_checksum`, `required`, …) or an import one. */
  code: string;
  message: string;
};

export type RowToClientOptions = {
  rowNumber: number;
  /** Region, custom-field definitions and `now`, exactly as for a client entered by hand. */
  context: NormalizeClientContext;
  /** The kind when a row does not tell (no names and no company data, or both). Default `person`. */
  defaultKind?: ClientKind;
  source?: Source;
  /**
   * True: cells with issues are dropped and the rest of the row is imported if it still makes a
   * valid client; the returned issues then list the dropped cells. False (default): any issue
   * rejects the row.
   */
  allowPartialRows?: boolean;
};

export type RowToClientResult = {
  /** Null when the row is rejected. */
  input: ClientInput | null;
  /** `input` normalized: what would be stored. Null when the row is rejected. */
  client: NormalizedClient | null;
  issues: ImportIssue[];
};

/** No field takes more (tags: 50 × 100 characters); a longer cell is junk and is not parsed at all. */
export const IMPORT_CELL_MAX_LENGTH = 10_000;
const ISSUE_VALUE_MAX_LENGTH = 200;
/** Control characters other than tab and line breaks, and lone UTF-16 surrogates: binary junk. */
const JUNK_CHARACTERS = /(?![\t\n\r])\p{Cc}|\p{Cs}/u;
const JUNK_CHARACTERS_ALL = /(?![\t\n\r])\p{Cc}|\p{Cs}/gu;
const LIST_SEPARATOR = /[,;]/;

/** The value an issue shows: printable and short, so an error report stays readable. */
function reportedValue(text: string): string {
  let cut = text.length > ISSUE_VALUE_MAX_LENGTH ? text.slice(0, ISSUE_VALUE_MAX_LENGTH) : text;
  // Do not leave half of a surrogate pair at the cut.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  cut = cut.replace(JUNK_CHARACTERS_ALL, '\uFFFD');
  return cut.length < text.length ? `${cut}…` : cut;
}

type Cell = { column: ImportColumn; text: string };

/** Collects issues and remembers which column each field path came from. */
class RowReport {
  readonly issues: ImportIssue[] = [];
  readonly origins = new Map<string, ImportColumn>();
  readonly texts = new Map<number, string>();

  constructor(readonly row: number) {}

  origin(path: string, column: ImportColumn): void {
    if (!this.origins.has(path)) this.origins.set(path, column);
  }

  cellIssue(cell: { column: ImportColumn; text: string }, code: string, message: string): void {
    this.issues.push({
      row: this.row,
      column: cell.column.column,
      header: cell.column.header,
      value: reportedValue(cell.text),
      code,
      message,
    });
  }

  /** `phones.1.number` → the column of `phones.1`; the longest known prefix of the path wins. */
  fieldIssue(fi: FieldIssue): void {
    const parts = fi.field.split('.');
    for (let n = parts.length; n > 0; n--) {
      const column = this.origins.get(parts.slice(0, n).join('.'));
      if (column) {
        this.cellIssue({ column, text: this.texts.get(column.column) ?? '' }, fi.code, fi.message);
        return;
      }
    }
    this.issues.push({
      row: this.row,
      column: null,
      header: null,
      value: '',
      code: fi.code,
      message: fi.message,
    });
  }
}

type Collected = {
  fields: Map<ImportField, Cell>;
  phones: PhoneInput[];
  emails: string[];
  tags: string[];
  custom: Map<string, Cell>;
  nonEmpty: number;
};

function splitList(cell: Cell, max: number, report: RowReport): string[] | null {
  const items = cell.text
    .split(LIST_SEPARATOR)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length > max) {
    report.cellIssue(cell, 'too_many_values', `${cell.column.header}: more than ${max} values in one cell`);
    return null;
  }
  return items;
}

/** Reads the mapped cells: checks each for junk and groups the values by target. */
function collect(
  row: readonly string[],
  mapping: readonly ImportColumn[],
  dropped: ReadonlySet<number>,
  report: RowReport,
): Collected {
  const out: Collected = {
    fields: new Map(),
    phones: [],
    emails: [],
    tags: [],
    custom: new Map(),
    nonEmpty: 0,
  };
  const single = <K extends string>(map: Map<K, Cell>, key: K, cell: Cell, path: string) => {
    if (cell.text === '') {
      report.origin(path, cell.column);
      return;
    }
    const first = map.get(key);
    if (first) {
      report.cellIssue(
        cell,
        'column_duplicate_target',
        `Column "${cell.column.header}" fills ${path}, which column "${first.column.header}" already fills`,
      );
      return;
    }
    map.set(key, cell);
    report.origins.set(path, cell.column);
  };

  for (const column of mapping) {
    const target = column.target;
    if (target === null || dropped.has(column.column)) continue;
    const raw = row[column.column] ?? '';
    const cell: Cell = { column, text: raw.length > IMPORT_CELL_MAX_LENGTH ? raw : raw.trim() };
    report.texts.set(column.column, cell.text);
    if (cell.text.length > IMPORT_CELL_MAX_LENGTH) {
      report.cellIssue(cell, 'cell_too_long', `The cell is longer than ${IMPORT_CELL_MAX_LENGTH} characters`);
      out.nonEmpty++;
      continue;
    }
    if (JUNK_CHARACTERS.test(cell.text)) {
      report.cellIssue(cell, 'cell_invalid_characters', 'The cell contains control or broken characters');
      out.nonEmpty++;
      continue;
    }
    if (cell.text !== '') out.nonEmpty++;

    switch (target.kind) {
      case 'field':
        single(out.fields, target.field, cell, target.field);
        break;
      case 'custom':
        single(out.custom, target.key, cell, `custom.${target.key}`);
        break;
      case 'phone': {
        report.origin('phones', column);
        for (const number of splitList(cell, CLIENT_PHONES_MAX, report) ?? []) {
          report.origin(`phones.${out.phones.length}`, column);
          out.phones.push(target.type ? { number, type: target.type } : { number });
        }
        break;
      }
      case 'email': {
        report.origin('emails', column);
        for (const address of splitList(cell, CLIENT_EMAILS_MAX, report) ?? []) {
          report.origin(`emails.${out.emails.length}`, column);
          out.emails.push(address);
        }
        break;
      }
    }
  }
  return out;
}

/** Tags come after all columns are read so that `tags.N` indexes follow the columns' order. */
function collectTags(collected: Collected, report: RowReport): void {
  const cell = collected.fields.get('tags');
  if (!cell) return;
  for (const tag of splitList(cell, TAGS_MAX, report) ?? []) {
    report.origin(`tags.${collected.tags.length}`, cell.column);
    collected.tags.push(tag);
  }
}

const personNameFields: ImportField[] = ['fullName', 'lastName', 'firstName', 'patronymic'];
const personFields: ImportField[] = [...personNameFields, 'birthday'];
const companyFields: ImportField[] = ['legalName', 'inn', 'kpp'];

/**
 * A company is a row with a legal name or a 10-digit (legal entity) ИНН and no person name; a
 * person is the reverse. A row with both or neither takes `defaultKind`, a person by default.
 */
function detectKind(fields: Map<ImportField, Cell>, defaultKind: ClientKind | undefined): ClientKind {
  const hasPerson = personNameFields.some((f) => fields.has(f));
  const inn = fields.get('inn')?.text ?? '';
  const hasCompany = fields.has('legalName') || /^\d{10}$/.test(inn);
  if (hasCompany && !hasPerson) return 'company';
  if (hasPerson && !hasCompany) return 'person';
  return defaultKind ?? 'person';
}

/** How a date of the column is written, for the messages: `dd.mm.yyyy` or, month first, `mm/dd/yyyy`. */
const dateShape = (order: DateOrder | undefined) => (order === 'mdy' ? 'mm/dd/yyyy' : 'dd.mm.yyyy');

function customValue(cell: Cell, def: CustomFieldDefinition | undefined, report: RowReport): unknown {
  const wrong = (expected: string) => {
    report.cellIssue(cell, 'custom_type', `${def?.label ?? cell.column.header} must be ${expected}`);
    return undefined;
  };
  if (def === undefined) return cell.text;
  switch (def.type) {
    case 'text':
      return cell.text;
    case 'number':
      return parseImportNumber(cell.text) ?? wrong('a number');
    case 'boolean':
      return parseImportBoolean(cell.text) ?? wrong('yes or no');
    case 'date':
      return (
        parseImportDate(cell.text, cell.column.dateOrder) ??
        wrong(`a date (${dateShape(cell.column.dateOrder)} or yyyy-mm-dd)`)
      );
    case 'one_of': {
      // An option written in another case in the file is still that option.
      const lower = cell.text.toLowerCase();
      return def.options?.find((o) => o.toLowerCase() === lower) ?? cell.text;
    }
  }
}

type Built = { input: ClientInput | null; client: NormalizedClient | null };

function buildAndCheck(
  row: readonly string[],
  mapping: readonly ImportColumn[],
  options: RowToClientOptions,
  dropped: ReadonlySet<number>,
  report: RowReport,
): Built {
  const rejected: Built = { input: null, client: null };
  const collected = collect(row, mapping, dropped, report);
  collectTags(collected, report);
  if (collected.nonEmpty === 0) {
    report.issues.push({
      row: report.row,
      column: null,
      header: null,
      value: '',
      code: 'row_empty',
      message: 'The row has no values in mapped columns',
    });
    return rejected;
  }
  const { fields } = collected;
  const text = (f: ImportField) => fields.get(f)?.text;
  const kind = detectKind(fields, options.defaultKind);
  const notApplicable = kind === 'person' ? companyFields : personFields;
  for (const f of notApplicable) {
    const cell = fields.get(f);
    if (cell) report.cellIssue(cell, 'not_applicable', `${f} does not apply to a ${kind}`);
  }

  const ctx = options.context;
  const defs = new Map(ctx.customFields.map((d) => [d.key, d]));
  const custom: [string, unknown][] = [];
  for (const [key, cell] of collected.custom) {
    const value = customValue(cell, defs.get(key), report);
    if (value !== undefined) custom.push([key, value]);
  }

  const common = {
    ...(collected.phones.length > 0 && { phones: collected.phones }),
    ...(collected.emails.length > 0 && { emails: collected.emails.map((address) => ({ address })) }),
    ...(text('city') !== undefined && { city: text('city') }),
    ...(text('address') !== undefined && { address: text('address') }),
    ...(collected.tags.length > 0 && { tags: collected.tags }),
    ...(custom.length > 0 && { custom: Object.fromEntries(custom) }),
    ...(text('externalId') !== undefined && { externalId: text('externalId') }),
    ...(options.source !== undefined && { source: options.source }),
  };

  let input: ClientInput;
  if (kind === 'person') {
    const full = splitFullName(text('fullName') ?? '');
    // Issues about a name part point at the column its value came from, or for a missing part at
    // the column that should have held it.
    const fullCell = fields.get('fullName');
    for (const part of ['lastName', 'firstName', 'patronymic'] as const) {
      const origin =
        fields.get(part)?.column ??
        (full[part] !== null ? fullCell?.column : undefined) ??
        report.origins.get(part) ??
        report.origins.get('fullName');
      if (origin) report.origins.set(part, origin);
    }
    let birthday: string | undefined;
    const birthdayCell = fields.get('birthday');
    if (birthdayCell) {
      const order = birthdayCell.column.dateOrder;
      birthday = parseImportDate(birthdayCell.text, order) ?? undefined;
      if (birthday === undefined) {
        report.cellIssue(
          birthdayCell,
          'birthday_format',
          order === 'mdy'
            ? 'Birthday must be mm/dd/yyyy or yyyy-mm-dd (the file is read month first)'
            : 'Birthday must be dd.mm.yyyy, yyyy-mm-dd or dd/mm/yyyy',
        );
      }
    }
    const patronymic = text('patronymic') ?? full.patronymic ?? undefined;
    input = {
      kind: 'person',
      lastName: text('lastName') ?? full.lastName ?? '',
      firstName: text('firstName') ?? full.firstName ?? '',
      ...(patronymic !== undefined && { patronymic }),
      ...(birthday !== undefined && { birthday }),
      ...common,
    };
  } else {
    const inn = text('inn');
    const kpp = text('kpp');
    input = {
      kind: 'company',
      legalName: text('legalName') ?? '',
      ...(inn !== undefined && { inn }),
      ...(kpp !== undefined && { kpp }),
      ...common,
    };
  }

  // The domain's checks name the field; the origins turn that into the column.
  const normalized = normalizeClient(input, ctx);
  const domainIssues = normalized.ok ? [] : normalized.error;
  const shape = ZClientInput.safeParse(input);
  const reported = new Set(domainIssues.map((i) => i.field));
  const shapeIssues = shape.success
    ? []
    : fieldIssuesFromZod(shape.error).filter((i) => !reported.has(i.field));
  for (const fi of [...domainIssues, ...shapeIssues]) report.fieldIssue(fi);

  if (report.issues.length > 0 || !normalized.ok || !shape.success) return { input, client: null };
  return { input: shape.data, client: normalized.value };
}

/**
 * Converts one row. Never throws, whatever the cells hold: junk, huge or unparseable cells are
 * issues. See `RowToClientOptions.allowPartialRows` for what happens to a row with issues.
 */
export function rowToClientInput(
  row: readonly string[],
  mapping: readonly ImportColumn[],
  options: RowToClientOptions,
): RowToClientResult {
  const first = new RowReport(options.rowNumber);
  const built = buildAndCheck(row, mapping, options, new Set(), first);
  if (first.issues.length === 0 && built.client !== null) return { ...built, issues: [] };
  const reject = (issues: ImportIssue[]) => ({ input: null, client: null, issues });
  // A row-level issue (no name at all, empty row) has no cell to drop.
  if (!options.allowPartialRows || first.issues.some((i) => i.column === null)) return reject(first.issues);

  const dropped = new Set(first.issues.map((i) => i.column).filter((c): c is number => c !== null));
  const second = new RowReport(options.rowNumber);
  const rest = buildAndCheck(row, mapping, options, dropped, second);
  if (second.issues.length === 0 && rest.client !== null) return { ...rest, issues: first.issues };
  const seen = new Set(first.issues.map((i) => JSON.stringify(i)));
  return reject([...first.issues, ...second.issues.filter((i) => !seen.has(JSON.stringify(i)))]);
}
