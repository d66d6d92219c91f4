/**
 * Typed values from the text of one spreadsheet cell. Files come from Excel, 1C and bought lists,
 * so dates are written the Russian way, the ISO way or as Excel's day serial numbers, and numbers
 * use a decimal comma and spaces between thousands. Each parser returns null for "not this type".
 */
import { parseIsoDate, toIsoDate } from '../normalize/date.ts';

const DAY_MS = 86_400_000;
/** Excel's day 0 for serials after 60; the 1900 leap-year bug shifts the earlier ones by a day. */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
/** 9999-12-31, the last day Excel can show. */
const EXCEL_SERIAL_MAX = 2_958_465;

/** Midnight, as date libraries append to a date-only cell: `1990-05-17 00:00:00`. */
const MIDNIGHT = String.raw`(?:[ T]0?0:00(?::00(?:\.0+)?)?)?`;
const DMY = new RegExp(String.raw`^(\d{1,2})[./](\d{1,2})[./](\d{4})${MIDNIGHT}$`);
const YMD = new RegExp(String.raw`^(\d{4})-(\d{1,2})-(\d{1,2})${MIDNIGHT}$`);
const SERIAL = /^(\d{1,7})(?:[.,]0+)?$/;

const pad = (n: string) => n.padStart(2, '0');

function fromExcelSerial(serial: number): string | null {
  // Serial 60 is 1900-02-29, a day that never was; Excel counts it, so serials before it are one
  // day off the common epoch.
  if (serial < 1 || serial === 60 || serial > EXCEL_SERIAL_MAX) return null;
  const days = serial < 60 ? serial + 1 : serial;
  return toIsoDate(new Date(EXCEL_EPOCH_MS + days * DAY_MS));
}

/**
 * `17.05.1990`, `17/05/1990`, `1990-05-17` (optionally with a midnight time) or an Excel serial
 * (`32980`) → `1990-05-17`; null when it is none of these or not a real calendar date.
 * Slashes are read day first, the Russian order; `05/17/1990` is therefore not a date.
 */
export function parseImportDate(text: string): string | null {
  const s = text.trim();
  const dmy = DMY.exec(s);
  const ymd = YMD.exec(s);
  let iso: string | null = null;
  if (dmy) iso = `${dmy[3]}-${pad(dmy[2]!)}-${pad(dmy[1]!)}`;
  else if (ymd) iso = `${ymd[1]}-${pad(ymd[2]!)}-${pad(ymd[3]!)}`;
  else {
    const serial = SERIAL.exec(s);
    if (serial) return fromExcelSerial(Number(serial[1]));
  }
  return iso !== null && parseIsoDate(iso) !== null ? iso : null;
}

/** `1 234,5`, `1234.5`, `-7` → a finite number; thousands separated by spaces, decimal comma or point. */
export function parseImportNumber(text: string): number | null {
  const s = text
    .trim()
    .replace(/[\s\u00A0\u202F]/gu, '')
    .replace(',', '.');
  if (!/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

const TRUE_WORDS = new Set(['да', 'д', 'yes', 'y', 'true', 'истина', '1', '+', 'v', '✓', 'x']);
const FALSE_WORDS = new Set(['нет', 'н', 'no', 'n', 'false', 'ложь', '0', '-']);

/** `да`/`нет`, `yes`/`no`, `true`/`false`, `1`/`0`, a check mark → boolean. */
export function parseImportBoolean(text: string): boolean | null {
  const s = text.trim().toLowerCase();
  if (TRUE_WORDS.has(s)) return true;
  if (FALSE_WORDS.has(s)) return false;
  return null;
}
