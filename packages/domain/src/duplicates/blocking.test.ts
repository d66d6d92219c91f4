import { describe, expect, it } from 'vitest';
import { blockingKeys, candidatePairs, consonantSkeleton } from './blocking.ts';
import type { DuplicateRecord } from './record.ts';

const person = (id: string, fields: Partial<DuplicateRecord>): DuplicateRecord => ({
  id,
  kind: 'person',
  phones: [],
  emails: [],
  ...fields,
});

const share = (a: DuplicateRecord, b: DuplicateRecord) => {
  const kb = new Set(blockingKeys(b));
  return blockingKeys(a).filter((k) => kb.has(k));
};

describe('blockingKeys: records that may be one client share a key', () => {
  it.each([
    [
      'Фёдоров Александр / Fedorov Sasha',
      person('a', { lastName: 'Фёдоров', firstName: 'Александр' }),
      person('b', { lastName: 'Fedorov', firstName: 'Sasha' }),
    ],
    [
      'swapped first and last name',
      person('a', { lastName: 'Петров', firstName: 'Иван' }),
      person('b', { lastName: 'Иван', firstName: 'Петров' }),
    ],
    [
      'one-letter typo in the surname',
      person('a', { lastName: 'Кузнецова', firstName: 'Мария' }),
      person('b', { lastName: 'Кузнецва', firstName: 'Мария' }),
    ],
    [
      'only the phone in common',
      person('a', { lastName: 'Смирнов', phones: ['+79161234567'] }),
      person('b', { firstName: 'Олег', phones: ['+79161234567'] }),
    ],
    [
      'only the e-mail in common, in different case',
      person('a', { emails: ['Oleg@Mail.ru'] }),
      person('b', { emails: ['oleg@mail.ru'] }),
    ],
    [
      'different surname (married), same first name and birthday',
      person('a', { lastName: 'Иванова', firstName: 'Катя', birthday: '1990-05-17' }),
      person('b', { lastName: 'Сидорова', firstName: 'Екатерина', birthday: '1990-05-17' }),
    ],
    [
      'same INN',
      { ...person('a', {}), kind: 'company', inn: '7707083893' },
      { ...person('b', {}), kind: 'company', inn: '7707083893' },
    ],
  ] satisfies [string, DuplicateRecord, DuplicateRecord][])('%s', (_case, a, b) => {
    expect(share(a, b)).not.toEqual([]);
  });

  it('keeps unrelated people apart', () => {
    expect(
      share(
        person('a', { lastName: 'Иванов', firstName: 'Иван', birthday: '1970-01-01' }),
        person('b', { lastName: 'Смирнова', firstName: 'Ольга', birthday: '1982-02-02' }),
      ),
    ).toEqual([]);
  });

  it.each([
    ['shchukin', 'shchkn'],
    ['aleksandr', 'alksndr'],
    ['', ''],
  ])('consonantSkeleton(%s) = %s', (key, skeleton) => {
    expect(consonantSkeleton(key)).toBe(skeleton);
  });
});

describe('candidatePairs', () => {
  const records = [
    person('1', { lastName: 'Фёдоров', firstName: 'Александр', phones: ['+79161234567'] }),
    person('2', { lastName: 'Fedorov', firstName: 'Sasha', phones: ['+79161234567'] }),
    person('3', { lastName: 'Смирнова', firstName: 'Ольга' }),
    person('4', { lastName: 'Fedorov', firstName: 'Aleksandr' }),
  ];

  it('returns each pair sharing a key once, in input order', () => {
    const pairs = candidatePairs(records).map(([a, b]) => `${a.id}-${b.id}`);
    expect(pairs.sort()).toEqual(['1-2', '1-4', '2-4']);
  });

  it('skips blocks larger than maxBlockSize', () => {
    const callCentre = Array.from({ length: 5 }, (_, i) =>
      person(String(i), { lastName: `Client${'abcde'[i]}x${i}`, phones: ['+74950000000'] }),
    );
    expect(candidatePairs(callCentre)).toHaveLength(10);
    expect(candidatePairs(callCentre, { maxBlockSize: 4 })).toEqual([]);
  });
});
