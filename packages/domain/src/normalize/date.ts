/** Calendar dates (`YYYY-MM-DD`) travel as strings: a birthday has no time zone and no time. */
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The UTC midnight of a real calendar date, or null. `2023-02-29` and `2024-13-01` are null:
 * `Date.UTC` would silently roll them over into March and next January.
 */
export function parseIsoDate(s: string): Date | null {
  const m = ISO_DATE.exec(s);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1 || month < 1 || month > 12 || day < 1) return null;
  const d = new Date(Date.UTC(year, month - 1, day));
  // Years 1..99 are mapped to 1900..1999 by Date.UTC; setUTCFullYear undoes that.
  d.setUTCFullYear(year);
  const sameDay = d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
  return sameDay ? d : null;
}

export function isIsoDate(s: string): boolean {
  return parseIsoDate(s) !== null;
}

/** The `YYYY-MM-DD` of an instant in UTC. */
export function toIsoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}
