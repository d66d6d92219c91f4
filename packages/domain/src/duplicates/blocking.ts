import { companyMatchKey } from '../normalize/company.ts';
import { matchKey } from '../normalize/match-key.ts';
import { firstNameKeys } from './diminutives.ts';
import { nameReadings } from './names.ts';
import type { DuplicateRecord } from './record.ts';

/**
 * Blocking: records are only compared when they share a key, so the work grows with the size of
 * the blocks, not with the square of the base. Each key family catches the duplicates another
 * misses: a mistyped surname still shares the first name with the birthday, a changed phone still
 * shares the name key, a name written in another script shares the match key.
 *
 * There are no per-letter edit keys (single deletions of the surname): they were half of every
 * client's keys, so half of an import's key writes, and on FEBRL they found one true pair in
 * 1,934 that the sound key, the birthday and postcode keys and the contacts did not.
 */

/** A crude phonetic code: first letter, then consonants with vowels dropped and repeats collapsed. */
export function consonantSkeleton(key: string): string {
  const word = key.replaceAll(' ', '');
  if (word === '') return '';
  return (word[0] + word.slice(1).replace(/[aeiouy]/g, '')).replace(/(.)\1+/g, '$1');
}

const digits = (s: string) => s.replace(/\D/g, '');

export function blockingKeys(record: DuplicateRecord): string[] {
  const keys = new Set<string>();
  for (const phone of record.phones) if (digits(phone).length >= 7) keys.add(`phone:${digits(phone)}`);
  for (const email of record.emails) if (email.trim() !== '') keys.add(`email:${email.trim().toLowerCase()}`);
  if (record.inn && digits(record.inn) !== '') keys.add(`inn:${digits(record.inn)}`);
  if (record.externalId && record.externalId.trim() !== '') keys.add(`ext:${record.externalId.trim()}`);

  if (record.kind === 'company') {
    const name = companyMatchKey(record.legalName ?? '');
    if (name !== '') {
      keys.add(`org:${name}`);
      keys.add(`org-sound:${consonantSkeleton(name)}`);
    }
    return [...keys];
  }

  const birthday = digits(record.birthday ?? '');
  const postcode = digits(record.postcode ?? '');
  for (const reading of nameReadings(record)) {
    const last = matchKey(reading.lastName).replaceAll(' ', '');
    const firstKey = matchKey(reading.firstName).replaceAll(' ', '');
    // The full form stands in for a diminutive, so `Саша` and `Александр` fall into one block.
    const firsts = firstKey === '' ? [] : firstNameKeys(firstKey);
    for (const first of firsts) {
      if (last !== '') {
        // Sorted, so `Петров Иван` and `Иван Петров` meet.
        keys.add(`name:${[last, first].sort().join('|')}`);
        keys.add(`sound:${[consonantSkeleton(last), consonantSkeleton(first)].sort().join('|')}`);
      }
      if (birthday !== '') keys.add(`first-born:${first}|${birthday}`);
      if (postcode !== '') keys.add(`first-post:${first}|${postcode}`);
    }
    if (last !== '') {
      if (birthday !== '') keys.add(`last-born:${last.slice(0, 3)}|${birthday}`);
      if (postcode !== '') keys.add(`last-post:${last}|${postcode}`);
    }
  }
  // Both names mistyped or replaced: the birth year and the postcode still meet.
  if (birthday.length === 8 && postcode !== '') keys.add(`born-post:${birthday.slice(0, 4)}|${postcode}`);
  return [...keys];
}

export type CandidateOptions = {
  /**
   * Blocks larger than this are skipped: a key shared by hundreds of records (a call-centre phone,
   * `Иванов А.`) identifies nobody, and comparing all its pairs is the quadratic blow-up blocking
   * exists to avoid.
   */
  maxBlockSize?: number;
};

/** In-memory blocking: every pair of records sharing at least one blocking key, each pair once. */
export function candidatePairs<R extends DuplicateRecord>(
  records: readonly R[],
  options: CandidateOptions = {},
): [R, R][] {
  const maxBlockSize = options.maxBlockSize ?? 100;
  const blocks = new Map<string, number[]>();
  records.forEach((record, index) => {
    for (const key of blockingKeys(record)) {
      const block = blocks.get(key);
      if (block) block.push(index);
      else blocks.set(key, [index]);
    }
  });
  const seen = new Set<number>();
  const pairs: [R, R][] = [];
  for (const block of blocks.values()) {
    if (block.length < 2 || block.length > maxBlockSize) continue;
    for (let i = 0; i < block.length; i++) {
      for (let j = i + 1; j < block.length; j++) {
        const x = block[i]!;
        const y = block[j]!;
        const id = x < y ? x * records.length + y : y * records.length + x;
        if (seen.has(id)) continue;
        seen.add(id);
        pairs.push([records[Math.min(x, y)]!, records[Math.max(x, y)]!]);
      }
    }
  }
  return pairs;
}
