import { describe, expect, it } from 'vitest';
import { compareCodePoints, FOLD_LOWER, FOLD_UPPER, foldCase, foldCityForMatch } from './text.ts';

describe('foldCase', () => {
  it('pairs every upper-case letter with its lower case', () => {
    const upper = [...FOLD_UPPER];
    const lower = [...FOLD_LOWER];
    expect(lower).toHaveLength(upper.length);
    upper.forEach((u, i) => {
      expect(u.toLowerCase()).toBe(lower[i]);
    });
  });

  it.each([
    ['МОСКВА', 'москва'],
    ['Ёлкино', 'ёлкино'],
    ['Saint-Petersburg', 'saint-petersburg'],
    ['Київ', 'київ'],
    ['Straße', 'straße'],
  ])('%s → %s', (input, expected) => {
    expect(foldCase(input)).toBe(expected);
  });

  it('trims spaces, tabs and no-break spaces around a city', () => {
    expect(foldCityForMatch('\u00a0 Казань\t\n')).toBe('казань');
  });
});

describe('compareCodePoints', () => {
  it.each([
    ['a', 'b', -1],
    ['b', 'a', 1],
    ['ab', 'a', 1],
    ['', '', 0],
    ['Я', 'а', -1],
    // U+FF5E (fullwidth tilde) is below U+1F600 by code point but above it by UTF-16 unit.
    ['\uff5e', '😀', -1],
  ])('%s vs %s', (a, b, sign) => {
    expect(Math.sign(compareCodePoints(a, b))).toBe(sign);
  });
});
