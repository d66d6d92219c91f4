import { describe, expect, it } from 'vitest';
import { csvField, csvRow, escapeSpreadsheetCell } from './escape.ts';

describe('escapeSpreadsheetCell', () => {
  it.each([
    ['=HYPERLINK("http://evil","x")', `'=HYPERLINK("http://evil","x")`],
    ['+7 916 123-45-67', `'+7 916 123-45-67`],
    ['-2+3', `'-2+3`],
    ['@SUM(A1)', `'@SUM(A1)`],
    ['\t=1', `'\t=1`],
    ['\r=1', `'\r=1`],
    ['Иванов', 'Иванов'],
    [' =1', ' =1'],
    ['', ''],
  ])('%j → %j', (value, escaped) => {
    expect(escapeSpreadsheetCell(value)).toBe(escaped);
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
});
