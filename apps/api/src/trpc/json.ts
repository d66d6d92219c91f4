/**
 * tRPC runs without a data transformer, so every output must already be plain JSON: dates become
 * ISO 8601 strings here, explicitly, and the types say so for the web app.
 */
export type Json<T> = T extends Date
  ? string
  : T extends readonly (infer U)[]
    ? Json<U>[]
    : T extends (...args: never[]) => unknown
      ? never
      : T extends object
        ? { [K in keyof T]: Json<T[K]> }
        : T;

export function toJson<T>(value: T): Json<T> {
  return convert(value) as Json<T>;
}

function convert(value: unknown): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Array.isArray(value)) return value.map(convert);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = convert(v);
    return out;
  }
  if (typeof value === 'bigint') return Number(value);
  return value;
}
