/**
 * Text comparison shared by the evaluator and the SQL compiler. Database `lower()` depends on the
 * server's locale (under `C` it leaves Cyrillic alone), so case folding is an explicit table here
 * and `translate()` with the same two strings in SQL: both sides agree on every server.
 */

/** Upper-case letters folded by segment rules: Latin and the Cyrillic used in RU/UA/BY/KZ names. */
export const FOLD_UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯЄІЇҐЎҚҒҮҰҲӘӨҺ';
/** The lower-case letter at the same position as in `FOLD_UPPER`. */
export const FOLD_LOWER = 'abcdefghijklmnopqrstuvwxyzабвгдеёжзийклмнопрстуфхцчшщъыьэюяєіїґўқғүұҳәөһ';

/** Characters trimmed from both ends of a city (SQL: `btrim(city, TRIM_CHARS)`). */
export const TRIM_CHARS = ' \t\n\r\v\f\u00a0\u2007\u202f\ufeff';

const foldMap = new Map<string, string>();
{
  const upper = [...FOLD_UPPER];
  const lower = [...FOLD_LOWER];
  if (upper.length !== lower.length) throw new Error('Case-fold tables differ in length');
  upper.forEach((u, i) => {
    foldMap.set(u, lower[i]!);
  });
}

/** Folds the letters of `FOLD_UPPER` to lower case and leaves every other character alone. */
export function foldCase(text: string): string {
  let out = '';
  for (const ch of text) out += foldMap.get(ch) ?? ch;
  return out;
}

/** Strips `TRIM_CHARS` from both ends. */
export function trimChars(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && TRIM_CHARS.includes(text[start]!)) start++;
  while (end > start && TRIM_CHARS.includes(text[end - 1]!)) end--;
  return text.slice(start, end);
}

/** The form in which cities are compared: trimmed, then case-folded. */
export function foldCityForMatch(city: string): string {
  return foldCase(trimChars(city));
}

/**
 * Orders strings by Unicode code point, as PostgreSQL does under `COLLATE "C"` in UTF-8. Plain
 * `<` on JS strings compares UTF-16 units, which disagrees for astral characters.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** Surrogates (astral code points) sort after U+E000–U+FFFF; shift units so they do. */
function codePointRank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}
