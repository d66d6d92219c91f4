/**
 * Keyset cursors: the sort value and id of the last row of a page, as opaque base64url JSON.
 * A cursor that does not decode is a user error (bad input), never a crash.
 */
export type CursorValue = string | number | null;

export function encodeCursor(value: CursorValue, id: string): string {
  return Buffer.from(JSON.stringify([value, id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): { value: CursorValue; id: string } | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 2) return null;
    const [value, id] = parsed as [unknown, unknown];
    if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id)) return null;
    if (value !== null && typeof value !== 'string' && typeof value !== 'number') return null;
    return { value, id };
  } catch {
    return null;
  }
}
