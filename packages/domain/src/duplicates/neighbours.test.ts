import { describe, expect, it } from 'vitest';
import { nameWords, neighbourBlocks, neighbourSurname } from './neighbours.ts';
import type { DuplicateRecord } from './record.ts';

const person = (lastName: string, firstName: string): DuplicateRecord => ({
  id: 'x',
  kind: 'person',
  lastName,
  firstName,
  phones: [],
  emails: [],
});

describe('trigram neighbour blocks', () => {
  it('takes the words of the match key of the last and first names, surname first', () => {
    const words = nameWords(person('Иваненко', 'Марина'));
    expect(words).toHaveLength(2);
    expect(neighbourSurname(words)).toBe(words[0]);
    expect(nameWords({ ...person('ООО', 'Ромашка'), kind: 'company' })).toEqual([]);
  });

  it('looks up no neighbours for a lone word or a short surname', () => {
    expect(neighbourSurname(['ivanenko'])).toBeNull();
    expect(neighbourSurname(['li', 'marina'])).toBeNull();
  });

  it('pairs each neighbour of the surname with the other words, leaving out those the sound key blocks', () => {
    const [surname, first] = nameWords(person('Иваненко', 'Марина'));
    const [longer] = nameWords(person('Иваненков', 'Марина'));
    const [vowel] = nameWords(person('Иваненка', 'Марина'));
    expect(neighbourBlocks([surname!, first!], [longer!, vowel!])).toEqual([[longer, first]]);
  });
});
