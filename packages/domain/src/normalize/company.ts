/** Company names: display clean-up and a match key that ignores the legal form. */
import { matchKey } from './match-key.ts';
import { normalizeName } from './name.ts';

/**
 * Legal-form words, spelled out and abbreviated, Russian and foreign. `ООО «Ромашка»`,
 * `Ромашка, ООО` and `Общество с ограниченной ответственностью "Ромашка"` are one company for
 * duplicate detection, so the form is removed before the key is built. Longer phrases first.
 */
const LEGAL_FORM_PHRASES = [
  'общество с ограниченной ответственностью',
  'публичное акционерное общество',
  'непубличное акционерное общество',
  'закрытое акционерное общество',
  'открытое акционерное общество',
  'акционерное общество',
  'индивидуальный предприниматель',
  'некоммерческая организация',
  'limited liability company',
];
const LEGAL_FORM_WORDS = new Set([
  'ооо',
  'оао',
  'зао',
  'пао',
  'ао',
  'нао',
  'ип',
  'нко',
  'ано',
  'тоо',
  'чп',
  'одо',
  'уп',
  'гуп',
  'муп',
  'фгуп',
  'пбоюл',
  'llc',
  'pjsc',
  'ojsc',
  'cjsc',
  'jsc',
  'ltd',
  'limited',
  'inc',
  'corp',
  'co',
  'gmbh',
  'ag',
  'llp',
  'plc',
  'sa',
  'bv',
]);

/** The legal name with whitespace cleaned; used as the company's display name. */
export function companyDisplayName(legalName: string): string {
  return normalizeName(legalName) ?? '';
}

/** `ООО «Ромашка»` → `romashka`: the match key of a legal name without its legal form. */
export function companyMatchKey(legalName: string): string {
  let text = (normalizeName(legalName) ?? '').toLowerCase().replaceAll('ё', 'е');
  for (const phrase of LEGAL_FORM_PHRASES) text = text.replaceAll(phrase, ' ');
  const words = text
    .replace(/['’ʼ`´]/gu, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '' && !LEGAL_FORM_WORDS.has(w));
  return matchKey(...words);
}
