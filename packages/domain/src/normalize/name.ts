/** Person names: whitespace clean-up, splitting a full name (ФИО) and display forms. */

/** Trims and collapses all whitespace runs (incl. NBSP, tabs, newlines) to one space; null if empty. */
export function normalizeName(s: string | null | undefined): string | null {
  if (s == null) return null;
  const text = s.replace(/[\s\u00A0\u2007\u202F]+/gu, ' ').trim();
  return text === '' ? null : text;
}

export type PersonNameParts = {
  lastName: string | null;
  firstName: string | null;
  patronymic: string | null;
};

/** -ович/-евич and -овна/-евна/-ична (covers -инична); first names never end like this. */
const PATRONYMIC_SUFFIX = /(?:ович|евич|овна|евна|ична)$/iu;
/** Turkic patronymics are two words: `Исмаил оглы`, `Айгюль кызы`. */
const PATRONYMIC_PARTICLE = /^(?:оглы|кызы|улы|уулу)$/iu;

/** Length of a patronymic starting at `i` (1 or 2 words), or 0 when there is none there. */
function patronymicAt(words: string[], i: number): number {
  const word = words[i];
  if (word === undefined) return 0;
  const next = words[i + 1];
  if (next !== undefined && PATRONYMIC_PARTICLE.test(next)) return 2;
  return word.length > 4 && PATRONYMIC_SUFFIX.test(word) ? 1 : 0;
}

function joinOrNull(words: string[]): string | null {
  return words.length === 0 ? null : words.join(' ');
}

/**
 * Splits a full name. Russian order `Фамилия Имя Отчество` is assumed unless the second word is a
 * patronymic, which means `Имя Отчество [Фамилия]`: a first name never ends in -ович/-овна, while a
 * surname can (`Абрамович Роман Аркадьевич`), so the second word is the reliable signal.
 * One word is taken as the surname (the first slot of ФИО, and the required field of a person).
 * Without a recognisable patronymic the third and later words are kept as the patronymic.
 */
export function splitFullName(s: string): PersonNameParts {
  const words = normalizeName(s)?.split(' ') ?? [];
  const none: PersonNameParts = { lastName: null, firstName: null, patronymic: null };
  if (words.length === 0) return none;

  const afterFirst = patronymicAt(words, 1);
  if (words.length > 1 && afterFirst > 0) {
    return {
      firstName: words[0]!,
      patronymic: words.slice(1, 1 + afterFirst).join(' '),
      lastName: joinOrNull(words.slice(1 + afterFirst)),
    };
  }
  for (const len of [2, 1]) {
    const start = words.length - len;
    if (start >= 2 && patronymicAt(words, start) === len) {
      return {
        lastName: words[0]!,
        firstName: words.slice(1, start).join(' '),
        patronymic: words.slice(start).join(' '),
      };
    }
  }
  return {
    lastName: words[0]!,
    firstName: words[1] ?? null,
    patronymic: joinOrNull(words.slice(2)),
  };
}

/** `Иванов Иван Иванович`: the full name in Russian order, missing parts skipped. */
export function personDisplayName(parts: Partial<PersonNameParts>): string {
  return [parts.lastName, parts.firstName, parts.patronymic]
    .map((p) => normalizeName(p))
    .filter((p): p is string => p !== null)
    .join(' ');
}

/** `Иванов И. И.`: the short form used in lists and signatures. */
export function personShortName(parts: Partial<PersonNameParts>): string {
  const initial = (p: string | null | undefined) => {
    const name = normalizeName(p);
    return name ? `${name.charAt(0).toUpperCase()}.` : null;
  };
  return [normalizeName(parts.lastName), initial(parts.firstName), initial(parts.patronymic)]
    .filter((p): p is string => p !== null)
    .join(' ');
}
