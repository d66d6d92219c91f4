/**
 * Typed values from the text of one spreadsheet cell. Files come from Excel, 1C and bought lists,
 * so dates are written the Russian way, the ISO way or as Excel's day serial numbers, and numbers
 * use a decimal comma and spaces between thousands. Each parser returns null for "not this type".
 * Files from American systems write dates month first (`12/13/2010`): the order is decided per
 * file (`inferDateOrder`, then the person) and passed to the date parsers.
 */
import { parseIsoDate, toIsoDate } from '../normalize/date.ts';

const DAY_MS = 86_400_000;
/** Excel's day 0 for serials after 60; the 1900 leap-year bug shifts the earlier ones by a day. */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
/** 9999-12-31, the last day Excel can show. */
const EXCEL_SERIAL_MAX = 2_958_465;

/** Midnight, as date libraries append to a date-only cell: `1990-05-17 00:00:00`. */
const MIDNIGHT = String.raw`(?:[ T]0?0:00(?::00(?:\.0+)?)?)?`;
const DAY_MONTH = new RegExp(String.raw`^(\d{1,2})[./](\d{1,2})[./](\d{4})${MIDNIGHT}$`);
const YMD = new RegExp(String.raw`^(\d{4})-(\d{1,2})-(\d{1,2})${MIDNIGHT}$`);
const SERIAL = /^(\d{1,7})(?:[.,]0+)?$/;

const pad = (n: string) => n.padStart(2, '0');

/**
 * The order of day and month in a date written with slashes or dots: `dmy` (`13/12/2010`, the
 * Russian and European order, the default) or `mdy` (`12/13/2010`, the American one). ISO dates
 * (`2010-12-13`) and Excel serials read the same whatever the order.
 */
export const dateOrders = ['dmy', 'mdy'] as const;
export type DateOrder = (typeof dateOrders)[number];

/** `a/b/yyyy` or `a.b.yyyy` at the start of a cell, whatever follows (a time). */
const SLASHED_START = /^\s*(\d{1,2})[./](\d{1,2})[./]\d{4}(?:[ T]|$)/;

/**
 * The order the date cells of a file are written in, when their values tell: a cell whose first
 * number cannot be a month (`13/12/2010`) says `dmy`, one whose second cannot (`12/13/2010`) says
 * `mdy`. Null when nothing is decisive (all `05/06/2010`, ISO dates only, no dates). A file with
 * evidence both ways is consistent in neither; it is read the Russian way, and the cells that do
 * not fit are reported.
 */
export function decisiveDateOrder(values: readonly string[]): DateOrder | null {
  let monthFirst = false;
  for (const value of values) {
    const m = SLASHED_START.exec(value);
    if (!m) continue;
    const [a, b] = [Number(m[1]), Number(m[2])];
    const isMonth = (n: number) => n >= 1 && n <= 12;
    const isDay = (n: number) => n >= 1 && n <= 31;
    if (a > 12 && isDay(a) && isMonth(b)) return 'dmy';
    if (b > 12 && isDay(b) && isMonth(a)) monthFirst = true;
  }
  return monthFirst ? 'mdy' : null;
}

/** `decisiveDateOrder`, and the Russian `dmy` when the values do not tell. */
export const inferDateOrder = (values: readonly string[]): DateOrder => decisiveDateOrder(values) ?? 'dmy';

/** `[year, month, day]` of a date written with slashes or dots, in the file's order. */
export const slashedDateParts = (first: string, second: string, year: string, order: DateOrder) =>
  order === 'mdy' ? ([year, first, second] as const) : ([year, second, first] as const);

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
 * Slashes and dots are read in `order`: day first by default, so `05/17/1990` is not a date
 * unless the order is `mdy`.
 */
export function parseImportDate(text: string, order: DateOrder = 'dmy'): string | null {
  const s = text.trim();
  const slashed = DAY_MONTH.exec(s);
  const ymd = YMD.exec(s);
  let iso: string | null = null;
  if (slashed) {
    const [year, month, day] = slashedDateParts(slashed[1]!, slashed[2]!, slashed[3]!, order);
    iso = `${year}-${pad(month)}-${pad(day)}`;
  } else if (ymd) iso = `${ymd[1]}-${pad(ymd[2]!)}-${pad(ymd[3]!)}`;
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
