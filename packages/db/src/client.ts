import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;
/** Either back end: drizzle over PGlite or over node-postgres. Queries take this type. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Transaction = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Query functions accept a database or an open transaction, so callers can compose them. */
export type Executor = Database | Transaction;

export type DatabaseHandle = {
  db: Database;
  kind: 'pglite' | 'postgres';
  /** The PGlite instance in embedded mode (pg-boss's adapter needs it). */
  pglite?: PGlite;
  /** The pool in server mode. */
  pool?: pg.Pool;
  close(): Promise<void>;
};

export const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

export type CreateDatabaseOptions = {
  /** A PostgreSQL server; when absent, PGlite runs embedded in `dataDir`. */
  databaseUrl?: string | undefined;
  /** PGlite's data folder; `memory://` keeps it in memory. Default `./.data`. */
  dataDir?: string | undefined;
  /** Apply committed migrations before returning (default true). */
  migrate?: boolean;
  /** Pool size for the server back end. */
  maxConnections?: number;
  /** A PGlite data folder dump to start from (tests load a migrated template this way). */
  loadDataDir?: Blob;
  /**
   * Called when an idle pooled connection fails (server restart, admin termination). The pool
   * drops that connection and opens a new one on demand; without a listener Node would crash.
   */
  onPoolError?: (error: Error) => void;
};

export async function openPglite(dataDir: string, loadDataDir?: Blob): Promise<PGlite> {
  if (!dataDir.startsWith('memory://') && !dataDir.startsWith('idb://'))
    mkdirSync(dataDir, { recursive: true });
  return PGlite.create({
    dataDir,
    extensions: { pg_trgm },
    ...(loadDataDir ? { loadDataDir } : {}),
  });
}

/**
 * Opens the database: a PostgreSQL server when a URL is given, otherwise PGlite in a data folder.
 * Both get the same schema through the same committed migrations.
 */
export async function createDatabase(options: CreateDatabaseOptions = {}): Promise<DatabaseHandle> {
  const shouldMigrate = options.migrate ?? true;
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.maxConnections ?? 10 });
    pool.on(
      'error',
      options.onPoolError ??
        ((error) => process.stderr.write(`[db] idle connection lost: ${error.message}\n`)),
    );
    const db = drizzleNodePg(pool, { schema, casing: 'snake_case' }) as unknown as Database;
    try {
      if (shouldMigrate) {
        await pool.query('create extension if not exists pg_trgm');
        await migrateNodePg(drizzleNodePg(pool), { migrationsFolder });
      }
    } catch (error) {
      await pool.end();
      throw error;
    }
    return { db, kind: 'postgres', pool, close: () => pool.end() };
  }
  const pglite = await openPglite(options.dataDir ?? './.data', options.loadDataDir);
  const db = drizzlePglite(pglite, { schema, casing: 'snake_case' }) as unknown as Database;
  try {
    if (shouldMigrate) {
      await pglite.exec('create extension if not exists pg_trgm');
      await migratePglite(drizzlePglite(pglite), { migrationsFolder });
    }
  } catch (error) {
    await pglite.close();
    throw error;
  }
  return { db, kind: 'pglite', pglite, close: () => pglite.close() };
}
