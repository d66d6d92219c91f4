import type { DatabaseHandle } from './client.ts';

/** Runs one statement with `$n` parameters and returns its rows. */
export type SqlExecutor = (text: string, values?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;

/**
 * Runs `work` in one transaction on one connection of the app's database and hands it an executor
 * bound to that transaction. pg-boss is given the same executor (see `bossExecutor`), so its job
 * inserts commit or roll back together with the caller's statements.
 *
 * Driver level on purpose: a job queue on the same database (pg-boss in the worker) is handed this
 * executor so that its inserts share the transaction. On PGlite it must run inside PGlite's own
 * transaction, since any statement issued outside it would wait for the transaction to end.
 */
export async function inTransaction<T>(
  database: DatabaseHandle,
  work: (execute: SqlExecutor) => Promise<T>,
): Promise<T> {
  if (database.kind === 'pglite') {
    const pglite = database.pglite;
    if (!pglite) throw new Error('An embedded database handle carries its PGlite instance');
    return pglite.transaction(async (tx) =>
      work(async (text, values) => {
        if (values && values.length > 0) return tx.query<Record<string, unknown>>(text, values);
        const results = await tx.exec(text);
        return { rows: results.flatMap((result) => result.rows as Record<string, unknown>[]) };
      }),
    );
  }
  const pool = database.pool;
  if (!pool) throw new Error('A server database handle carries its pool');
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await work(async (text, values) => {
      const answer = (await client.query(text, values)) as unknown;
      // A parameterless multi-statement text answers one result per statement.
      const results = (Array.isArray(answer) ? answer : [answer]) as { rows?: Record<string, unknown>[] }[];
      return { rows: results.flatMap((r) => r.rows ?? []) };
    });
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Runs one statement outside any transaction. */
export async function execute(
  database: DatabaseHandle,
  text: string,
  values?: unknown[],
): Promise<{ rows: Record<string, unknown>[] }> {
  if (database.kind === 'pglite') {
    if (!database.pglite) throw new Error('An embedded database handle carries its PGlite instance');
    return database.pglite.query<Record<string, unknown>>(text, values);
  }
  if (!database.pool) throw new Error('A server database handle carries its pool');
  return database.pool.query(text, values);
}
