/**
 * Files a person brings to the import: here, a Russian Excel export — Windows-1251, `;`-separated,
 * CRLF — of a few thousand clients, with some bad cells and some people entered twice.
 */

/** Windows-1251 for the characters the file uses (ASCII, А–я, Ё/ё, №, «»). */
export function encodeCp1251(text: string): Buffer {
  const out = Buffer.alloc(text.length);
  let n = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    let byte: number;
    if (code < 0x80) byte = code;
    else if (code >= 0x410 && code <= 0x44f) byte = code - 0x410 + 0xc0;
    else if (code === 0x401) byte = 0xa8;
    else if (code === 0x451) byte = 0xb8;
    else if (code === 0x2116) byte = 0xb9;
    else if (code === 0xab) byte = 0xab;
    else if (code === 0xbb) byte = 0xbb;
    else throw new Error(`No Windows-1251 byte for ${JSON.stringify(ch)}`);
    out[n++] = byte;
  }
  return out.subarray(0, n);
}

const LAST = [
  'Иванов',
  'Смирнов',
  'Кузнецов',
  'Попов',
  'Васильев',
  'Соколов',
  'Михайлов',
  'Новиков',
  'Морозов',
  'Волков',
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
];
const FIRST = [
  'Иван',
  'Пётр',
  'Алексей',
  'Дмитрий',
  'Сергей',
  'Андрей',
  'Михаил',
  'Николай',
  'Егор',
  'Олег',
  'Артём',
  'Максим',
  'Роман',
  'Кирилл',
  'Глеб',
  'Тимур',
  'Павел',
  'Юрий',
  'Виктор',
  'Лев',
];
const MIDDLE = [
  'Иванович',
  'Петрович',
  'Сергеевич',
  'Андреевич',
  'Олегович',
  'Юрьевич',
  'Павлович',
  'Викторович',
  'Романович',
  'Максимович',
];
const CITIES = ['Москва', 'Казань', 'Самара', 'Пермь', 'Тверь'];

export type ClientFile = {
  bytes: Buffer;
  /** Data rows in the file. */
  rows: number;
  /** Rows with a bad phone or date: reported, and (partial rows off) not imported. */
  invalid: number;
  /** The pair entered twice under two spellings: one person the scan must find after the import. */
  pair: [string, string];
};

/**
 * `rows` clients, every 100th with a phone that cannot be a number, and one person written twice —
 * `Фёдоров Александр Иванович` and `Федоров Саша` with the same birthday, different phones.
 */
export function russianExcelExport(rows: number): ClientFile {
  const lines = ['Код клиента;ФИО;Телефон;E-mail;Город;Дата рождения'];
  let invalid = 0;
  // A fixed pseudo-random sequence: numbers and birthdays unlike each other, the same every run.
  let seed = 20261123;
  const next = (n: number) => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return (seed >>> 8) % n;
  };
  for (let i = 1; i <= rows - 2; i++) {
    // A different person on every row (30 × 20 × 10 names).
    const last = LAST[i % LAST.length]!;
    const first = FIRST[Math.floor(i / LAST.length) % FIRST.length]!;
    const middle = MIDDLE[Math.floor(i / (LAST.length * FIRST.length)) % MIDDLE.length]!;
    const bad = i % 100 === 7;
    if (bad) invalid += 1;
    const phone = bad
      ? '12-34'
      : `8 (9${String(10 + (i % 20))}) ${String(100 + next(900))}-${String(10 + next(90))}-${String(10 + next(90))}`;
    const day = String(next(28) + 1).padStart(2, '0');
    const month = String(next(12) + 1).padStart(2, '0');
    const year = 1950 + next(55);
    lines.push(
      [
        `K${i}`,
        `${last} ${first} ${middle}`,
        phone,
        `client${i}@example.ru`,
        CITIES[i % CITIES.length],
        `${day}.${month}.${year}`,
      ].join(';'),
    );
  }
  lines.push('K-F1;Фёдоров Александр Иванович;+7 916 700-00-01;fedorov@example.ru;Москва;12.03.1985');
  lines.push('K-F2;Федоров Саша;8 903 700 00 02;sasha.f@example.ru;Москва;12.03.1985');
  return {
    bytes: encodeCp1251(`${lines.join('\r\n')}\r\n`),
    rows,
    invalid,
    pair: ['Фёдоров Александр Иванович', 'Федоров Саша'],
  };
}
