import type { Locale } from '../vocabulary.ts';

/**
 * Russian plural form for `n`: `one` for 1, 21, 101 (but not 11, 111), `few` for 2–4, 22–24
 * (but not 12–14), `many` for everything else (0, 5–20, 25…). Fractions take `few`
 * («1,5 дня»), as in Russian grammar.
 */
export function pluralRu(n: number, one: string, few: string, many: string): string {
  const abs = Math.abs(n);
  if (!Number.isInteger(abs)) return few;
  const mod10 = abs % 10;
  const mod100 = abs % 100;
  if (mod10 === 1 && mod100 !== 11) return one;
  if (mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14)) return few;
  return many;
}

/** English plural: `one` only for exactly 1 (or −1). */
export function pluralEn(n: number, one: string, many: string): string {
  return Math.abs(n) === 1 ? one : many;
}

const numberLocales: Record<Locale, string> = { ru: 'ru-RU', en: 'en-GB' };

const rubFormatters = new Map<string, Intl.NumberFormat>();

function rubFormatter(locale: Locale, fractionDigits: 0 | 2): Intl.NumberFormat {
  const key = `${locale}:${fractionDigits}`;
  let formatter = rubFormatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(numberLocales[locale], {
      style: 'currency',
      currency: 'RUB',
      currencyDisplay: 'narrowSymbol',
      minimumFractionDigits: fractionDigits,
      maximumFractionDigits: fractionDigits,
    });
    rubFormatters.set(key, formatter);
  }
  return formatter;
}

/**
 * Money in roubles from integer kopecks: RU «12 500 ₽» (non-breaking spaces), EN "₽12,500".
 * Kopecks are shown only when the amount is not whole roubles («12 500,50 ₽»).
 */
export function formatRub(kopecks: number, locale: Locale): string {
  const fractionDigits = kopecks % 100 === 0 ? 0 : 2;
  return rubFormatter(locale, fractionDigits).format(kopecks / 100);
}

const integerFormatters: Record<Locale, Intl.NumberFormat> = {
  ru: new Intl.NumberFormat('ru-RU', { maximumFractionDigits: 0 }),
  en: new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 }),
};

/** A whole number with the locale's digit grouping: RU «1 000», EN "1,000". */
export function formatInteger(n: number, locale: Locale): string {
  return integerFormatters[locale].format(n);
}
