import { describe, expect, it } from 'vitest';
import { matchKey } from '../normalize/match-key.ts';
import { genderForms, nameReadings } from './names.ts';
import type { DuplicateRecord } from './record.ts';
import { scorePair } from './score.ts';

const person = (id: string, fields: Partial<DuplicateRecord>): DuplicateRecord => ({
  id,
  kind: 'person',
  phones: [],
  emails: [],
  ...fields,
});

describe('genderForms', () => {
  it.each([
    ['Иванов', 'Иванова', true],
    ['Пушкин', 'Pushkina', true],
    ['Достоевский', 'Достоевская', true],
    ['Толстой', 'Толстая', true],
    ['Александр', 'Александра', true],
    ['Евгений', 'Евгения', true],
    ['Петрович', 'Петровна', true],
    ['Сергеевич', 'Sergeevna', true],
    ['Ильич', 'Ильинична', true],
    ['Иванов', 'Иванов', false],
    ['Иванов', 'Ивонов', false],
    ['Шевченко', 'Шевченко', false],
    ['Анна', 'Ана', false],
  ])('%s / %s → %s', (a, b, expected) => {
    expect(genderForms(matchKey(a), matchKey(b))).toBe(expected);
  });
});

describe('nameReadings', () => {
  it('reads a whole ФИО put into the surname field also split', () => {
    expect(nameReadings(person('a', { lastName: 'Иванов Иван Иванович' }))).toEqual([
      { lastName: 'Иванов Иван Иванович', firstName: null, patronymic: null },
      { lastName: 'Иванов', firstName: 'Иван', patronymic: 'Иванович' },
    ]);
  });

  it('keeps a record with a first name as it is', () => {
    expect(nameReadings(person('a', { lastName: 'van de Kamp', firstName: 'Anna' }))).toHaveLength(1);
  });

  it('scores a ФИО in one field against the same person entered in parts', () => {
    const result = scorePair(
      person('a', { lastName: 'Сидоров Пётр Ильич', birthday: '1961-02-03' }),
      person('b', { lastName: 'Сидоров', firstName: 'Петя', patronymic: 'Ильич', birthday: '1961-02-03' }),
    );
    expect(result.decision).toBe('duplicate');
  });

  it('does not merge father and daughter by patronymic form', () => {
    const result = scorePair(
      person('a', { lastName: 'Орлов', firstName: 'Женя', patronymic: 'Петрович', phones: ['+79161234567'] }),
      person('b', {
        lastName: 'Орлова',
        firstName: 'Женя',
        patronymic: 'Петровна',
        phones: ['+79161234567'],
      }),
    );
    expect(result.decision).not.toBe('duplicate');
  });
});
