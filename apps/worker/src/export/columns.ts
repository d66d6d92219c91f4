import type { ExportClientRow } from '@cb/db';
import {
  type CustomValue,
  type ExportColumnKey,
  exportColumnKeys,
  isExportColumnKey,
  label,
} from '@cb/domain';

export type ExportLang = 'ru' | 'en';

/** What an export writes when no columns are asked for (the list's default columns, and more). */
export const defaultExportColumns: readonly ExportColumnKey[] = [
  'displayName',
  'phones',
  'emails',
  'city',
  'stage',
  'temperature',
  'sourceChannel',
  'tags',
  'owner',
  'createdAt',
];

/** Custom fields are columns too: `custom.<key>`. */
export const CUSTOM_PREFIX = 'custom.';

/**
 * Headers the import recognises again (`ФИО`, `Телефон`, `E-mail`, `Дата рождения`, `ИНН`…), so an
 * exported file goes back in with the suggested mapping.
 */
const headers: Record<ExportLang, Record<ExportColumnKey, string>> = {
  ru: {
    displayName: 'ФИО',
    lastName: 'Фамилия',
    firstName: 'Имя',
    patronymic: 'Отчество',
    kind: 'Тип',
    legalName: 'Организация',
    inn: 'ИНН',
    kpp: 'КПП',
    phones: 'Телефон',
    emails: 'E-mail',
    birthday: 'Дата рождения',
    city: 'Город',
    address: 'Адрес',
    tags: 'Теги',
    stage: 'Стадия',
    temperature: 'Температура',
    temperatureScore: 'Баллы температуры',
    sourceChannel: 'Источник',
    sourceBatch: 'Партия',
    externalId: 'Внешний ID',
    owner: 'Ответственный',
    createdAt: 'Создан',
    updatedAt: 'Изменён',
  },
  en: {
    displayName: 'Name',
    lastName: 'Last name',
    firstName: 'First name',
    patronymic: 'Patronymic',
    kind: 'Kind',
    legalName: 'Company',
    inn: 'INN',
    kpp: 'KPP',
    phones: 'Phone',
    emails: 'E-mail',
    birthday: 'Birthday',
    city: 'City',
    address: 'Address',
    tags: 'Tags',
    stage: 'Stage',
    temperature: 'Temperature',
    temperatureScore: 'Temperature score',
    sourceChannel: 'Source',
    sourceBatch: 'Batch',
    externalId: 'External ID',
    owner: 'Owner',
    createdAt: 'Created',
    updatedAt: 'Updated',
  },
};

/** Several phones, e-mails or tags in one cell. */
export const LIST_SEPARATOR = ', ';

function customText(value: CustomValue | undefined, lang: ExportLang): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return lang === 'ru' ? (value ? 'да' : 'нет') : value ? 'yes' : 'no';
  return String(value);
}

function cellOf(key: ExportColumnKey, row: ExportClientRow, lang: ExportLang): string {
  switch (key) {
    case 'displayName':
      return row.displayName;
    case 'lastName':
      return row.lastName ?? '';
    case 'firstName':
      return row.firstName ?? '';
    case 'patronymic':
      return row.patronymic ?? '';
    case 'kind':
      return label('clientKind', row.kind, lang);
    case 'legalName':
      return row.legalName ?? '';
    case 'inn':
      return row.inn ?? '';
    case 'kpp':
      return row.kpp ?? '';
    case 'phones':
      return row.phones.join(LIST_SEPARATOR);
    case 'emails':
      return row.emails.join(LIST_SEPARATOR);
    case 'birthday':
      return row.birthday ?? '';
    case 'city':
      return row.city ?? '';
    case 'address':
      return row.address ?? '';
    case 'tags':
      return row.tags.join(LIST_SEPARATOR);
    case 'stage':
      return label('stage', row.stage, lang);
    case 'temperature':
      return row.temperatureLevel ? label('temperatureLevel', row.temperatureLevel, lang) : '';
    case 'temperatureScore':
      return row.temperatureScore === null ? '' : String(row.temperatureScore);
    case 'sourceChannel':
      return label('sourceChannel', row.sourceChannel, lang);
    case 'sourceBatch':
      return row.sourceBatch ?? '';
    case 'externalId':
      return row.externalId ?? '';
    case 'owner':
      return row.owner ?? '';
    case 'createdAt':
      return row.createdAt;
    case 'updatedAt':
      return row.updatedAt;
    default: {
      const unreachable: never = key;
      return unreachable;
    }
  }
}

/** One column of an export: its key, its header in the export's language, and its cell text. */
export type ExportColumn = { key: string; header: string; cell: (row: ExportClientRow) => string };

/**
 * The columns asked for, in the order asked; an unknown key (or a custom field the workspace does
 * not define) is refused with the keys that are not known.
 */
export function resolveColumns(
  keys: readonly string[],
  customFields: ReadonlyMap<string, string>,
  lang: ExportLang,
): { ok: true; columns: ExportColumn[] } | { ok: false; message: string } {
  const unknown: string[] = [];
  const seen = new Set<string>();
  const columns: ExportColumn[] = [];
  for (const key of keys) {
    if (seen.has(key)) continue;
    seen.add(key);
    if (isExportColumnKey(key)) {
      columns.push({ key, header: headers[lang][key], cell: (row) => cellOf(key, row, lang) });
      continue;
    }
    const customKey = key.startsWith(CUSTOM_PREFIX) ? key.slice(CUSTOM_PREFIX.length) : null;
    const customLabel = customKey === null ? undefined : customFields.get(customKey);
    if (customKey !== null && customLabel !== undefined) {
      columns.push({ key, header: customLabel, cell: (row) => customText(row.custom[customKey], lang) });
      continue;
    }
    unknown.push(key);
  }
  if (unknown.length > 0) {
    return {
      ok: false,
      message: `Unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k)).join(', ')}: use ${exportColumnKeys.join(', ')} or custom.<key> of a defined field`,
    };
  }
  if (columns.length === 0) return { ok: false, message: 'Choose at least one column' };
  return { ok: true, columns };
}

/** The clients list's column keys (what a saved view remembers) as export columns. */
const listColumnToExport: Record<string, ExportColumnKey> = {
  name: 'displayName',
  temperature: 'temperature',
  stage: 'stage',
  phone: 'phones',
  email: 'emails',
  city: 'city',
  source: 'sourceChannel',
  tags: 'tags',
  owner: 'owner',
  createdAt: 'createdAt',
  updatedAt: 'updatedAt',
};

/** A saved view's columns as export columns; keys the export does not know are left out. */
export function viewColumnsToExport(viewColumns: readonly string[]): ExportColumnKey[] {
  const keys = viewColumns.flatMap((c) => {
    const key = listColumnToExport[c];
    return key ? [key] : [];
  });
  return [...new Set(keys)];
}
