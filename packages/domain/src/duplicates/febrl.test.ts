import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFebrl } from './febrl.ts';

const HEADER =
  'rec_id, given_name, surname, street_number, address_1, address_2, suburb, postcode, state, date_of_birth, soc_sec_id';

const SAMPLE = [
  HEADER,
  'rec-7-org, lachlan, berry, 69, giblin street, killarney, bittern, 4814, qld, 19990219, 7364009',
  'rec-3-org, , waller, 6, tullaroop street, , st james, 4011, wa, 19081209, 6988048',
  'rec-7-dup-0, lachlan, bery, 69, giblin st, killarney, bittern, 4814, qld, 19990291, 7364009',
  'rec-7-dup-1, lachln, berry, , giblin street, killarney, bittern, 4814, qld, 1999021, ',
  '',
].join('\r\n');

describe('parseFebrl', () => {
  it('maps rows to person records and lists the pairs of each entity', () => {
    const parsed = parseFebrl(SAMPLE);
    expect(parsed).toEqual({
      ok: true,
      value: {
        records: [
          {
            id: 'rec-7-org',
            entity: 'rec-7',
            kind: 'person',
            firstName: 'lachlan',
            lastName: 'berry',
            phones: [],
            emails: [],
            birthday: '1999-02-19',
            inn: '7364009',
            city: 'bittern',
            address: '69 giblin street killarney',
            postcode: '4814',
          },
          {
            id: 'rec-3-org',
            entity: 'rec-3',
            kind: 'person',
            firstName: null,
            lastName: 'waller',
            phones: [],
            emails: [],
            birthday: '1908-12-09',
            inn: '6988048',
            city: 'st james',
            address: '6 tullaroop street',
            postcode: '4011',
          },
          {
            id: 'rec-7-dup-0',
            entity: 'rec-7',
            kind: 'person',
            firstName: 'lachlan',
            lastName: 'bery',
            phones: [],
            emails: [],
            // A mistyped date keeps its digits, to be compared digit by digit.
            birthday: '1999-02-91',
            inn: '7364009',
            city: 'bittern',
            address: '69 giblin st killarney',
            postcode: '4814',
          },
          {
            id: 'rec-7-dup-1',
            entity: 'rec-7',
            kind: 'person',
            firstName: 'lachln',
            lastName: 'berry',
            phones: [],
            emails: [],
            birthday: '1999021',
            inn: null,
            city: 'bittern',
            address: 'giblin street killarney',
            postcode: '4814',
          },
        ],
        truePairs: [
          ['rec-7-org', 'rec-7-dup-0'],
          ['rec-7-org', 'rec-7-dup-1'],
          ['rec-7-dup-0', 'rec-7-dup-1'],
        ],
      },
    });
  });

  it('finds the columns by their header, in any order', () => {
    const parsed = parseFebrl(
      [
        'soc_sec_id,date_of_birth,postcode,suburb,address_2,address_1,street_number,surname,given_name,rec_id',
        '1,20000101,2000,bondi,,main st,1,smith,jo,rec-1-org',
      ].join('\n'),
    );
    expect(parsed.ok && parsed.value.records[0]).toMatchObject({
      id: 'rec-1-org',
      firstName: 'jo',
      lastName: 'smith',
      birthday: '2000-01-01',
      inn: '1',
      city: 'bondi',
      address: '1 main st',
      postcode: '2000',
    });
  });

  it.each([
    ['an empty file', '\n \n', [{ field: 'header', code: 'febrl_empty' }]],
    [
      'a header without rec_id and surname',
      'given_name, street_number, address_1, address_2, suburb, postcode, date_of_birth, soc_sec_id',
      [
        { field: 'rec_id', code: 'febrl_column_missing' },
        { field: 'surname', code: 'febrl_column_missing' },
      ],
    ],
    [
      'a row of another width',
      `${HEADER}\nrec-1-org, jo, smith, 1, main st`,
      [{ field: 'line.2', code: 'febrl_row_width' }],
    ],
    [
      'a row without rec_id',
      `${HEADER}\n , jo, smith, 1, main st, , bondi, 2000, nsw, 20000101, 1`,
      [{ field: 'line.2.rec_id', code: 'febrl_rec_id_missing' }],
    ],
    [
      'a repeated rec_id',
      `${HEADER}\nrec-1-org, jo, smith, 1, main st, , bondi, 2000, nsw, 20000101, 1\n\nrec-1-org, jo, smith, 1, main st, , bondi, 2000, nsw, 20000101, 1`,
      [{ field: 'line.4.rec_id', code: 'febrl_rec_id_repeated' }],
    ],
  ])('refuses %s, naming the field', (_, text, expected) => {
    const parsed = parseFebrl(text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.map(({ field, code }) => ({ field, code }))).toEqual(expected);
    for (const i of parsed.error) expect(i.message).toMatch(/\S/);
  });

  it('answers any text with records or issues, never an exception', () => {
    const cell = fc.constantFrom('', ' ', 'rec-1-org', 'rec-1-dup-0', 'x', '19990219', ',', '\n');
    const line = fc.array(cell, { maxLength: 12 }).map((cs) => cs.join(','));
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(fc.oneof(line, fc.string()), { maxLength: 8 }),
        (withHeader, lines) => {
          const parsed = parseFebrl([...(withHeader ? [HEADER] : []), ...lines].join('\n'));
          if (parsed.ok) {
            const ids = parsed.value.records.map((r) => r.id);
            expect(new Set(ids).size).toBe(ids.length);
            for (const [a, b] of parsed.value.truePairs) expect(a).not.toBe(b);
          } else {
            expect(parsed.error.length).toBeGreaterThan(0);
          }
        },
      ),
    );
  });
});
