import { describe, expect, it } from 'vitest';
import {
  compactHeader,
  type ImportTarget,
  parseImportMapping,
  reuseMapping,
  suggestMapping,
} from './mapping.ts';

const targets = (headers: string[], custom?: { key: string; label: string }[]) =>
  suggestMapping(headers, custom).map((c) => c.target);

const field = (f: string): ImportTarget => ({ kind: 'field', field: f }) as ImportTarget;

describe('compactHeader', () => {
  it.each([
    ['Ф.И.О.', 'фио'],
    [' ФИО ', 'фио'],
    ['Эл. почта', 'элпочта'],
    ['E-mail', 'email'],
    ['Населённый пункт', 'населенныйпункт'],
    ['Телефон №2', 'телефон2'],
  ])('%s → %s', (header, compact) => {
    expect(compactHeader(header)).toBe(compact);
  });
});

describe('suggestMapping', () => {
  it.each([
    ['ФИО', field('fullName')],
    ['Ф.И.О.', field('fullName')],
    ['Full name', field('fullName')],
    ['Name', field('fullName')],
    ['Фамилия', field('lastName')],
    ['Last name', field('lastName')],
    ['Surname', field('lastName')],
    ['Имя', field('firstName')],
    ['First name', field('firstName')],
    ['Отчество', field('patronymic')],
    ['Middle name', field('patronymic')],
    ['Patronymic', field('patronymic')],
    ['Телефон', { kind: 'phone' }],
    ['Моб. телефон', { kind: 'phone' }],
    ['Phone', { kind: 'phone' }],
    ['Mobile', { kind: 'phone' }],
    ['Телефон 2', { kind: 'phone' }],
    ['Рабочий телефон', { kind: 'phone', type: 'work' }],
    ['E-mail', { kind: 'email' }],
    ['Email', { kind: 'email' }],
    ['Эл. почта', { kind: 'email' }],
    ['Почта', { kind: 'email' }],
    ['Город', field('city')],
    ['City', field('city')],
    ['Адрес', field('address')],
    ['Address', field('address')],
    ['Дата рождения', field('birthday')],
    ['Birthday', field('birthday')],
    ['DOB', field('birthday')],
    ['ИНН', field('inn')],
    ['INN', field('inn')],
    ['КПП', field('kpp')],
    ['Компания', field('legalName')],
    ['Организация', field('legalName')],
    ['Company', field('legalName')],
    ['Теги', field('tags')],
    ['Метки', field('tags')],
    ['Tags', field('tags')],
    ['Внешний ID', field('externalId')],
    ['ID', field('externalId')],
    ['External id', field('externalId')],
    ['Код клиента', field('externalId')],
    ['Телефон (доп.)', { kind: 'phone' }],
    ['Телефон 3 [моб]', { kind: 'phone' }],
    ['Дата рождения (дд.мм.гггг)', field('birthday')],
    ['Комментарий', null],
    ['', null],
  ])('%s → %j', (header, target) => {
    expect(targets([header])).toEqual([target]);
  });

  it('maps a realistic Russian Excel export', () => {
    const headers = [
      '№ п/п',
      'Ф.И.О.',
      'Дата рождения',
      'Моб. телефон',
      'Телефон 2',
      'E-mail',
      'Город',
      'Метки',
      'Размер одежды',
      'Примечание',
    ];
    expect(suggestMapping(headers, [{ key: 'size', label: 'Размер одежды' }])).toEqual([
      { column: 0, header: '№ п/п', target: null },
      { column: 1, header: 'Ф.И.О.', target: field('fullName') },
      { column: 2, header: 'Дата рождения', target: field('birthday') },
      { column: 3, header: 'Моб. телефон', target: { kind: 'phone' } },
      { column: 4, header: 'Телефон 2', target: { kind: 'phone' } },
      { column: 5, header: 'E-mail', target: { kind: 'email' } },
      { column: 6, header: 'Город', target: field('city') },
      { column: 7, header: 'Метки', target: field('tags') },
      { column: 8, header: 'Размер одежды', target: { kind: 'custom', key: 'size' } },
      { column: 9, header: 'Примечание', target: null },
    ]);
  });

  it('maps an English CRM export', () => {
    expect(
      targets([
        'Customer ID',
        'First Name',
        'Last Name',
        'Company Name',
        'Work Phone',
        'Mobile Phone',
        'E-Mail',
      ]),
    ).toEqual([
      field('externalId'),
      field('firstName'),
      field('lastName'),
      field('legalName'),
      { kind: 'phone', type: 'work' },
      { kind: 'phone' },
      { kind: 'email' },
    ]);
  });

  it('maps custom fields by key or label, before built-in synonyms', () => {
    const custom = [
      { key: 'loyalty_level', label: 'Уровень лояльности' },
      { key: 'code', label: 'Код клиента' },
    ];
    expect(targets(['loyalty_level', 'УРОВЕНЬ  лояльности', 'Код клиента'], custom)).toEqual([
      { kind: 'custom', key: 'loyalty_level' },
      null,
      { kind: 'custom', key: 'code' },
    ]);
  });

  it('gives a one-column field to its first column only', () => {
    expect(targets(['Город', 'City', 'Телефон', 'Phone'])).toEqual([
      field('city'),
      null,
      { kind: 'phone' },
      { kind: 'phone' },
    ]);
  });

  it('produces a mapping that its schema accepts', () => {
    const mapping = suggestMapping(['ФИО', 'Телефон', 'Телефон 2', 'ФИО', 'x'.repeat(1000)]);
    expect(parseImportMapping(JSON.parse(JSON.stringify(mapping))).ok).toBe(true);
  });
});

describe('reuseMapping', () => {
  const saved = suggestMapping(['Фамилия', 'Имя', 'Телефон', 'Телефон', 'Примечание', 'Сайт']);
  // A person chose to put the notes into the address and to ignore the second phone.
  saved[4] = { ...saved[4]!, target: field('address') };
  saved[3] = { ...saved[3]!, target: null };

  it('follows the saved choices by header when columns move', () => {
    expect(reuseMapping(saved, ['ТЕЛЕФОН', 'имя', 'Телефон', 'Город', 'Фамилия', 'примечание'])).toEqual([
      { column: 0, header: 'ТЕЛЕФОН', target: { kind: 'phone' } },
      { column: 1, header: 'имя', target: field('firstName') },
      { column: 2, header: 'Телефон', target: null },
      { column: 3, header: 'Город', target: field('city') },
      { column: 4, header: 'Фамилия', target: field('lastName') },
      { column: 5, header: 'примечание', target: field('address') },
    ]);
  });

  it('still gives a one-column field to one column', () => {
    expect(reuseMapping(saved, ['Примечание', 'Адрес']).map((c) => c.target)).toEqual([
      field('address'),
      null,
    ]);
  });
});

describe('ZImportMapping', () => {
  it('names the offending fields', () => {
    const r = parseImportMapping([
      { column: 0, header: 'ФИО', target: { kind: 'field', field: 'fullName' } },
      { column: 0, header: 'Имя', target: { kind: 'field', field: 'nickname' } },
      { column: 2, header: 'ФИО 2', target: { kind: 'field', field: 'fullName' } },
      { column: -1, header: 'x', target: { kind: 'sms' } },
      { column: 4, header: 'y', target: null, extra: true },
    ]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.map((i) => i.field)).toEqual(
      expect.arrayContaining(['1.target.field', '3.column', '3.target.kind', '4']),
    );
    const second = parseImportMapping([
      { column: 0, header: 'ФИО', target: { kind: 'field', field: 'fullName' } },
      { column: 0, header: 'Тел', target: { kind: 'phone' } },
      { column: 2, header: 'ФИО 2', target: { kind: 'field', field: 'fullName' } },
    ]);
    expect(second.ok ? [] : second.error.map((i) => i.field)).toEqual(['1.column', '2.target']);
  });

  it('accepts repeated phone and e-mail columns', () => {
    const r = parseImportMapping([
      { column: 0, header: 'Телефон', target: { kind: 'phone' } },
      { column: 1, header: 'Телефон 2', target: { kind: 'phone', type: 'home' } },
      { column: 2, header: 'Email', target: { kind: 'email' } },
      { column: 3, header: 'Email 2', target: { kind: 'email' } },
    ]);
    expect(r.ok).toBe(true);
  });
});
