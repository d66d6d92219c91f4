/**
 * Export side of files: values a spreadsheet must show as text. A cell starting with `=`, `+`,
 * `-`, `@`, a tab or a carriage return can be run as a formula by Excel or LibreOffice (CSV
 * injection, OWASP); a leading apostrophe makes it text. The apostrophe is then part of the value:
 * an XLSX text cell shows it, and a re-import reads it back. So values that cannot hold a formula
 * that does anything are left as they are (see `HARMLESS_SIGNED`).
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A `+` or `-` followed only by digits, spaces and `+ - ( ) . ,`: an E.164 phone (`+79161234567`),
 * several of them as the phones column joins them (`+79161234567, +79161234568`), a written phone
 * (`+7 (916) 123-45-67`) or a signed number (`-5`, `-2.5`). At worst Excel computes arithmetic from
 * it: no function, cell reference, DDE (`|`, `!`) or text can be spelled with these characters, so
 * it is not escaped. `=` and `@` are always escaped, whatever follows.
 */
const HARMLESS_SIGNED = /^[+-][0-9 +\-().,]*$/;

/** `=HYPERLINK(…)` → `'=HYPERLINK(…)`; `+79161234567`, `-5` and every other value unchanged. */
export function escapeSpreadsheetCell(value: string): string {
  return FORMULA_START.test(value) && !HARMLESS_SIGNED.test(value) ? `'${value}` : value;
}

/**
 * One CSV field (RFC 4180): quoted when it holds the delimiter, a quote or a line break, with
 * quotes doubled. Leading or trailing spaces are quoted too, so a reader that trims keeps them.
 */
export function csvField(value: string, delimiter = ','): string {
  const needsQuotes = value.includes(delimiter) || /["\r\n]/.test(value) || value !== value.trim();
  return needsQuotes ? `"${value.replaceAll('"', '""')}"` : value;
}

/** A CSV line (without its line break) from cell values, each escaped against formulas and quoted. */
export function csvRow(values: readonly string[], delimiter = ','): string {
  return values.map((v) => csvField(escapeSpreadsheetCell(v), delimiter)).join(delimiter);
}
