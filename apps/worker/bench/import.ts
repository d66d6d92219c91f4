/**
 * Import bench (issue 5): `tsx bench/import.ts`. For each back end (a fresh PostgreSQL database
 * created for the run and dropped after it, and PGlite in a temp folder) and each file:
 *   (a) the baseline: a plain `COPY` of the file into a bare table of as many text columns;
 *   (b) the real import of the same file through the engine: `registerImport` → mapping →
 *       `startImport` → `runImport` (contacts: clients with phones, e-mails, duplicate policy;
 *       Online Retail: kind `purchases`, clients found or created by CustomerID).
 *   (c) for contacts, the bounds no engine can pass: the COPY floor, the rows the import stored
 *       copied by `COPY` into empty tables of the same schema (`copyFloor`, what the schema's
 *       indexes, constraints and trigger cost by themselves); the storage ceiling, the stored
 *       clients written again by SQL into the tables at their full size (`storageCeiling`); and the
 *       conversion alone, the file read and converted with no database (`conversionAlone`).
 * Prints rows/s, the ratio to COPY and the peak resident memory of this process (sampled every
 * 100 ms; on PGlite the database lives in the process, so its memory counts too), and writes the
 * table to `bench/import-results.md`.
 *
 * Files: a generated contacts CSV (`CB_BENCH_ROWS`, default 1,000,000; PGlite gets
 * `CB_BENCH_PGLITE_ROWS`, default 100,000, as one process does everything there) and
 * `../shared/data/online_retail/online-retail.csv` (`CB_BENCH_RETAIL_ROWS` cuts it for a quick run).
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, openAsBlob, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  applyPurchaseChunk,
  convertClientRows,
  createDatabase,
  type DatabaseHandle,
  execute,
  getImportById,
  type ImportRow,
  loadClientChunkContext,
  type MutationContext,
  setImportMapping,
  startImport,
  uuidv7,
} from '@cb/db';
import { seedWorkspace } from '@cb/db/testing';
import { type PurchaseMapping, suggestPurchaseMapping } from '@cb/domain';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { z } from 'zod';
import { detectFile, registerImport } from '../src/import/inspect.ts';
import { chunked, openRowSource } from '../src/import/plan.ts';
import { readCsvFile } from '../src/import/read-csv.ts';
import { runImport } from '../src/import/run.ts';
import type { ContactsFileStats } from './contacts.ts';

const run = promisify(execFile);

const env = z
  .object({
    CB_BENCH_ROWS: z.coerce.number().int().min(100).default(1_000_000),
    CB_BENCH_PGLITE_ROWS: z.coerce.number().int().min(100).default(100_000),
    CB_BENCH_RETAIL: z
      .string()
      .default(new URL('../../../../shared/data/online_retail/online-retail.csv', import.meta.url).pathname),
    /** Data rows of Online Retail to use (0: all 541,909). */
    CB_BENCH_RETAIL_ROWS: z.coerce.number().int().min(0).default(0),
    CB_BENCH_CHUNK_ROWS: z.coerce.number().int().min(100).default(2_000),
    CB_BENCH_DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/test'),
    /** The duplicate action of the contacts import (matched by phone and e-mail, in the base and the file). */
    CB_BENCH_ACTION: z.enum(['skip', 'fill', 'overwrite', 'create']).default('skip'),
    CB_BENCH_BACKENDS: z.string().default('postgres,pglite'),
    CB_BENCH_OUT: z.string().default(new URL('./import-results.md', import.meta.url).pathname),
  })
  .parse(process.env);

type Measure = { rows: number; seconds: number; peakRssMb: number; note?: string };
type ResultLine = { backend: string; file: string; copy: Measure; ours: Measure | null; detail: string };

/** Peak RSS while `work` runs, sampled every 100 ms (and at the start and the end). */
async function measured<T>(
  work: () => Promise<T>,
): Promise<{ value: T; seconds: number; peakRssMb: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  const started = performance.now();
  try {
    const value = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, seconds: (performance.now() - started) / 1000, peakRssMb: peak / 1024 / 1024 };
  } finally {
    clearInterval(timer);
  }
}

type Backend = { kind: string; handle: DatabaseHandle; cleanup: () => Promise<void> };

async function openBackend(kind: string): Promise<Backend> {
  if (kind === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'cb-bench-import-'));
    const handle = await createDatabase({ dataDir: dir });
    return {
      kind,
      handle,
      cleanup: async () => {
        await handle.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `cb_bench_import_${Date.now()}`;
  const admin = new pg.Client({ connectionString: env.CB_BENCH_DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(env.CB_BENCH_DATABASE_URL);
  url.pathname = `/${name}`;
  const handle = await createDatabase({ databaseUrl: url.toString(), maxConnections: 10 });
  return {
    kind,
    handle,
    cleanup: async () => {
      await handle.close();
      const drop = new pg.Client({ connectionString: env.CB_BENCH_DATABASE_URL });
      await drop.connect();
      await drop.query(`drop database if exists ${name} with (force)`);
      await drop.end();
    },
  };
}

/**
 * The contacts file, written by a child process (`write-contacts.ts`): the generator keeps every
 * person it may repeat, and that memory would stay in this process's resident set and be counted
 * in the import's peak.
 */
async function writeContactsInChild(path: string, rows: number): Promise<ContactsFileStats> {
  const script = fileURLToPath(new URL('./write-contacts.ts', import.meta.url));
  const { stdout } = await run(process.execPath, ['--import', 'tsx', script, path, String(rows)], {
    maxBuffer: 1024 * 1024,
  });
  return JSON.parse(stdout) as ContactsFileStats;
}

/** The baseline: `COPY` of the whole file (header skipped) into a bare table of text columns. */
async function copyBaseline(
  backend: Backend,
  table: string,
  path: string,
  columns: number,
  delimiter: string,
): Promise<number> {
  const { handle } = backend;
  const cols = Array.from({ length: columns }, (_, i) => `c${i} text`).join(', ');
  await execute(handle, `drop table if exists ${table}`);
  await execute(handle, `create unlogged table ${table} (${cols})`);
  const options = `(format csv, header true, delimiter '${delimiter}')`;
  if (handle.pglite) {
    await handle.pglite.query(`copy ${table} from '/dev/blob' with ${options}`, [], {
      blob: await openAsBlob(path),
    });
  } else {
    const client = await handle.pool!.connect();
    try {
      await pipeline(
        createReadStream(path),
        client.query(copyFrom(`copy ${table} from stdin with ${options}`)),
      );
    } finally {
      client.release();
    }
  }
  const { rows } = await execute(handle, `select count(*)::int as n from ${table}`);
  await execute(handle, `drop table ${table}`);
  return Number(rows[0]!.n);
}

/** The first `rows` data rows of a file (with its header line) into `target`. */
async function headOfFile(source: string, target: string, rows: number): Promise<void> {
  const out = createWriteStream(target);
  const lines = createInterface({ input: createReadStream(source), crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  for await (const line of lines) {
    if (!out.write(`${line}\n`)) await once(out, 'drain');
    if (n++ >= rows) break;
  }
  lines.close();
  out.end();
  await once(out, 'finish');
}

/**
 * The purchase path alone: the file read with `readCsvFile`, chunks applied with
 * `applyPurchaseChunk`, one transaction per chunk (what the runner does, minus its bookkeeping).
 */
async function purchasesDirect(
  handle: DatabaseHandle,
  ctx: MutationContext,
  path: string,
  importId: string,
): Promise<{ rows: number; detail: string }> {
  const detected = await detectFile(path, 'online-retail.csv');
  if (detected.format !== 'csv') throw new Error('Online Retail is a CSV file');
  const reader = await readCsvFile(path, detected);
  const mapping: PurchaseMapping = suggestPurchaseMapping(reader.header);
  const totals = { rows: 0, lines: 0, clients: 0, purchases: 0, invalid: 0, returns: 0 };
  let chunk: { rowNumber: number; cells: string[] }[] = [];
  const flush = async () => {
    const rows = chunk;
    chunk = [];
    const result = await handle.db.transaction((tx) =>
      applyPurchaseChunk(
        tx,
        { workspaceId: ctx.workspaceId, importId, batchId: null, currency: 'GBP' },
        rows,
        mapping,
      ),
    );
    totals.rows += result.rows;
    totals.lines += result.lines;
    totals.clients += result.createdClients;
    totals.purchases += result.purchasesCreated;
    totals.invalid += result.invalid;
    totals.returns += result.returns;
  };
  for await (const row of reader.rows) {
    chunk.push({ rowNumber: row.line, cells: row.row });
    if (chunk.length >= env.CB_BENCH_CHUNK_ROWS) await flush();
  }
  if (chunk.length > 0) await flush();
  const { rows: revenue } = await execute(
    handle,
    'select coalesce(sum(amount_kopecks), 0)::text as pence from purchases where workspace_id = $1',
    [ctx.workspaceId],
  );
  return {
    rows: totals.rows,
    detail: `${fmt(totals.lines)} lines → ${fmt(totals.purchases)} purchases, ${fmt(totals.clients)} clients created, ${fmt(totals.invalid)} invalid, ${fmt(totals.returns)} returns skipped; revenue £${fmt(Number(revenue[0]!.pence) / 100)}`,
  };
}

/**
 * The real import: upload (`registerImport` stores the file in the database), mapping, start, and
 * the run itself (`runImport`, chunk by chunk), timed as a whole.
 */
async function importThroughEngine(
  handle: DatabaseHandle,
  ctx: MutationContext,
  path: string,
  fileName: string,
  kind: 'clients' | 'purchases',
): Promise<{ importId: string; rows: number; runSeconds: number; detail: string }> {
  const registered = await registerImport(handle, ctx, { path, fileName });
  const mapped = await setImportMapping(handle.db, ctx, registered.id, {
    mapping: kind === 'purchases' ? suggestPurchaseMapping(registered.headers) : registered.mapping,
    kind,
    // Online Retail is a British shop: amounts in pounds.
    ...(kind === 'purchases'
      ? { source: { batchKind: 'other_system', name: fileName, currency: 'GBP' } }
      : {}),
  });
  if (!mapped.ok) throw new Error(`mapping refused: ${JSON.stringify(mapped.error)}`);
  const policy =
    kind === 'purchases'
      ? { matchBy: ['externalId'], action: 'skip' }
      : { matchBy: ['phone', 'email'], action: env.CB_BENCH_ACTION };
  const started = await startImport(handle.db, ctx, registered.id, policy);
  if (!started.ok) throw new Error(`start refused: ${JSON.stringify(started.error)}`);
  const runStarted = performance.now();
  const outcome = await runImport(handle, registered.id, { chunkRows: env.CB_BENCH_CHUNK_ROWS, force: true });
  const runSeconds = (performance.now() - runStarted) / 1000;
  if (outcome.status !== 'completed' || outcome.import === null) {
    throw new Error(`import ${outcome.status}: ${JSON.stringify(outcome.import?.error ?? null)}`);
  }
  return {
    importId: registered.id,
    rows: outcome.import.counts.rowsDone,
    runSeconds,
    detail: describeCounts(outcome.import),
  };
}

/**
 * The engine's CPU floor: the file read and every row converted (`convertClientRows`: parsing,
 * normalization of names, phones and e-mails) with no database at all, in this one process.
 */
async function conversionAlone(
  handle: DatabaseHandle,
  importId: string,
  path: string,
): Promise<{ rows: number; seconds: number }> {
  const row = (await getImportById(handle.db, importId))!;
  const ctx = await loadClientChunkContext(handle.db, row, new Date());
  const started = performance.now();
  const source = await openRowSource(path, { format: row.file.format, sheet: row.file.sheet }, null);
  let rows = 0;
  for await (const chunk of chunked(source.rows, env.CB_BENCH_CHUNK_ROWS)) {
    rows += convertClientRows(ctx, chunk).length;
  }
  return { rows, seconds: (performance.now() - started) / 1000 };
}

/** What the COPY floor writes, parents first: the rows a contacts import stores, and its undo log. */
const FLOOR_TABLES = [
  'clients',
  'client_phones',
  'client_emails',
  'client_dup_keys',
  'import_changes',
] as const;
/** Rows the stored ones refer to (the workspace, its users, batch and import): copied, not timed. */
const FLOOR_PARENTS = ['workspaces', 'users', 'batches', 'imports'] as const;

/**
 * The schema's COPY floor: everything the contacts import stored (clients, phones, e-mails,
 * duplicate keys, undo log), already converted, matched and checked, written by `COPY` (binary,
 * the fastest way PostgreSQL takes rows) into the empty tables of a second database with the same
 * migrations: their indexes, foreign keys and the name-words trigger, nothing else. No import of
 * this file into this schema can be faster than this, whatever its engine; the bare `COPY`
 * baseline has none of those. Times are per table, summed over the timed `COPY … FROM` alone.
 */
async function copyFloor(
  source: Backend,
  kind: string,
  dir: string,
): Promise<{ seconds: number; perTable: string }> {
  const floor = await openBackend(kind);
  try {
    const columnsOf = async (table: string) => {
      const { rows } = await execute(
        source.handle,
        `select string_agg(quote_ident(column_name), ', ' order by ordinal_position) as cols
         from information_schema.columns
         where table_schema = 'public' and table_name = $1 and is_generated = 'NEVER'`,
        [table],
      );
      return String(rows[0]!.cols);
    };
    const copy = async (table: string): Promise<number> => {
      const cols = await columnsOf(table);
      const file = join(dir, `floor-${table}.bin`);
      try {
        return await copyThrough(table, cols, file);
      } finally {
        rmSync(file, { force: true });
      }
    };
    const copyThrough = async (table: string, cols: string, file: string): Promise<number> => {
      if (source.handle.pglite && floor.handle.pglite) {
        const out = await source.handle.pglite.query(
          `copy ${table} (${cols}) to '/dev/blob' with (format binary)`,
        );
        if (!out.blob) throw new Error(`COPY of ${table} gave no data`);
        writeFileSync(file, new Uint8Array(await out.blob.arrayBuffer()));
        const blob = await openAsBlob(file);
        const started = performance.now();
        await floor.handle.pglite.query(`copy ${table} (${cols}) from '/dev/blob' with (format binary)`, [], {
          blob,
        });
        return (performance.now() - started) / 1000;
      }
      const from = await source.handle.pool!.connect();
      try {
        await pipeline(
          from.query(copyTo(`copy ${table} (${cols}) to stdout with (format binary)`)),
          createWriteStream(file),
        );
      } finally {
        from.release();
      }
      const to = await floor.handle.pool!.connect();
      try {
        const started = performance.now();
        await pipeline(
          createReadStream(file),
          to.query(copyFrom(`copy ${table} (${cols}) from stdin with (format binary)`)),
        );
        return (performance.now() - started) / 1000;
      } finally {
        to.release();
      }
    };
    for (const table of FLOOR_PARENTS) await copy(table);
    const parts: string[] = [];
    let seconds = 0;
    for (const table of FLOOR_TABLES) {
      const s = await copy(table);
      seconds += s;
      parts.push(`${table} ${s.toFixed(2)} s`);
    }
    return { seconds, perTable: parts.join(', ') };
  } finally {
    await floor.cleanup();
  }
}

/** Clients the storage ceiling writes again (a sample: the cost per row does not depend on it). */
const CEILING_SAMPLE = 100_000;

/**
 * The schema's own ceiling: clients the import stored, written again into the same tables by SQL
 * alone — the client (its indexes and name-words trigger), its phones, e-mails and duplicate keys,
 * one statement per chunk of the import's size — with no reading, normalization, matching or undo
 * log. No import can store rows faster than this with these indexes; the ratio of the import to
 * it is what the engine itself costs. Every source table is read by the chunk's ids (an index
 * probe each), so the reads cost next to nothing whatever the size of the base. The copies stay (the bench database is dropped afterwards).
 */
async function storageCeiling(
  handle: DatabaseHandle,
  workspaceId: string,
): Promise<{ rows: number; seconds: number }> {
  const { rows: found } = await execute(
    handle,
    `select id::text as id from clients where workspace_id = $1 and merged_into_id is null order by id limit $2`,
    [workspaceId, CEILING_SAMPLE],
  );
  const ids = found.map((r) => String(r.id));
  const started = performance.now();
  for (let i = 0; i < ids.length; i += env.CB_BENCH_CHUNK_ROWS) {
    // New ids made as the import makes them (time-ordered), so the indexes see the same pattern.
    const part = ids.slice(i, i + env.CB_BENCH_CHUNK_ROWS);
    await execute(
      handle,
      `with m as (select * from unnest($1::uuid[], $2::uuid[]) as m(old_id, new_id)),
       c as (
         insert into clients (id, workspace_id, kind, last_name, first_name, patronymic, birthday, legal_name, inn,
           kpp, display_name, match_key, city, address, tags, custom, owner_id, source_channel, source_batch_id)
         select m.new_id, c.workspace_id, c.kind, c.last_name, c.first_name, c.patronymic, c.birthday, c.legal_name,
           c.inn, c.kpp, c.display_name, c.match_key, c.city, c.address, c.tags, c.custom, c.owner_id,
           c.source_channel, c.source_batch_id
         from clients c join m on m.old_id = c.id where c.id = any($1::uuid[]) returning id),
       p as (
         insert into client_phones (workspace_id, client_id, e164, raw, type, position)
         select p.workspace_id, m.new_id, p.e164, p.raw, p.type, p.position
         from client_phones p join m on m.old_id = p.client_id where p.client_id = any($1::uuid[]) returning id),
       e as (
         insert into client_emails (workspace_id, client_id, address, type, position)
         select e.workspace_id, m.new_id, e.address, e.type, e.position
         from client_emails e join m on m.old_id = e.client_id where e.client_id = any($1::uuid[]) returning id),
       k as (
         insert into client_dup_keys (client_id, workspace_id, keys)
         select m.new_id, k.workspace_id, k.keys
         from client_dup_keys k join m on m.old_id = k.client_id where k.client_id = any($1::uuid[]) returning client_id)
       select (select count(*) from c) as clients, (select count(*) from p) as phones,
         (select count(*) from e) as emails, (select count(*) from k) as keys`,
      [part, part.map(() => uuidv7())],
    );
  }
  return { rows: ids.length, seconds: (performance.now() - started) / 1000 };
}

function describeCounts(row: ImportRow): string {
  const c = row.counts;
  return `${fmt(c.rowsDone)} rows: ${fmt(c.created)} created, ${fmt(c.updated)} updated, ${fmt(c.duplicates)} duplicates, ${fmt(c.invalid)} invalid`;
}

/** An `imports` row for the direct path (the engine's `registerImport` makes one for the real run). */
async function bareImportRow(
  handle: DatabaseHandle,
  ctx: MutationContext,
  fileName: string,
): Promise<string> {
  const { rows } = await execute(
    handle,
    `insert into imports (workspace_id, kind, file_name, file_size, sha256, file)
     values ($1, 'purchases', $2, 0, '', '{"format":"csv"}'::jsonb) returning id`,
    [ctx.workspaceId, fileName],
  );
  return String(rows[0]!.id);
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const rate = (m: Measure) => m.rows / m.seconds;
/** Two significant digits: a ratio of 0.0018 must not print as 0.00. */
const ratio = (r: number) => `${r >= 0.1 ? r.toFixed(2) : r.toPrecision(2)}×`;

/** Adds a line and rewrites the results file, so a long run that is stopped still leaves its figures. */
function record(results: ResultLine[], line: ResultLine): void {
  results.push(line);
  writeResults(results, benchStarted, false);
}

async function runBackend(
  kind: string,
  dir: string,
  retailPath: string,
  results: ResultLine[],
): Promise<void> {
  const rows = kind === 'pglite' ? Math.min(env.CB_BENCH_PGLITE_ROWS, env.CB_BENCH_ROWS) : env.CB_BENCH_ROWS;
  const contactsPath = join(dir, `contacts-${rows}.csv`);
  const generated = await measured(() => writeContactsInChild(contactsPath, rows));
  console.log(
    `[${kind}] contacts: ${fmt(rows)} rows (${fmt(generated.value.duplicates)} duplicates, ${fmt(generated.value.invalid)} invalid), ${(generated.value.bytes / 1024 / 1024).toFixed(1)} MB, written in ${generated.seconds.toFixed(1)} s`,
  );
  const backend = await openBackend(kind);
  try {
    const copyContacts = await measured(() =>
      copyBaseline(backend, 'bench_copy_contacts', contactsPath, 6, ';'),
    );
    console.log(
      `[${kind}] contacts COPY: ${fmt(copyContacts.value)} rows in ${copyContacts.seconds.toFixed(2)} s`,
    );
    const contactsWorkspace = await seedWorkspace(backend.handle.db);
    const contacts = await measured(() =>
      importThroughEngine(backend.handle, contactsWorkspace.ctx, contactsPath, 'contacts.csv', 'clients'),
    );
    console.log(
      `[${kind}] contacts import: ${contacts.seconds.toFixed(2)} s in all, run ${contacts.value.runSeconds.toFixed(2)} s; ${contacts.value.detail}`,
    );
    const conversion = await conversionAlone(backend.handle, contacts.value.importId, contactsPath);
    const conversionRate = conversion.rows / conversion.seconds;
    console.log(
      `[${kind}] conversion alone (no database): ${fmt(conversion.rows)} rows in ${conversion.seconds.toFixed(2)} s, ${fmt(conversionRate)} rows/s`,
    );
    const floor = await copyFloor(backend, kind, dir);
    const floorRate = rows / floor.seconds;
    const copyRate = copyContacts.value / copyContacts.seconds;
    console.log(
      `[${kind}] COPY floor: the stored rows of the ${fmt(rows)}-row file COPYed into empty tables of the schema in ${floor.seconds.toFixed(2)} s (${floor.perTable}), ${fmt(floorRate)} file rows/s, ${ratio(floorRate / copyRate)} of the bare COPY; the run is ${ratio(rows / contacts.value.runSeconds / floorRate)} of the floor`,
    );
    const ceiling = await storageCeiling(backend.handle, contactsWorkspace.ctx.workspaceId);
    const ceilingRate = ceiling.rows / ceiling.seconds;
    const runRate = rows / contacts.value.runSeconds;
    console.log(
      `[${kind}] storage ceiling: ${fmt(ceiling.rows)} stored clients written again by SQL alone in ${ceiling.seconds.toFixed(2)} s, ${fmt(ceilingRate)} rows/s, into tables at their full size (the run averaged ${ratio(runRate / ceilingRate)} of it over a growing base)`,
    );
    record(results, {
      backend: kind,
      file: `contacts ${fmt(rows)}`,
      copy: { rows: copyContacts.value, seconds: copyContacts.seconds, peakRssMb: copyContacts.peakRssMb },
      ours: {
        rows,
        seconds: contacts.seconds,
        peakRssMb: contacts.peakRssMb,
        note: `upload + run (run alone ${fmt(runRate)} rows/s), policy phone+e-mail → ${env.CB_BENCH_ACTION}; **COPY floor ${fmt(floorRate)} rows/s, ${ratio(floorRate / copyRate)} of the bare COPY** (what the import stored, COPYed into empty tables of the same schema: ${floor.perTable}; the run alone is ${ratio(runRate / floorRate)} of it); storage ceiling ${fmt(ceilingRate)} rows/s (the same stored clients, phones, e-mails and keys written again by SQL alone, after the run, into tables at their full size; the run averaged ${ratio(runRate / ceilingRate)} of it over a growing base; COPY into a bare table ${ratio(copyContacts.value / copyContacts.seconds / ceilingRate)}); reading and converting the rows alone, no database: ${fmt(conversionRate)} rows/s (${ratio(conversionRate / (copyContacts.value / copyContacts.seconds))} of COPY)`,
      },
      detail: contacts.value.detail,
    });

    const copyRetail = await measured(() => copyBaseline(backend, 'bench_copy_retail', retailPath, 8, ','));
    console.log(`[${kind}] retail COPY: ${fmt(copyRetail.value)} rows in ${copyRetail.seconds.toFixed(2)} s`);
    const { ctx } = await seedWorkspace(backend.handle.db);
    const importId = await bareImportRow(backend.handle, ctx, 'online-retail.csv');
    const direct = await measured(() => purchasesDirect(backend.handle, ctx, retailPath, importId));
    console.log(
      `[${kind}] retail purchases (applyPurchaseChunk): ${fmt(direct.value.rows)} rows in ${direct.seconds.toFixed(2)} s; ${direct.value.detail}`,
    );
    const retailWorkspace = await seedWorkspace(backend.handle.db);
    const retail = await measured(() =>
      importThroughEngine(backend.handle, retailWorkspace.ctx, retailPath, 'online-retail.csv', 'purchases'),
    );
    console.log(
      `[${kind}] retail import: ${retail.seconds.toFixed(2)} s in all, run ${retail.value.runSeconds.toFixed(2)} s; ${retail.value.detail}`,
    );
    record(results, {
      backend: kind,
      file: 'online-retail (purchases)',
      copy: { rows: copyRetail.value, seconds: copyRetail.seconds, peakRssMb: copyRetail.peakRssMb },
      ours: {
        rows: copyRetail.value,
        seconds: retail.seconds,
        peakRssMb: retail.peakRssMb,
        note: `upload + run (run alone ${fmt(copyRetail.value / retail.value.runSeconds)} rows/s)`,
      },
      detail: retail.value.detail,
    });
    record(results, {
      backend: kind,
      file: 'online-retail, purchase path alone',
      copy: { rows: copyRetail.value, seconds: copyRetail.seconds, peakRssMb: copyRetail.peakRssMb },
      ours: {
        rows: direct.value.rows,
        seconds: direct.seconds,
        peakRssMb: direct.peakRssMb,
        note: 'applyPurchaseChunk per chunk',
      },
      detail: direct.value.detail,
    });
  } finally {
    await backend.cleanup();
  }
}

function writeResults(results: ResultLine[], started: Date, print = true): void {
  const lines = [
    '# Import bench results',
    '',
    `Run ${started.toISOString()} · Node ${process.version} · ${cpus().length} cores · chunk ${fmt(env.CB_BENCH_CHUNK_ROWS)} rows.`,
    'Each import stands beside a plain `COPY` of the same file into a bare table of text columns, in the same run;',
    'the ratio is the figure. Peak memory: resident set of the bench process, sampled every 100 ms (on PGlite the',
    'database runs inside the process). `pnpm bench` in `apps/worker` writes this file (`bench/import.ts`).',
    '',
    '| backend | file | COPY rows/s | import rows/s | ratio to COPY | peak RSS, MB (COPY / import) | notes |',
    '|---|---|---|---|---|---|---|',
    ...results.map((r) => {
      const copyRate = rate(r.copy);
      const ours = r.ours;
      return `| ${r.backend} | ${r.file} | ${fmt(copyRate)} | ${ours ? fmt(rate(ours)) : '—'} | ${ours ? ratio(rate(ours) / copyRate) : '—'} | ${fmt(r.copy.peakRssMb)} / ${ours ? fmt(ours.peakRssMb) : '—'} | ${[ours?.note, r.detail].filter(Boolean).join('; ')} |`;
    }),
    '',
    'Targets (issue 5): contacts import ≥ 0.3× of COPY on PostgreSQL, memory under 500 MB.',
    '',
  ];
  writeFileSync(env.CB_BENCH_OUT, lines.join('\n'));
  if (print) console.log(`\n${lines.join('\n')}`);
}

const benchStarted = new Date();
const dir = mkdtempSync(join(tmpdir(), 'cb-bench-files-'));
try {
  let retailPath = env.CB_BENCH_RETAIL;
  if (env.CB_BENCH_RETAIL_ROWS > 0) {
    retailPath = join(dir, 'online-retail-head.csv');
    await headOfFile(env.CB_BENCH_RETAIL, retailPath, env.CB_BENCH_RETAIL_ROWS);
  }
  const results: ResultLine[] = [];
  for (const kind of env.CB_BENCH_BACKENDS.split(',').map((s) => s.trim())) {
    await runBackend(kind, dir, retailPath, results);
  }
  writeResults(results, benchStarted);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
