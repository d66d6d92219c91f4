import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diminutiveCount } from './diminutives.ts';
import { explainScore } from './explain.ts';
import type { DuplicateRecord } from './record.ts';
import { type DuplicateField, scorePair } from './score.ts';

const person = (id: string, fields: Partial<DuplicateRecord>): DuplicateRecord => ({
  id,
  kind: 'person',
  phones: [],
  emails: [],
  ...fields,
});

const company = (id: string, fields: Partial<DuplicateRecord>): DuplicateRecord => ({
  id,
  kind: 'company',
  phones: [],
  emails: [],
  ...fields,
});

const reasonOf = (a: DuplicateRecord, b: DuplicateRecord, field: DuplicateField) =>
  scorePair(a, b).reasons.find((r) => r.field === field);

describe('scorePair: one client written twice', () => {
  it.each([
    [
      'Фёдоров Александр / Fedorov Sasha, same phone',
      person('a', { lastName: 'Фёдоров', firstName: 'Александр', phones: ['+79161234567'] }),
      person('b', { lastName: 'Fedorov', firstName: 'Sasha', phones: ['+79161234567'] }),
    ],
    [
      'Иванова Екатерина / Иванова Катя, same birthday',
      person('a', { lastName: 'Иванова', firstName: 'Екатерина', birthday: '1990-05-17' }),
      person('b', { lastName: 'Иванова', firstName: 'Катя', birthday: '1990-05-17' }),
    ],
    [
      'same phone written with and without formatting',
      person('a', { lastName: 'Смирнов', firstName: 'Олег', phones: ['+7 (916) 123-45-67'] }),
      person('b', { lastName: 'Смирнов', firstName: 'Олег', phones: ['+79161234567', '+74951112233'] }),
    ],
    [
      'first and last name swapped, same birthday',
      person('a', { lastName: 'Петров', firstName: 'Иван', birthday: '1985-03-04' }),
      person('b', { lastName: 'Иван', firstName: 'Петров', birthday: '1985-03-04' }),
    ],
    [
      'typo in the surname, day and month swapped, same e-mail',
      person('a', {
        lastName: 'Кузнецова',
        firstName: 'Мария',
        birthday: '1985-03-04',
        emails: ['m.k@mail.ru'],
      }),
      person('b', {
        lastName: 'Кузнецва',
        firstName: 'Маша',
        birthday: '1985-04-03',
        emails: ['m.k@mail.ru'],
      }),
    ],
    [
      'Bob / Robert, same e-mail',
      person('a', { lastName: 'Smith', firstName: 'Bob', emails: ['bob@example.com'] }),
      person('b', { lastName: 'Smith', firstName: 'Robert', emails: ['bob@example.com'] }),
    ],
    [
      'Лёша / Alexey with a patronymic, a transposed phone digit and the same address',
      person('a', {
        lastName: 'Щукин',
        firstName: 'Лёша',
        patronymic: 'Петрович',
        phones: ['+79161234567'],
        address: 'ул. Ленина, д. 5, кв. 12',
      }),
      person('b', {
        lastName: 'Shchukin',
        firstName: 'Alexey',
        patronymic: 'Petrovich',
        phones: ['+79161235467'],
        address: 'Ленина ул 5 кв 12',
      }),
    ],
    [
      'ООО «Ромашка» / Ромашка, same INN',
      company('a', { legalName: 'ООО «Ромашка»', inn: '7707083893' }),
      company('b', { legalName: 'Ромашка ООО', inn: '7707083893' }),
    ],
  ])('%s → duplicate', (_case, a, b) => {
    const result = scorePair(a, b);
    expect(result.decision).toBe('duplicate');
    expect(result.score).toBeGreaterThanOrEqual(0.95);
    expect(scorePair(b, a).score).toBe(result.score);
  });

  it.each([
    [
      'namesakes with different birthdays',
      person('a', { lastName: 'Иванов', firstName: 'Иван', birthday: '1970-01-01' }),
      person('b', { lastName: 'Иванов', firstName: 'Иван', birthday: '1988-11-23' }),
    ],
    [
      'husband and wife sharing phone and address',
      person('a', {
        lastName: 'Иванов',
        firstName: 'Сергей',
        phones: ['+79161234567'],
        address: 'Ленина 5-12',
      }),
      person('b', {
        lastName: 'Иванова',
        firstName: 'Светлана',
        phones: ['+79161234567'],
        address: 'Ленина 5-12',
      }),
    ],
    [
      'Александр / Александра, same surname form and phone',
      person('a', { lastName: 'Ким', firstName: 'Александр', phones: ['+79161234567'] }),
      person('b', { lastName: 'Ким', firstName: 'Александра', phones: ['+79161234567'] }),
    ],
    [
      'two companies with one name and different INNs',
      company('a', { legalName: 'ООО «Ромашка»', inn: '7707083893' }),
      company('b', { legalName: 'АО Ромашка', inn: '5001012345' }),
    ],
    [
      'a person and a company',
      person('a', { lastName: 'Ромашка', phones: ['+79161234567'] }),
      company('b', { legalName: 'Ромашка', phones: ['+79161234567'] }),
    ],
  ])('%s → not a duplicate', (_case, a, b) => {
    expect(scorePair(a, b).decision).not.toBe('duplicate');
  });

  it('names alone (Фёдоров Александр / Fedorov Sasha) are worth a review, not a merge', () => {
    const result = scorePair(
      person('a', { lastName: 'Фёдоров', firstName: 'Александр' }),
      person('b', { lastName: 'Fedorov', firstName: 'Sasha' }),
    );
    expect(result.decision).toBe('possible');
  });

  it('explains each field: agreement, similarity, weight and points', () => {
    const a = person('a', { lastName: 'Фёдоров', firstName: 'Александр', phones: ['+79161234567'] });
    const b = person('b', {
      lastName: 'Fedorov',
      firstName: 'Sasha',
      phones: ['+79161234567'],
      birthday: '1990-01-01',
    });
    expect(reasonOf(a, b, 'lastName')).toMatchObject({
      agreement: 'exact',
      similarity: 1,
      weight: 5,
      points: 5,
    });
    expect(reasonOf(a, b, 'firstName')).toMatchObject({ agreement: 'similar', note: 'diminutive' });
    expect(reasonOf(a, b, 'phone')).toMatchObject({ agreement: 'exact', points: 7 });
    expect(reasonOf(a, b, 'birthday')).toMatchObject({ agreement: 'missing', points: 0 });
    const result = scorePair(a, b);
    const total = result.reasons.reduce((s, r) => s + r.points, 0);
    expect(result.logOdds).toBeCloseTo(total - 6, 2);
  });

  it.each([
    ['1985-03-04', '1985-04-03', 'similar', 'transposed'],
    ['1985-03-04', '1985-03-05', 'similar', 'typo'],
    ['1985-03-04', '1958-03-04', 'similar', 'typo'],
    ['1985-03-04', '1991-07-20', 'different', undefined],
  ])('birthday %s vs %s is %s', (x, y, agreement, note) => {
    const r = reasonOf(person('a', { birthday: x }), person('b', { birthday: y }), 'birthday');
    expect(r?.agreement).toBe(agreement);
    expect(r?.note).toBe(note);
  });

  it.each([
    ['+79161234567', '+79161234576', 'similar'],
    ['+79161234567', '+79161234568', 'similar'],
    ['+79161234567', '+74957654321', 'different'],
  ])('phone %s vs %s is %s', (x, y, agreement) => {
    expect(reasonOf(person('a', { phones: [x] }), person('b', { phones: [y] }), 'phone')?.agreement).toBe(
      agreement,
    );
  });

  it('swapped names are noted', () => {
    const r = reasonOf(
      person('a', { lastName: 'Петров', firstName: 'Иван' }),
      person('b', { lastName: 'Иван', firstName: 'Петров' }),
      'lastName',
    );
    expect(r).toMatchObject({ agreement: 'exact', note: 'swapped' });
  });

  it('knows more than 40 everyday name forms', () => {
    expect(diminutiveCount).toBeGreaterThan(40);
  });
});

describe('scorePair: numbered e-mail addresses', () => {
  it('takes client1@ and client601@ as two accounts, not a typo', () => {
    const a = person('a', { lastName: 'Иванов', firstName: 'Иван', emails: ['client1@example.ru'] });
    const b = person('b', { lastName: 'Иванов', firstName: 'Иван', emails: ['client601@example.ru'] });
    expect(reasonOf(a, b, 'email')?.agreement).toBe('different');
    // Two namesakes with different birthdays and numbered e-mails are not even a possible duplicate.
    const older = { ...a, birthday: '1961-02-02', patronymic: 'Петрович' };
    const younger = { ...b, birthday: '1981-06-14', patronymic: 'Юрьевич' };
    expect(scorePair(older, younger).decision).toBe('distinct');
  });

  it('still sees a typo in the letters of an address', () => {
    const a = person('a', { lastName: 'Иванов', firstName: 'Иван', emails: ['ivan.ivanov@mail.ru'] });
    const b = person('b', { lastName: 'Иванов', firstName: 'Иван', emails: ['ivan.ivnaov@mail.ru'] });
    expect(reasonOf(a, b, 'email')?.agreement).toBe('similar');
  });
});

describe('explainScore', () => {
  const a = person('a', { lastName: 'Иванова', firstName: 'Екатерина', birthday: '1990-05-17' });
  const b = person('b', { lastName: 'Ivanova', firstName: 'Katya', birthday: '1990-05-17', city: 'Москва' });

  it('speaks Russian', () => {
    const lines = explainScore(scorePair(a, b), 'ru');
    expect(lines[0]).toMatch(/^Дубликат: вероятность \d+%$/);
    expect(lines).toContain('Фамилия совпадает: +5.0');
    expect(lines).toContain('Дата рождения совпадает: +6.0');
    expect(lines.some((l) => l.startsWith('Имя похоже (95%, уменьшительная форма)'))).toBe(true);
    expect(lines.some((l) => l.startsWith('Город'))).toBe(false);
  });

  it('speaks English', () => {
    const lines = explainScore(scorePair(a, b), 'en');
    expect(lines[0]).toMatch(/^Duplicate: probability \d+%$/);
    expect(lines.some((l) => l.startsWith('First name is similar (95%, a diminutive)'))).toBe(true);
  });

  it('names the kind mismatch', () => {
    const lines = explainScore(
      scorePair(person('a', { lastName: 'Ромашка' }), company('b', { legalName: 'Ромашка' })),
      'ru',
    );
    expect(lines).toEqual(['Разные клиенты: вероятность 0%', 'Один клиент — человек, другой — организация']);
  });
});

describe('scorePair on arbitrary input', () => {
  const text = fc.option(
    fc.oneof(fc.string(), fc.constantFrom('Иванов', 'Ivanov', 'Саша', 'Петрович', 'ООО «Ромашка»')),
    {
      nil: undefined,
    },
  );
  const record = fc.record({
    id: fc.string(),
    kind: fc.constantFrom('person' as const, 'company' as const),
    lastName: text,
    firstName: text,
    patronymic: text,
    legalName: text,
    phones: fc.array(fc.constantFrom('+79161234567', '+79161234576', '+74951112233', '', '+7')),
    emails: fc.array(fc.constantFrom('a@b.ru', 'a@b.ru ', 'ab@b.ru', 'x@y.com', '@', '')),
    birthday: fc.option(fc.constantFrom('1985-03-04', '1985-04-03', '1958-03-04', '85', ''), {
      nil: undefined,
    }),
    inn: text,
    city: text,
    address: text,
    postcode: text,
    externalId: text,
  });

  it('is symmetric, finite and within 0..1', () => {
    fc.assert(
      fc.property(record, record, (a, b) => {
        const ab = scorePair(a, b);
        const ba = scorePair(b, a);
        expect(ab.score).toBeGreaterThanOrEqual(0);
        expect(ab.score).toBeLessThanOrEqual(1);
        expect(Number.isFinite(ab.logOdds)).toBe(true);
        expect(ba.score).toBe(ab.score);
        expect(ba.decision).toBe(ab.decision);
        expect(explainScore(ab, 'ru').length).toBeGreaterThan(0);
      }),
      { numRuns: 1000 },
    );
  });
});
