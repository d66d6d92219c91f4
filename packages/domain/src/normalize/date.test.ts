import { describe, expect, it } from 'vitest';
import { isIsoDate, parseIsoDate, toIsoDate } from './date.ts';

describe('parseIsoDate', () => {
  it.each([
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['2026-12-31', '2026-12-31T00:00:00.000Z'],
    ['1900-01-01', '1900-01-01T00:00:00.000Z'],
    ['0050-06-15', '0050-06-15T00:00:00.000Z'],
  ])('%s is a calendar date', (s, iso) => {
    expect(parseIsoDate(s)?.toISOString()).toBe(iso);
    expect(isIsoDate(s)).toBe(true);
  });

  it.each([
    ['2023-02-29'],
    ['2024-13-01'],
    ['2024-00-10'],
    ['2024-04-31'],
    ['2024-1-1'],
    ['24-01-01'],
    ['2024-01-01T00:00'],
    [''],
  ])('%j is not', (s) => {
    expect(parseIsoDate(s)).toBeNull();
    expect(isIsoDate(s)).toBe(false);
  });

  it('toIsoDate gives the UTC calendar date', () => {
    expect(toIsoDate(new Date('2026-03-12T23:59:59+03:00'))).toBe('2026-03-12');
  });
});
