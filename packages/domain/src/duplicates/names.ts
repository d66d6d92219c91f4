import { splitFullName } from '../normalize/name.ts';
import type { DuplicateRecord } from './record.ts';

export type NameReading = {
  lastName: string | null;
  firstName: string | null;
  patronymic: string | null;
};

/**
 * The ways a person's name may be read. Imports often put the whole ФИО into the surname field
 * (`Иванов Иван Иванович` with no first name); such a record is also read split into its parts.
 * The reading as given always comes first; the scorer prefers it unless another explains clearly
 * more, since a multi-word surname (`van de Kamp`, `Салтыков-Щедрин`) is also legitimate.
 */
export function nameReadings(record: DuplicateRecord): NameReading[] {
  const given: NameReading = {
    lastName: record.lastName ?? null,
    firstName: record.firstName ?? null,
    patronymic: record.patronymic ?? null,
  };
  const whole = record.lastName?.trim() ?? '';
  if ((record.firstName ?? '').trim() !== '' || !/\s/.test(whole)) return [given];
  const split = splitFullName(whole);
  return split.firstName === null
    ? [given]
    : [given, { ...split, patronymic: split.patronymic ?? given.patronymic }];
}

/**
 * Иванов/Иванова, Александр/Александра, Достоевский/Достоевская, Петрович/Петровна, on match keys
 * with spaces removed: the masculine and feminine forms of one name belong to two people (often
 * spouses or siblings sharing a phone and an address), not to one person with a typo.
 */
export function genderForms(a: string, b: string): boolean {
  return isFeminineOf(a, b) || isFeminineOf(b, a);
}

function isFeminineOf(masculine: string, feminine: string): boolean {
  const m = masculine;
  const f = feminine;
  if (/[bcdfghklmnprstvz]$/.test(m) && f === `${m}a`) return true; // Иванов/Иванова, Paul/Paula
  if (m.endsWith('i') && (f === `${m}a` || f === `${m.slice(0, -1)}aia`)) return true; // Евгений/Евгения, -ский/-ская
  if (m.endsWith('oi') && f === `${m.slice(0, -2)}aia`) return true; // Толстой/Толстая
  // Patronymics: -ович/-овна, -евич/-евна, Ильич/Ильинична.
  return m.endsWith('ich') && f.endsWith('na') && f.startsWith(m.slice(0, -3)) && f.length - m.length <= 4;
}
