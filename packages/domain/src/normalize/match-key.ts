/**
 * A match key is a spelling-insensitive skeleton of a name, used to find duplicate candidates:
 * `Фёдоров`, `Федоров`, `Fedorov`, `Fyodorov` and `FEDOROV` all become `fedorov`.
 * It is deliberately lossy (it may bring two different names together, never keep one name apart
 * because of how it was written); the duplicate scorer decides afterwards with the full record.
 *
 * Pipeline, applied to each word:
 *  1. fold case and `ё`→`е`, then transliterate Cyrillic to Latin (one fixed table, GOST-like);
 *  2. strip diacritics (`ü`→`u`) and everything that is not a letter or digit; letters of other
 *     scripts are kept as they are, so names in them still get distinct keys;
 *  3. fold spellings of one sound to a single token: shch/sch→Щ, ch/tch→Ч, sh→Ш, zh→Ж, ph→f,
 *     th→t, kh/h→Х, ts/tz→Ц, x→ks, w→v, ck/c/q→k, `yo`→e (ё written out), final consonant+`er`→`r`
 *     (Alexander → Aleksandr);
 *  4. fold the semivowels y/j into i, `ie`→`e` (Yevgeny, Andreyev), collapse doubled letters
 *     (Анна/Ana, Iuliia/Yulia, Дмитрий/Dmitri);
 *  5. spell the tokens out again, so the key is readable: `shchukin`, `tsoi`, `khabib`.
 * Soft and hard signs (ь, ъ) and apostrophes (Il'ya) are dropped in steps 1–2.
 * Words are joined with one space, so a key of several parts stays comparable part by part.
 */

const CYRILLIC_TO_LATIN: Record<string, string> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  й: 'i',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'kh',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'shch',
  ъ: '',
  ы: 'y',
  ь: '',
  э: 'e',
  ю: 'yu',
  я: 'ya',
  // Ukrainian, Belarusian and Kazakh letters met in Russian-language client bases.
  і: 'i',
  ї: 'yi',
  є: 'ye',
  ґ: 'g',
  ў: 'u',
  ә: 'a',
  ғ: 'g',
  қ: 'k',
  ң: 'n',
  ө: 'o',
  ұ: 'u',
  ү: 'u',
  һ: 'kh',
};

/** Step 3, in order: longer spellings first so that `shch` is not read as `sh` + `ch`. */
const SPELLING_FOLDS: [RegExp, string][] = [
  [/shch|sch/g, 'Щ'],
  [/tch|ch/g, 'Ч'],
  [/sh/g, 'Ш'],
  [/zh/g, 'Ж'],
  [/ph/g, 'f'],
  [/th/g, 't'],
  [/kh|h/g, 'Х'],
  [/ts|tz/g, 'Ц'],
  [/x/g, 'ks'],
  [/w/g, 'v'],
  [/ck|c|q/g, 'k'],
  [/yo/g, 'e'],
  [/([bdfgklmnprstvzЩЧШЖХЦ])er$/g, '$1r'],
];

/** Step 4: semivowels and vowel clusters that spell one Russian sound. */
const VOWEL_FOLDS: [RegExp, string][] = [
  [/[yj]/g, 'i'],
  [/ie/g, 'e'],
  [/(.)\1+/g, '$1'],
];

const TOKENS: Record<string, string> = { Щ: 'shch', Ч: 'ch', Ш: 'sh', Ж: 'zh', Х: 'kh', Ц: 'ts' };

function transliterate(word: string): string {
  let out = '';
  for (const ch of word) out += CYRILLIC_TO_LATIN[ch] ?? ch;
  return out;
}

/**
 * A pure function of one string, remembered: a client base repeats the same surnames, first names
 * and patronymics endlessly, and an import or a duplicate scan folds each of them many times (the
 * client, its blocking keys, every pair it is scored in). Bounded: cleared when full.
 */
function remembered(fn: (input: string) => string, max = 50_000): (input: string) => string {
  const cache = new Map<string, string>();
  return (input) => {
    let value = cache.get(input);
    if (value === undefined) {
      if (cache.size >= max) cache.clear();
      value = fn(input);
      cache.set(input, value);
    }
    return value;
  };
}

const foldWord = remembered(foldUncached);

function foldUncached(word: string): string {
  let s = transliterate(word.normalize('NFC').toLowerCase().replaceAll('ё', 'е'));
  s = s.normalize('NFD').replace(/[^\p{L}\p{N}]/gu, '');
  for (const [pattern, replacement] of SPELLING_FOLDS) s = s.replace(pattern, replacement);
  for (const [pattern, replacement] of VOWEL_FOLDS) s = s.replace(pattern, replacement);
  return s.replace(/[ЩЧШЖХЦ]/g, (t) => TOKENS[t]!);
}

/** The match key of one or more name parts; empty and missing parts are skipped. */
export function matchKey(...parts: (string | null | undefined)[]): string {
  // NUL splits words like any separator, so joining the parts with it keys the same result.
  return rememberedKey(parts.map((p) => p ?? '').join('\u0000'));
}

const rememberedKey = remembered((input) =>
  input
    .replace(/['’ʼ`´]/gu, '')
    .split(/[^\p{L}\p{N}]+/u)
    .map(foldWord)
    .filter((w) => w !== '')
    .join(' '),
);
