/*
 * An audit row keeps the record before and after as JSON. People want to read what changed, so the
 * two are flattened to dotted paths and compared; only the paths that differ are shown, as text.
 */

export type AuditChange = { path: string; before: unknown; after: unknown };

const MAX_DEPTH = 6;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function flatten(value: unknown, prefix: string, out: Map<string, unknown>, depth: number): void {
  if (isPlainObject(value) && depth < MAX_DEPTH) {
    const entries = Object.entries(value);
    if (entries.length === 0 && prefix) out.set(prefix, value);
    for (const [key, inner] of entries) flatten(inner, prefix ? `${prefix}.${key}` : key, out, depth + 1);
    return;
  }
  out.set(prefix, value);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/**
 * The paths whose values differ between `before` and `after` (a created record: everything it has;
 * a removed one: everything it had). A missing value is `undefined`.
 */
export function auditChanges(before: unknown, after: unknown): AuditChange[] {
  const b = new Map<string, unknown>();
  const a = new Map<string, unknown>();
  if (before !== null && before !== undefined) flatten(before, '', b, 0);
  if (after !== null && after !== undefined) flatten(after, '', a, 0);
  const paths = [...b.keys(), ...[...a.keys()].filter((k) => !b.has(k))];
  const changes: AuditChange[] = [];
  for (const path of paths) {
    const was = b.get(path);
    const now = a.get(path);
    if (same(was, now)) continue;
    // A created record's empty fields say nothing: leave them out.
    if ((was === undefined || was === null) && (now === null || now === undefined)) continue;
    changes.push({ path, before: was, after: now });
  }
  return changes;
}

const MAX_TEXT = 300;

/** A value as plain text (never markup): lists joined, objects as compact JSON, long text cut. */
export function auditValueText(value: unknown, words: { yes: string; no: string; empty: string }): string {
  let text: string;
  if (value === null || value === undefined || value === '') text = words.empty;
  else if (typeof value === 'boolean') text = value ? words.yes : words.no;
  else if (typeof value === 'string' || typeof value === 'number') text = String(value);
  else if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number'))
    text = value.length === 0 ? words.empty : value.join(', ');
  else text = JSON.stringify(value);
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}
