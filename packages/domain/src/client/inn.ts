/**
 * ИНН (taxpayer number) and КПП (tax registration reason code) of Russian counterparties.
 * The checksums are the FNS ones: a weighted digit sum mod 11, then mod 10.
 */
import { type FieldIssue, fail, issue, ok, type Result } from '../result.ts';

const LEGAL_ENTITY_WEIGHTS = [2, 4, 10, 3, 5, 9, 4, 6, 8];
const INDIVIDUAL_WEIGHTS_11 = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
const INDIVIDUAL_WEIGHTS_12 = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];

function checkDigit(digits: number[], weights: number[]): number {
  const sum = weights.reduce((acc, w, i) => acc + w * digits[i]!, 0);
  return (sum % 11) % 10;
}

/** Whether a string of 10 or 12 digits carries correct FNS check digits. */
export function innChecksumOk(inn: string): boolean {
  const d = [...inn].map(Number);
  if (d.length === 10) return checkDigit(d, LEGAL_ENTITY_WEIGHTS) === d[9];
  if (d.length === 12) {
    return checkDigit(d, INDIVIDUAL_WEIGHTS_11) === d[10] && checkDigit(d, INDIVIDUAL_WEIGHTS_12) === d[11];
  }
  return false;
}

/** 10 digits: a legal entity; 12 digits: an individual (sole proprietor or a person). */
export type InnKind = 'legal_entity' | 'individual';

export function innKind(inn: string): InnKind | null {
  if (/^\d{10}$/.test(inn)) return 'legal_entity';
  if (/^\d{12}$/.test(inn)) return 'individual';
  return null;
}

/** Returns the trimmed ИНН. Region code `00` does not exist, so it is a format error. */
export function validateInn(s: string, field = 'inn'): Result<string, FieldIssue> {
  const inn = s.trim();
  if (innKind(inn) === null || inn.startsWith('00')) {
    return fail(issue(field, 'inn_format', 'INN must be 10 digits (legal entity) or 12 digits (individual)'));
  }
  if (!innChecksumOk(inn)) return fail(issue(field, 'inn_checksum', `INN ${inn} has a wrong check digit`));
  return ok(inn);
}

/** КПП: 4 digits (tax office), 2 digits or Latin capitals (reason), 3 digits (serial number). */
const KPP_SHAPE = /^\d{4}[\dA-Z]{2}\d{3}$/;

/** Returns the trimmed, uppercased КПП (letters in the reason part are Latin capitals by rule). */
export function validateKpp(s: string, field = 'kpp'): Result<string, FieldIssue> {
  const kpp = s.trim().toUpperCase();
  if (!KPP_SHAPE.test(kpp)) {
    return fail(
      issue(field, 'kpp_format', 'KPP must be 9 characters: 4 digits, 2 digits or letters, 3 digits'),
    );
  }
  return ok(kpp);
}
