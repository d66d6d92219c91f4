import { describe, expect, it } from 'vitest';
import { normalizeName, personDisplayName, personShortName, splitFullName } from './name.ts';

describe('normalizeName', () => {
  it.each([
    ['  Иван  ', 'Иван'],
    ['Анна\u00A0Мария', 'Анна Мария'],
    ['Петров-\tВодкин', 'Петров- Водкин'],
    ['a\n\n b', 'a b'],
    ['', null],
    ['  \u00A0 ', null],
    [null, null],
    [undefined, null],
  ])('%j → %j', (raw, expected) => {
    expect(normalizeName(raw)).toBe(expected);
  });
});

describe('splitFullName', () => {
  it.each([
    ['Иванов Иван Иванович', 'Иванов', 'Иван', 'Иванович'],
    ['  Иванова   Мария\u00A0Петровна ', 'Иванова', 'Мария', 'Петровна'],
    ['Иван Иванович Иванов', 'Иванов', 'Иван', 'Иванович'],
    ['Мария Ильинична Петрова', 'Петрова', 'Мария', 'Ильинична'],
    ['Сидорова Анна Никитична', 'Сидорова', 'Анна', 'Никитична'],
    ['Абрамович Роман Аркадьевич', 'Абрамович', 'Роман', 'Аркадьевич'],
    ['Роман Аркадьевич Абрамович', 'Абрамович', 'Роман', 'Аркадьевич'],
    ['Алиев Рашид Исмаил оглы', 'Алиев', 'Рашид', 'Исмаил оглы'],
    ['Рашид Исмаил оглы Алиев', 'Алиев', 'Рашид', 'Исмаил оглы'],
    ['Мамедова Айгюль Расул кызы', 'Мамедова', 'Айгюль', 'Расул кызы'],
    ['Иванов Иван', 'Иванов', 'Иван', null],
    ['Иван Иванович', null, 'Иван', 'Иванович'],
    ['Иванов', 'Иванов', null, null],
    ['Smith John', 'Smith', 'John', null],
    ['Салтыкова-Щедрина Анна Мария Сергеевна', 'Салтыкова-Щедрина', 'Анна Мария', 'Сергеевна'],
    ['Иванов Иван Гео', 'Иванов', 'Иван', 'Гео'],
  ])('%j', (full, lastName, firstName, patronymic) => {
    expect(splitFullName(full)).toEqual({ lastName, firstName, patronymic });
  });

  it('returns all nulls for an empty string', () => {
    expect(splitFullName('  ')).toEqual({ lastName: null, firstName: null, patronymic: null });
  });
});

describe('personDisplayName / personShortName', () => {
  it.each([
    [
      { lastName: 'Иванов', firstName: 'Иван', patronymic: 'Иванович' },
      'Иванов Иван Иванович',
      'Иванов И. И.',
    ],
    [{ lastName: ' Иванов ', firstName: 'Иван', patronymic: null }, 'Иванов Иван', 'Иванов И.'],
    [{ lastName: 'Иванов' }, 'Иванов', 'Иванов'],
    [{ firstName: 'анна', patronymic: '' }, 'анна', 'А.'],
    [{}, '', ''],
  ])('%j', (parts, full, short) => {
    expect(personDisplayName(parts)).toBe(full);
    expect(personShortName(parts)).toBe(short);
  });
});
