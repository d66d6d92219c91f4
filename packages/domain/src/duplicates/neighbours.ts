import { matchKey } from '../normalize/match-key.ts';
import { consonantSkeleton } from './blocking.ts';
import type { DuplicateRecord } from './record.ts';

/**
 * Trigram neighbours: the blocking that catches a surname spelled another way beyond what the keys
 * fold (`Иваненко` and `Иваненков`, `Petrov` and `Pertov`), where no phone, e-mail or birthday is
 * shared. A person's surname has as neighbours the words of the workspace's name lexicon at least
 * `NEIGHBOUR_SIMILARITY` alike (the database looks them up, by pg_trgm); a block is a neighbour
 * together with another word of the name (the first name), and its clients are the candidates.
 * Like a key's, a block of more clients than the block size identifies nobody and is left out.
 */

/** Trigram similarity (pg_trgm) from which a word is a neighbour: one letter more, less or swapped in a surname. */
export const NEIGHBOUR_SIMILARITY = 0.5;
/** Shorter words (initials, `ли`, `ng`) have too few trigrams to be alike in a way that means anything. */
const MIN_WORD_LENGTH = 4;

/**
 * A person's name words as a client's `name_tokens` and the name lexicon hold them: the words of
 * the match key of the last and first names (as `normalizeClient` makes it), distinct.
 */
export function nameWords(record: DuplicateRecord): string[] {
  if (record.kind !== 'person') return [];
  const key = matchKey(record.lastName, record.firstName);
  return key === '' ? [] : [...new Set(key.split(' '))];
}

/**
 * The word of a name whose neighbours are looked up: the surname (the match key's first word), when
 * there is another word to pair it with and it is long enough. Only the surname: a mistyped first
 * name is found by the diminutive and sound keys, and looking up first names too doubled the cost
 * for nothing more found on the bench base.
 */
export function neighbourSurname(words: readonly string[]): string | null {
  const surname = words[0];
  return words.length >= 2 && surname !== undefined && surname.length >= MIN_WORD_LENGTH ? surname : null;
}

/**
 * The blocks `[neighbour, exact word]` of a name, given the neighbours of its surname. A neighbour
 * of the same consonants (`ivanov`, `ivanova`; a vowel typed another way) is blocked already by the
 * sound key with the other name: its block, often the biggest, is left out. The rule is the same
 * from either side of a pair, so whichever record is checked finds the other.
 */
export function neighbourBlocks(words: readonly string[], neighbours: readonly string[]): [string, string][] {
  const surname = neighbourSurname(words);
  if (surname === null) return [];
  const skeleton = consonantSkeleton(surname);
  const blocks: [string, string][] = [];
  for (const near of neighbours) {
    // A neighbour too short to be looked up itself would find a pair its own side never finds back.
    if (near.length < MIN_WORD_LENGTH || consonantSkeleton(near) === skeleton) continue;
    for (const exact of words) if (exact !== surname && exact !== near) blocks.push([near, exact]);
  }
  return blocks;
}
