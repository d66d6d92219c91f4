/**
 * A generated contacts file for the import bench: what a bought list or a Russian Excel export
 * looks like. Seeded (the same file for the same seed and size), written streamed to disk.
 *
 * Columns: `ФИО;Телефон;E-mail;Город;Дата рождения;Комментарий` (`;`, UTF-8). People have a
 * last name, a first name and a patronymic in agreeing gender; phones are written in the mixed
 * forms people type (`+7 (912) 345-67-89`, `89123456789`, `8-912-345-67-89`…); 70% have an e-mail.
 * About `duplicateShare` of the rows repeat an earlier person with variations (another phone
 * form, e-mail case, ё as е, name order, a missing cell); about `invalidShare` have a value that
 * does not parse (a short phone, a broken e-mail, 31 February).
 */

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { matchKey } from '@cb/domain';

export type ContactsFileOptions = {
  rows: number;
  seed?: number;
  duplicateShare?: number;
  invalidShare?: number;
};

export type ContactsFileStats = { rows: number; duplicates: number; invalid: number; bytes: number };

export const CONTACT_HEADERS = ['ФИО', 'Телефон', 'E-mail', 'Город', 'Дата рождения', 'Комментарий'];

/** mulberry32: small, fast, good enough for test data, and the same sequence on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const maleLast = [
  'Иванов',
  'Смирнов',
  'Кузнецов',
  'Попов',
  'Васильев',
  'Петров',
  'Соколов',
  'Михайлов',
  'Новиков',
  'Фёдоров',
  'Морозов',
  'Волков',
  'Алексеев',
  'Лебедев',
  'Семёнов',
  'Егоров',
  'Павлов',
  'Козлов',
  'Степанов',
  'Николаев',
  'Орлов',
  'Андреев',
  'Макаров',
  'Никитин',
  'Захаров',
  'Зайцев',
  'Соловьёв',
  'Борисов',
  'Яковлев',
  'Григорьев',
  'Романов',
  'Воробьёв',
  'Сергеев',
  'Кузьмин',
  'Фролов',
  'Александров',
  'Дмитриев',
  'Королёв',
  'Гусев',
  'Киселёв',
  'Ильин',
  'Максимов',
  'Поляков',
  'Сорокин',
];
const maleFirst = [
  'Александр',
  'Дмитрий',
  'Максим',
  'Сергей',
  'Андрей',
  'Алексей',
  'Артём',
  'Илья',
  'Кирилл',
  'Михаил',
  'Никита',
  'Матвей',
  'Роман',
  'Егор',
  'Арсений',
  'Иван',
  'Денис',
  'Евгений',
  'Даниил',
  'Тимофей',
  'Владислав',
  'Игорь',
  'Владимир',
  'Павел',
  'Руслан',
  'Марк',
  'Константин',
  'Николай',
];
const femaleFirst = [
  'Анастасия',
  'Мария',
  'Анна',
  'Виктория',
  'Екатерина',
  'Наталья',
  'Марина',
  'Полина',
  'Дарья',
  'Алиса',
  'Елена',
  'Ольга',
  'Татьяна',
  'Ирина',
  'Юлия',
  'Ксения',
  'Светлана',
  'Александра',
  'Софья',
  'Вера',
  'Людмила',
  'Галина',
  'Валентина',
  'Надежда',
  'Любовь',
  'Евгения',
  'Алёна',
];
const fatherNames = [
  ['Александрович', 'Александровна'],
  ['Дмитриевич', 'Дмитриевна'],
  ['Сергеевич', 'Сергеевна'],
  ['Андреевич', 'Андреевна'],
  ['Алексеевич', 'Алексеевна'],
  ['Михайлович', 'Михайловна'],
  ['Иванович', 'Ивановна'],
  ['Владимирович', 'Владимировна'],
  ['Николаевич', 'Николаевна'],
  ['Петрович', 'Петровна'],
  ['Викторович', 'Викторовна'],
  ['Юрьевич', 'Юрьевна'],
  ['Олегович', 'Олеговна'],
  ['Евгеньевич', 'Евгеньевна'],
  ['Игоревич', 'Игоревна'],
  ['Павлович', 'Павловна'],
  ['Ильич', 'Ильинична'],
];
const cities = [
  'Москва',
  'Санкт-Петербург',
  'Новосибирск',
  'Екатеринбург',
  'Казань',
  'Нижний Новгород',
  'Челябинск',
  'Самара',
  'Омск',
  'Ростов-на-Дону',
  'Уфа',
  'Красноярск',
  'Воронеж',
  'Пермь',
  'Волгоград',
  'Краснодар',
  'Саратов',
  'Тюмень',
  'Тольятти',
  'Ижевск',
  'Барнаул',
  'Ульяновск',
  'Иркутск',
  'Хабаровск',
  'Ярославль',
];
const domains = ['mail.ru', 'yandex.ru', 'gmail.com', 'bk.ru', 'inbox.ru', 'list.ru', 'rambler.ru'];
const comments = [
  '',
  '',
  '',
  'постоянный клиент',
  'звонить после 18:00',
  'из рассылки',
  'VIP',
  '=СУММ(A1:A2)',
];

/** Names as an e-mail would spell them: the domain's own transliteration (`Фёдоров` → `fedorov`). */
const translit = (s: string) => matchKey(s).replaceAll(' ', '');

type Person = {
  last: string;
  first: string;
  patronymic: string;
  phone: string;
  email: string;
  city: string;
  birthday: string;
};

const pad = (n: number) => String(n).padStart(2, '0');

function formatPhone(digits10: string, style: number): string {
  const [a, b, c, d] = [digits10.slice(0, 3), digits10.slice(3, 6), digits10.slice(6, 8), digits10.slice(8)];
  switch (style % 6) {
    case 0:
      return `+7 (${a}) ${b}-${c}-${d}`;
    case 1:
      return `8${digits10}`;
    case 2:
      return `8-${a}-${b}-${c}-${d}`;
    case 3:
      return `+7${digits10}`;
    case 4:
      return `8 (${a}) ${b}${c}${d}`;
    default:
      return `7 ${a} ${b} ${c} ${d}`;
  }
}

const csvCell = (value: string) => (/[;"\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** Writes the file and returns what it holds. */
export async function writeContactsFile(
  path: string,
  options: ContactsFileOptions,
): Promise<ContactsFileStats> {
  const random = seededRandom(options.seed ?? 20_261_123);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const duplicateShare = options.duplicateShare ?? 0.1;
  const invalidShare = options.invalidShare ?? 0.01;
  const out = createWriteStream(path);
  const originals: Person[] = [];
  let bytes = 0;
  let duplicates = 0;
  let invalid = 0;
  let buffer: string[] = [CONTACT_HEADERS.join(';')];

  const flush = async () => {
    const text = `${buffer.join('\n')}\n`;
    buffer = [];
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };

  for (let i = 0; i < options.rows; i++) {
    let person: Person;
    let fullName: string;
    let phone: string;
    let email: string;
    const roll = random();
    if (roll < duplicateShare && originals.length > 0) {
      duplicates++;
      person = pick(originals);
      const variation = Math.floor(random() * 4);
      fullName =
        variation === 0
          ? `${person.first} ${person.last}`
          : `${person.last} ${person.first} ${person.patronymic}`.replaceAll('ё', 'е');
      phone = variation === 3 ? '' : formatPhone(person.phone, Math.floor(random() * 6));
      email = variation === 1 ? person.email.toUpperCase() : person.email;
    } else {
      const female = random() < 0.5;
      const lastMale = pick(maleLast);
      const father = pick(fatherNames);
      // An injective walk over 10-digit mobile numbers: every original has its own phone.
      const phoneNumber = 9_000_000_000 + ((i * 7_919 + 12_345) % 999_999_999);
      person = {
        last: female ? `${lastMale}а` : lastMale,
        first: female ? pick(femaleFirst) : pick(maleFirst),
        patronymic: female ? father[1]! : father[0]!,
        phone: String(phoneNumber),
        email: '',
        city: pick(cities),
        birthday: `${pad(1 + Math.floor(random() * 28))}.${pad(1 + Math.floor(random() * 12))}.${1950 + Math.floor(random() * 56)}`,
      };
      if (random() < 0.7)
        person.email = `${translit(person.first)}.${translit(person.last)}${i}@${pick(domains)}`;
      if (originals.length < 200_000) originals.push(person);
      else originals[Math.floor(random() * originals.length)] = person;
      fullName = `${person.last} ${person.first} ${person.patronymic}`;
      phone = formatPhone(person.phone, Math.floor(random() * 6));
      email = person.email;
    }
    let birthday = person.birthday;
    if (roll > 1 - invalidShare) {
      invalid++;
      const broken = Math.floor(random() * 3);
      if (broken === 0) phone = '12-34';
      else if (broken === 1) email = 'ivan@';
      else birthday = '31.02.1990';
    }
    buffer.push([fullName, phone, email, person.city, birthday, pick(comments)].map(csvCell).join(';'));
    if (buffer.length >= 10_000) await flush();
  }
  await flush();
  out.end();
  await once(out, 'finish');
  return { rows: options.rows, duplicates, invalid, bytes };
}
