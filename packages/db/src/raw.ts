import { type SQL, sql } from 'drizzle-orm';
import type { Executor } from './client.ts';

/**
 * Runs a raw statement and returns its rows. Both drivers answer `{ rows }`; both leave
 * timestamps as strings and node-postgres leaves int8/numeric as strings, so raw queries cast in
 * SQL (`::int`, `::float8`) and convert dates with `toDate`.
 */
export async function queryRows<T>(db: Executor, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/** One typed array parameter (`$1::uuid[]`): `unnest` of a set of them turns arrays into rows. */
export const arrayParam = (values: unknown[], type: string): SQL =>
  sql`${sql.param(values)}::${sql.raw(type)}[]`;

export function toDate(value: string | Date | null): Date | null {
  if (value === null) return null;
  return value instanceof Date ? value : new Date(value);
}
