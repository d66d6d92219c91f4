/**
 * Export side of files: values a spreadsheet must show as text. A cell starting with `=`, `+`,
 * `-`, `@`, a tab or a carriage return can be run as a formula by Excel or LibreOffice (CSV
 * injection, OWASP); a leading apostrophe makes it text, and the apostrophe itself is not shown.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** `=HYPERLINK(…)` → `'=HYPERLINK(…)`; every other value unchanged. */
export function escapeSpreadsheetCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
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
