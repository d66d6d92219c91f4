/** `datetime-local` inputs hold local wall time without an offset; the API takes ISO with one. */

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-03-12T14:05` in the browser's time zone, for a `datetime-local` input's value. */
export function toLocalInput(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/**
 * The instant of a `datetime-local` value as ISO 8601 (UTC, `Z`). An empty or unreadable value is
 * sent as '' so that the server names the field, rather than the browser throwing.
 */
export function localInputToIso(value: string): string {
  if (value.trim() === '') return '';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}
