import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blockingKeys } from '@cb/domain';
import { sql } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type DatabaseHandle, migrationsFolder } from '../client.ts';
import { queryRows } from '../raw.ts';
import { withDatabase } from '../testing/index.ts';
import { hashedKeys, loadDuplicateRecords, writeDuplicateKeys } from './keys.ts';

/** The last migration that stored a row per (workspace, key, client). */
const BEFORE_TAG = '0007_import_write_cost';

type Journal = { entries: { idx: number; tag: string }[] };

/** A migrations folder holding the committed migrations up to `lastTag`. */
function migrationsUpTo(lastTag: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'cb-migrations-'));
  mkdirSync(join(dir, 'meta'));
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as Journal;
  const last = journal.entries.findIndex((e) => e.tag === lastTag);
  if (last < 0) throw new Error(`no migration ${lastTag}`);
  const entries = journal.entries.slice(0, last + 1);
  for (const e of entries) copyFileSync(join(migrationsFolder, `${e.tag}.sql`), join(dir, `${e.tag}.sql`));
  writeFileSync(join(dir, 'meta/_journal.json'), JSON.stringify({ ...journal, entries }));
  return dir;
}

/**
 * An empty database of the run's back end (not a copy of the migrated template) and a way to
 * apply the migrations of a folder to it.
 */
async function openEmptyDatabase(): Promise<{
  handle: DatabaseHandle;
  migrateWith: (folder: string) => Promise<void>;
  close: () => Promise<void>;
}> {
  const serverUrl = process.env.CB_TEST_DATABASE_URL;
  if (serverUrl) {
    const name = `cb_m_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const handle = await createDatabase({ databaseUrl: withDatabase(serverUrl, name), migrate: false });
    await handle.pool!.query('create extension if not exists pg_trgm');
    return {
      handle,
      migrateWith: (folder) => migrateNodePg(drizzleNodePg(handle.pool!), { migrationsFolder: folder }),
      close: async () => {
        await handle.close();
        const cleanup = new pg.Client({ connectionString: serverUrl });
        await cleanup.connect();
        await cleanup.query(`drop database if exists ${name} with (force)`);
        await cleanup.end();
      },
    };
  }
  const handle = await createDatabase({ dataDir: 'memory://', migrate: false });
  await handle.pglite!.exec('create extension if not exists pg_trgm');
  return {
    handle,
    migrateWith: (folder) => migratePglite(drizzlePglite(handle.pglite!), { migrationsFolder: folder }),
    close: () => handle.close(),
  };
}

let database: Awaited<ReturnType<typeof openEmptyDatabase>>;
let oldMigrations: string;
beforeAll(async () => {
  oldMigrations = migrationsUpTo(BEFORE_TAG);
  database = await openEmptyDatabase();
});
afterAll(async () => {
  await database?.close();
  if (oldMigrations) rmSync(oldMigrations, { recursive: true, force: true });
});

describe('migration 0008 (duplicate keys as one row per client)', () => {
  it('carries the stored text keys over as the hashed keys the app writes, and drops orphans', async () => {
    const { db } = database.handle;
    await database.migrateWith(oldMigrations);
    // Raw SQL only until the last migration: the drizzle schema is the latest one.
    const [workspace] = await queryRows<{ id: string }>(
      db,
      sql`insert into workspaces (name) values ('Миграция') returning id::text as id`,
    );
    const ws = workspace!.id;
    const people = [
      { id: randomUUID(), last: 'Фёдоров', first: 'Александр', phone: '+79161234567', email: 'f@example.ru' },
      { id: randomUUID(), last: 'Ёлкина', first: 'Мария', phone: '+79035554433', email: null },
    ];
    for (const p of people) {
      await db.execute(sql`
        insert into clients (id, workspace_id, kind, last_name, first_name, display_name, match_key, birthday)
        values (${p.id}::uuid, ${ws}::uuid, 'person', ${p.last}, ${p.first}, ${`${p.last} ${p.first}`},
          ${`${p.last} ${p.first}`.toLowerCase()}, '1975-03-14')`);
      await db.execute(sql`
        insert into client_phones (workspace_id, client_id, e164, raw) values (${ws}::uuid, ${p.id}::uuid, ${p.phone}, ${p.phone})`);
      if (p.email) {
        await db.execute(sql`
          insert into client_emails (workspace_id, client_id, address) values (${ws}::uuid, ${p.id}::uuid, ${p.email})`);
      }
    }
    const records = await loadDuplicateRecords(
      db,
      ws,
      people.map((p) => p.id),
    );
    expect(records).toHaveLength(2);
    // Keys as migration 0007 left them: a text row per (workspace, key, client); one of a client gone.
    const oldRows = [
      ...records.flatMap((r) => blockingKeys(r).map((key) => ({ key, clientId: r.id }))),
      { key: 'phone:79990000000', clientId: randomUUID() },
    ];
    for (const row of oldRows) {
      await db.execute(sql`
        insert into client_dup_keys (workspace_id, key, client_id) values (${ws}::uuid, ${row.key}, ${row.clientId}::uuid)`);
    }

    await database.migrateWith(migrationsFolder);

    const stored = () =>
      queryRows<{ client_id: string; keys: string[]; version: string }>(
        db,
        sql`select client_id::text as client_id, keys::text[] as keys, xmin::text as version
            from client_dup_keys order by client_id`,
      );
    const migrated = await stored();
    const expected = records
      .map((r) => ({ client_id: r.id, keys: hashedKeys(r) }))
      .sort((a, b) => (a.client_id < b.client_id ? -1 : 1));
    expect(migrated.map(({ client_id, keys }) => ({ client_id, keys }))).toEqual(expected);

    // The same lists in the same order: writing the records' keys again changes no row.
    await writeDuplicateKeys(db, ws, records);
    expect(await stored()).toEqual(migrated);

    // The delete trigger of 0007 deletes from the new table.
    await db.execute(sql`delete from clients where id = ${people[0]!.id}::uuid`);
    expect((await stored()).map((r) => r.client_id)).toEqual([people[1]!.id]);
  });
});
