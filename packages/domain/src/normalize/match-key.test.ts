import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { companyMatchKey } from './company.ts';
import { matchKey } from './match-key.ts';

describe('matchKey: spellings of one name meet', () => {
  it.each([
    ['Фёдоров', 'Федоров'],
    ['Федоров', 'Fedorov'],
    ['Fedorov', 'Fyodorov'],
    ['Fedorov', 'FEDOROV'],
    ['Фёдоров', 'Fyodorov'],
    ['Щукин', 'Shchukin'],
    ['Щукин', 'Schukin'],
    ['Юлия', 'Yulia'],
    ['Юлия', 'Iuliia'],
    ['Юлия', 'Julia'],
    ['Юлия', 'Yuliya'],
    ['Хабиб', 'Khabib'],
    ['Хабиб', 'Habib'],
    ['Александр', 'Aleksandr'],
    ['Александр', 'Alexander'],
    ['Александр', 'Alexandr'],
    ['Цой', 'Tsoy'],
    ['Цой', 'Tsoi'],
    ['Алексей', 'Alexey'],
    ['Алексей', 'Aleksei'],
    ['Дмитрий', 'Dmitry'],
    ['Дмитрий', 'Dmitriy'],
    ['Дмитрий', 'Dmitrii'],
    ['Юрий', 'Jurij'],
    ['Юрий', 'Yuri'],
    ['Евгений', 'Yevgeniy'],
    ['Евгений', 'Evgeny'],
    ['Андреев', 'Andreyev'],
    ['Васильев', 'Vasiliev'],
    ['Васильев', 'Vasilyev'],
    ['Наталья', 'Natalia'],
    ['Наталья', 'Natalya'],
    ['Илья', "Il'ya"],
    ['Илья', 'Ilia'],
    ['Ксения', 'Xenia'],
    ['Ксения', 'Kseniya'],
    ['София', 'Sophia'],
    ['Софья', 'Sofia'],
    ['Анна', 'Anna'],
    ['Анна', 'Ana'],
    ['Жуков', 'Zhukov'],
    ['Чайковский', 'Tchaikovsky'],
    ['Чайковский', 'Chaikovskiy'],
    ['Пётр', 'Pyotr'],
    ['Пётр', 'Petr'],
    ['Артём', 'Artyom'],
    ['Семён', 'Semyon'],
    ['Игорь', "Igor'"],
    ['Шишкин', 'SHISHKIN'],
    ['Müller', 'Muller'],
    ['Филиппов', 'Filipov'],
    ['Виктор', 'Victor'],
    ['Петров-Водкин', 'Petrov Vodkin'],
  ])('%s ~ %s', (a, b) => {
    expect(matchKey(a)).toBe(matchKey(b));
  });
});

describe('matchKey: different names stay apart', () => {
  it.each([
    ['Иванов', 'Петров'],
    ['Мария', 'Марина'],
    ['Иванов', 'Иванова'],
    ['Иван', 'Иванов'],
    ['Сергей', 'Сергеев'],
    ['Щукин', 'Шукин'],
    ['Цой', 'Той'],
    ['Юлия', 'Юрий'],
    ['Алексей', 'Александр'],
    ['Анна', 'Яна'],
    ['Саша', 'Маша'],
    ['Чернов', 'Черных'],
    ['Хабиб', 'Хабибов'],
    ['Жуков', 'Зуков'],
    ['Ким', 'Ким Ир'],
  ])('%s ≠ %s', (a, b) => {
    expect(matchKey(a)).not.toBe(matchKey(b));
  });
});

describe('matchKey: shape', () => {
  it.each([
    [['Фёдоров'], 'fedorov'],
    [['Щукин'], 'shchukin'],
    [['Цой'], 'tsoi'],
    [['Хабиб'], 'khabib'],
    [['Юлия'], 'iulia'],
    [['Иванов', 'Иван'], 'ivanov ivan'],
    [['Иванов', null, undefined, ''], 'ivanov'],
    [['  '], ''],
    [['王小明'], '王小明'],
  ])('%j → %j', (parts, key) => {
    expect(matchKey(...parts)).toBe(key);
  });

  it('is idempotent: a key folds to itself', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (s) => {
        const key = matchKey(s);
        expect(matchKey(key)).toBe(key);
      }),
    );
  });
});

describe('companyMatchKey', () => {
  it.each([
    ['ООО «Ромашка»', 'romashka'],
    ['Ромашка, ООО', 'romashka'],
    ['Общество с ограниченной ответственностью "Ромашка"', 'romashka'],
    ['ПАО Сбербанк', 'sberbank'],
    ['Sberbank PJSC', 'sberbank'],
    ['Romashka LLC', 'romashka'],
    ['ИП Иванов Иван Иванович', 'ivanov ivan ivanovich'],
    ['АО «Рога и Копыта»', 'roga i kopita'],
    ['ООО', ''],
  ])('%j → %j', (name, key) => {
    expect(companyMatchKey(name)).toBe(key);
  });
});
