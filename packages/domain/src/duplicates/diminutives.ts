import { matchKey } from '../normalize/match-key.ts';

/**
 * Everyday forms of first names and the full names they stand for. Keys are compared by match key,
 * so `Саша`, `Sasha` and `SASHA` all find `Александр`; the table is written once, in the script the
 * names are usually spelled in. A form may stand for several names (`Женя`: Евгений, Евгения).
 */
const FULL_NAMES_BY_FORM: Record<string, string[]> = {
  // Russian
  Саша: ['Александр', 'Александра'],
  Шура: ['Александр', 'Александра'],
  Саня: ['Александр', 'Александра'],
  Алекс: ['Александр', 'Алексей'],
  Женя: ['Евгений', 'Евгения'],
  Дима: ['Дмитрий'],
  Митя: ['Дмитрий'],
  Миша: ['Михаил'],
  Коля: ['Николай'],
  Катя: ['Екатерина'],
  Лена: ['Елена'],
  Маша: ['Мария'],
  Наташа: ['Наталья', 'Наталия'],
  Таня: ['Татьяна'],
  Оля: ['Ольга'],
  Серёжа: ['Сергей'],
  Вова: ['Владимир'],
  Володя: ['Владимир'],
  Лёша: ['Алексей'],
  Алёша: ['Алексей'],
  Ваня: ['Иван'],
  Петя: ['Пётр'],
  Паша: ['Павел'],
  Юля: ['Юлия'],
  Настя: ['Анастасия'],
  Аня: ['Анна'],
  Света: ['Светлана'],
  Галя: ['Галина'],
  Люда: ['Людмила'],
  Вася: ['Василий'],
  Витя: ['Виктор'],
  Костя: ['Константин'],
  Слава: ['Вячеслав', 'Станислав', 'Ярослав', 'Владислав'],
  Стас: ['Станислав'],
  Влад: ['Владислав'],
  Гоша: ['Георгий'],
  Жора: ['Георгий'],
  Гриша: ['Григорий'],
  Толя: ['Анатолий'],
  Юра: ['Юрий'],
  Рома: ['Роман'],
  Лёня: ['Леонид'],
  Боря: ['Борис'],
  Федя: ['Фёдор'],
  Тёма: ['Артём'],
  Макс: ['Максим'],
  Даша: ['Дарья'],
  Ира: ['Ирина'],
  Надя: ['Надежда'],
  Люба: ['Любовь'],
  Ксюша: ['Ксения'],
  Соня: ['Софья', 'София'],
  Поля: ['Полина'],
  Лиза: ['Елизавета'],
  Валя: ['Валентина', 'Валентин'],
  Вика: ['Виктория'],
  Зина: ['Зинаида'],
  Тоня: ['Антонина'],
  Аля: ['Алла', 'Алевтина'],
  Миля: ['Людмила', 'Эмилия'],
  Гена: ['Геннадий'],
  Аркаша: ['Аркадий'],
  Лёва: ['Лев'],
  Сеня: ['Семён', 'Арсений'],
  Тимоша: ['Тимофей'],
  Эдик: ['Эдуард'],
  Вадик: ['Вадим'],
  Нюра: ['Анна'],
  Дуся: ['Евдокия'],
  Игорёк: ['Игорь'],
  // English
  Bob: ['Robert'],
  Rob: ['Robert'],
  Bobby: ['Robert'],
  Bill: ['William'],
  Will: ['William'],
  Liz: ['Elizabeth'],
  Beth: ['Elizabeth'],
  Betty: ['Elizabeth'],
  Kate: ['Katherine', 'Catherine'],
  Katie: ['Katherine', 'Catherine'],
  Jim: ['James'],
  Jimmy: ['James'],
  Mike: ['Michael'],
  Dick: ['Richard'],
  Rick: ['Richard'],
  Tom: ['Thomas'],
  Tony: ['Anthony'],
  Jack: ['John'],
  Johnny: ['John'],
  Joe: ['Joseph'],
  Dan: ['Daniel'],
  Dave: ['David'],
  Steve: ['Steven', 'Stephen'],
  Chris: ['Christopher', 'Christine'],
  Matt: ['Matthew'],
  Nick: ['Nicholas'],
  Sam: ['Samuel', 'Samantha'],
  Ben: ['Benjamin'],
  Alex: ['Alexander', 'Alexandra'],
  Peggy: ['Margaret'],
  Maggie: ['Margaret'],
  Jenny: ['Jennifer'],
  Sue: ['Susan'],
  Ed: ['Edward'],
  Ted: ['Edward'],
  Andy: ['Andrew'],
};

/** Match key of a form → match keys of the full names it may stand for. */
const FULL_KEYS: ReadonlyMap<string, readonly string[]> = new Map(
  Object.entries(FULL_NAMES_BY_FORM).map(([form, names]) => [matchKey(form), names.map((n) => matchKey(n))]),
);

/** The match keys a first name may stand for: itself and, for an everyday form, its full names. */
export function firstNameKeys(key: string): readonly string[] {
  const full = FULL_KEYS.get(key);
  return full ? [key, ...full] : [key];
}

/** True when one first name is an everyday form of the other (`Саша`/`Alexander`, `Bob`/`Robert`). */
export function sameFullName(a: string, b: string): boolean {
  const ka = firstNameKeys(a);
  const kb = firstNameKeys(b);
  return ka.some((k) => kb.includes(k));
}

/** How many forms the table knows, for tests. */
export const diminutiveCount = FULL_KEYS.size;
