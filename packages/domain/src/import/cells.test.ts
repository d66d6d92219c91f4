import { describe, expect, it } from 'vitest';
import { parseImportBoolean, parseImportDate, parseImportNumber } from './cells.ts';

describe('parseImportDate', () => {
  it.each([
    ['17.05.1990', '1990-05-17'],
    ['7.5.1990', '1990-05-07'],
    ['17/05/1990', '1990-05-17'],
    ['1990-05-17', '1990-05-17'],
    ['1990-5-7', '1990-05-07'],
    ['1990-05-17 00:00:00', '1990-05-17'],
    ['1990-05-17T00:00:00.000', '1990-05-17'],
    [' 29.02.2024 ', '2024-02-29'],
    ['33010', '1990-05-17'],
    ['33010.0', '1990-05-17'],
    ['1', '1900-01-01'],
    ['59', '1900-02-28'],
    ['61', '1900-03-01'],
  ])('%s → %s', (text, iso) => {
    expect(parseImportDate(text)).toBe(iso);
  });

  it.each([
    ['29.02.2023'],
    ['32.01.1990'],
    ['05/17/1990'],
    ['17.05.90'],
    ['1990-05-17 12:30'],
    ['60'],
    ['0'],
    ['33010.5'],
    ['99999999'],
    ['завтра'],
    [''],
  ])('%s is not a date', (text) => {
    expect(parseImportDate(text)).toBeNull();
  });
});

describe('parseImportNumber', () => {
  it.each([
    ['1 234,5', 1234.5],
    ['1234.5', 1234.5],
    ['-7', -7],
    ['+3', 3],
    ['\u00A012\u00A0000 ', 12000],
  ])('%s → %d', (text, n) => {
    expect(parseImportNumber(text)).toBe(n);
  });

  it.each([['abc'], ['1,2,3'], ['1e5'], [''], ['Infinity'], ['1.2.3']])('%s is not a number', (text) => {
    expect(parseImportNumber(text)).toBeNull();
  });
});

describe('parseImportBoolean', () => {
  it.each([
    ['Да', true],
    ['yes', true],
    ['1', true],
    ['TRUE', true],
    ['нет', false],
    ['No', false],
    ['0', false],
    ['может быть', null],
  ])('%s → %s', (text, value) => {
    expect(parseImportBoolean(text)).toBe(value);
  });
});
