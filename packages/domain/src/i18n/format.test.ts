import { describe, expect, it } from 'vitest';
import { formatInteger, formatRub, pluralEn, pluralRu } from './format.ts';

const nbsp = '\u00a0';

describe('pluralRu', () => {
  it.each([
    [0, 'дней'],
    [1, 'день'],
    [2, 'дня'],
    [4, 'дня'],
    [5, 'дней'],
    [11, 'дней'],
    [12, 'дней'],
    [14, 'дней'],
    [21, 'день'],
    [22, 'дня'],
    [25, 'дней'],
    [101, 'день'],
    [111, 'дней'],
    [112, 'дней'],
    [122, 'дня'],
    [-1, 'день'],
    [-3, 'дня'],
    [1.5, 'дня'],
  ])('%d → %s', (n, expected) => {
    expect(pluralRu(n, 'день', 'дня', 'дней')).toBe(expected);
  });
});

describe('pluralEn', () => {
  it.each([
    [0, 'days'],
    [1, 'day'],
    [2, 'days'],
    [21, 'days'],
  ])('%d → %s', (n, expected) => {
    expect(pluralEn(n, 'day', 'days')).toBe(expected);
  });
});

describe('formatRub', () => {
  it.each([
    [1_250_000, 'ru', `12${nbsp}500${nbsp}₽`],
    [1_250_050, 'ru', `12${nbsp}500,50${nbsp}₽`],
    [0, 'ru', `0${nbsp}₽`],
    [99, 'ru', `0,99${nbsp}₽`],
    [-50_000, 'ru', `-500${nbsp}₽`],
    [123_456_700, 'ru', `1${nbsp}234${nbsp}567${nbsp}₽`],
    [1_250_000, 'en', '₽12,500'],
    [1_250_050, 'en', '₽12,500.50'],
  ] as const)('%d kopecks in %s → %s', (kopecks, locale, expected) => {
    expect(formatRub(kopecks, locale)).toBe(expected);
  });
});

describe('formatInteger', () => {
  it.each([
    [365, 'ru', '365'],
    [1000, 'ru', `1${nbsp}000`],
    [1000, 'en', '1,000'],
  ] as const)('%d in %s → %s', (n, locale, expected) => {
    expect(formatInteger(n, locale)).toBe(expected);
  });
});
