/**
 * Import profile (issue 5, helper A3): where the time of a contacts import goes. Generates a
 * contacts file (`bench/contacts.ts`), runs `registerImport` → `setImportMapping` → `startImport` →
 * `runImport` on a fresh PostgreSQL database (created and dropped here) and on PGlite, and times
 * every SQL statement by the engine function that sent it (the stack frame) and its verb + table.
 *
 *   tsx bench/import-profile.ts            CB_PROFILE_ROWS=20000 CB_PROFILE_BACKENDS=postgres,pglite
 *
 * Prints rows/s (wall), rows per CPU-second of this process (on PGlite the database runs in it),
 * peak RSS, and the statements sorted by total time. The machine is shared: read the CPU and the
 * per-statement figures rather than wall clock alone.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, type DatabaseHandle, setImportMapping, startImport } from '@cb/db';
import { seedWorkspace } from '@cb/db/testing';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { z } from 'zod';
import { registerImport } from '../src/import/inspect.ts';
import { runImport } from '../src/import/run.ts';
import { writeContactsFile } from './contacts.ts';

const env = z
  .object({
    CB_PROFILE_ROWS: z.coerce.number().int().min(100).default(20_000),
    CB_PROFILE_CHUNK_ROWS: z.coerce.number().int().min(100).optional(),
    CB_PROFILE_BACKENDS: z.string().default('postgres,pglite'),
    CB_PROFILE_ACTION: z.enum(['skip', 'fill', 'overwrite', 'create']).default('skip'),
    CB_PROFILE_MATCH: z.string().default('phone,email'),
    CB_PROFILE_DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/postgres'),
    /** Keep the PostgreSQL database (its name is printed) for EXPLAIN ANALYZE afterwards. */
    CB_PROFILE_KEEP: z.enum(['0', '1']).default('0'),
    /** Print the top statements (0: none). */
    CB_PROFILE_TOP: z.coerce.number().int().min(0).default(25),
  })
  .parse(process.env);

type Stat = { count: number; ms: number; rows: number };
const stats = new Map<string, Stat>();

/** `verb table` of a statement, and the engine function that sent it. */
function labelOf(text: string): string {
  const s = text.replace(/\s+/g, ' ').trim().toLowerCase();
  const m =
    /^(insert into|update|delete from) "?(\w+)/.exec(s) ??
    /^(select|with)\b.*?\bfrom "?(\w+)/.exec(s) ??
    /^(\w+)/.exec(s);
  const what = m ? `${m[1]} ${m[2] ?? ''}`.trim() : s.slice(0, 30);
  const frame = (new Error().stack ?? '')
    .split('\n')
    .slice(2)
    .find((l) => /\/(packages\/db|apps\/worker)\/src\//.test(l) && !/\/raw\.ts|\/client\.ts/.test(l));
  const fn = frame ? /at (?:async )?([\w.<>]+) \(/.exec(frame)?.[1] : undefined;
  const file = frame ? /\/([\w-]+\.ts):\d+/.exec(frame)?.[1] : undefined;
  return `${fn ?? '?'}@${file ?? '?'}: ${what}`;
}

function record(label: string, started: number, rows: number): void {
  const stat = stats.get(label) ?? { count: 0, ms: 0, rows: 0 };
  stat.count++;
  stat.ms += performance.now() - started;
  stat.rows += rows;
  stats.set(label, stat);
}

const rowsOf = (result: unknown) =>
  (result as { rowCount?: number | null; affectedRows?: number })?.rowCount ??
  (result as { affectedRows?: number })?.affectedRows ??
  0;

/** Times every query of node-postgres clients (the pool's too: `pool.query` goes through a client). */
function instrumentPg(): void {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    const first = args[0];
    const text = typeof first === 'string' ? first : (first as { text?: string })?.text;
    if (typeof text !== 'string') return original.apply(this, args);
    const label = labelOf(text);
    const started = performance.now();
    const last = args.at(-1);
    if (typeof last === 'function') {
      args[args.length - 1] = (error: unknown, result: unknown) => {
        record(label, started, rowsOf(result));
        (last as (e: unknown, r: unknown) => void)(error, result);
      };
      return original.apply(this, args);
    }
    const out = original.apply(this, args);
    if (out && typeof (out as Promise<unknown>).then === 'function') {
      (out as Promise<unknown>).then(
        (r) => record(label, started, rowsOf(r)),
        () => record(label, started, 0),
      );
    }
    return out;
  };
}

/** Times PGlite's `query`, inside transactions too. */
function instrumentPglite(db: PGlite): void {
  type Q = (text: string, ...rest: unknown[]) => Promise<unknown>;
  const wrap =
    (query: Q, self: unknown): Q =>
    async (text, ...rest) => {
      const label = labelOf(text);
      const started = performance.now();
      try {
        const r = await query.call(self, text, ...rest);
        record(label, started, rowsOf(r));
        return r;
      } catch (error) {
        record(label, started, 0);
        throw error;
      }
    };
  const target = db as unknown as { query: Q; transaction: (cb: (tx: unknown) => unknown) => unknown };
  target.query = wrap(target.query, db);
  const transaction = target.transaction.bind(db);
  target.transaction = (cb) =>
    transaction((tx) => {
      const t = tx as { query: Q };
      t.query = wrap(t.query, t);
      return cb(tx);
    });
}

type Backend = { handle: DatabaseHandle; cleanup: () => Promise<void> };

async function openBackend(kind: string): Promise<Backend> {
  if (kind === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'cb-profile-import-'));
    const handle = await createDatabase({ dataDir: dir });
    instrumentPglite(handle.pglite!);
    return {
      handle,
      cleanup: async () => {
        await handle.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `cb_profile_import_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: env.CB_PROFILE_DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(env.CB_PROFILE_DATABASE_URL);
  url.pathname = `/${name}`;
  const handle = await createDatabase({ databaseUrl: url.toString(), maxConnections: 4 });
  return {
    handle,
    cleanup: async () => {
      await handle.close();
      if (env.CB_PROFILE_KEEP === '1') {
        console.log(`kept database ${name}`);
        return;
      }
      const drop = new pg.Client({ connectionString: env.CB_PROFILE_DATABASE_URL });
      await drop.connect();
      await drop.query(`drop database if exists ${name} with (force)`);
      await drop.end();
    },
  };
}

/**
 * CPU seconds used so far by the PostgreSQL backends serving this database (the server runs on
 * this machine: `/proc/<pid>/stat`), by pid.
 */
async function serverCpu(handle: DatabaseHandle): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (!handle.pool) return out;
  const { rows } = await handle.pool.query<{ pid: number }>(
    'select pid from pg_stat_activity where datname = current_database()',
  );
  for (const { pid } of rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      out.set(pid, (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // Not on this machine, or gone.
    }
  }
  return out;
}

/**
 * The server's write-ahead log and buffer traffic so far (cluster-wide: read on an otherwise idle
 * server): WAL bytes and full-page images, checkpoints, and buffers the backends had to write out
 * themselves to make room (a sign that the working set outgrows `shared_buffers`).
 */
async function serverWrites(handle: DatabaseHandle): Promise<Record<string, number> | null> {
  if (!handle.pool) return null;
  const { rows } = await handle.pool.query<Record<string, string>>(
    `select w.wal_bytes, w.wal_fpi, b.checkpoints_timed + b.checkpoints_req as checkpoints, b.buffers_backend,
       current_setting('shared_buffers') as shared_buffers
     from pg_stat_wal w, pg_stat_bgwriter b`,
  );
  const r = rows[0]!;
  return {
    walBytes: Number(r.wal_bytes),
    walFpi: Number(r.wal_fpi),
    checkpoints: Number(r.checkpoints),
    buffersBackend: Number(r.buffers_backend),
  };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function profile(kind: string, path: string): Promise<void> {
  const backend = await openBackend(kind);
  try {
    const { ctx } = await seedWorkspace(backend.handle.db);
    const registered = await registerImport(backend.handle, ctx, { path, fileName: 'contacts.csv' });
    const mapped = await setImportMapping(backend.handle.db, ctx, registered.id, {
      mapping: registered.mapping,
      kind: 'clients',
    });
    if (!mapped.ok) throw new Error(`mapping refused: ${JSON.stringify(mapped.error)}`);
    const started = await startImport(backend.handle.db, ctx, registered.id, {
      matchBy: env.CB_PROFILE_MATCH.split(','),
      action: env.CB_PROFILE_ACTION,
    });
    if (!started.ok) throw new Error(`start refused: ${JSON.stringify(started.error)}`);
    stats.clear();
    const rssAtStart = process.memoryUsage().rss;
    let peak = rssAtStart;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 100);
    const serverBefore = await serverCpu(backend.handle);
    const writesBefore = await serverWrites(backend.handle);
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    const outcome = await runImport(backend.handle, registered.id, {
      force: true,
      ...(env.CB_PROFILE_CHUNK_ROWS ? { chunkRows: env.CB_PROFILE_CHUNK_ROWS } : {}),
    });
    const seconds = (performance.now() - t0) / 1000;
    const used = process.cpuUsage(cpu);
    let serverSeconds = 0;
    for (const [pid, s] of await serverCpu(backend.handle)) serverSeconds += s - (serverBefore.get(pid) ?? 0);
    const writesAfter = await serverWrites(backend.handle);
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().rss);
    if (outcome.status !== 'completed' || !outcome.import) throw new Error(`import ${outcome.status}`);
    const c = outcome.import.counts;
    const cpuSeconds = (used.user + used.system) / 1e6;
    const sqlMs = [...stats.values()].reduce((s, x) => s + x.ms, 0);
    console.log(
      `\n[${kind}] ${fmt(c.rowsDone)} rows (${fmt(c.created)} created, ${fmt(c.updated)} updated, ${fmt(c.duplicates)} duplicates, ${fmt(c.invalid)} invalid) in ${seconds.toFixed(1)} s wall: ${fmt(c.rowsDone / seconds)} rows/s; process CPU ${cpuSeconds.toFixed(1)} s: ${fmt(c.rowsDone / cpuSeconds)} rows per process CPU-s${backend.handle.pool ? `; server CPU ${serverSeconds.toFixed(1)} s, ${fmt(c.rowsDone / (cpuSeconds + serverSeconds))} rows per CPU-s (process + server)` : ''}; SQL ${(sqlMs / 1000).toFixed(1)} s; peak RSS ${fmt(peak / 1024 / 1024)} MB (${fmt(rssAtStart / 1024 / 1024)} MB when the run started)`,
    );
    if (writesBefore && writesAfter) {
      const d = (k: string) => writesAfter[k]! - writesBefore[k]!;
      console.log(
        `[${kind}] server writes: WAL ${fmt(d('walBytes') / 1024 / 1024)} MB (${fmt(d('walBytes') / c.rowsDone)} bytes per row, ${fmt(d('walFpi'))} full-page images), ${fmt(d('checkpoints'))} checkpoints, ${fmt(d('buffersBackend'))} buffers written out by the backends themselves`,
      );
    }
    const top = [...stats.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, env.CB_PROFILE_TOP);
    for (const [label, s] of top) {
      console.log(
        `  ${(s.ms / 1000).toFixed(2).padStart(8)} s ${String(s.count).padStart(6)}× ${(s.ms / s.count).toFixed(1).padStart(8)} ms/stmt ${fmt(s.rows).padStart(9)} rows  ${label}`,
      );
    }
  } finally {
    await backend.cleanup();
  }
}

Error.stackTraceLimit = 60;
instrumentPg();
const dir = mkdtempSync(join(tmpdir(), 'cb-profile-files-'));
try {
  const path = join(dir, 'contacts.csv');
  const generated = await writeContactsFile(path, { rows: env.CB_PROFILE_ROWS });
  console.log(
    `contacts: ${fmt(generated.rows)} rows (${fmt(generated.duplicates)} duplicates, ${fmt(generated.invalid)} invalid); policy ${env.CB_PROFILE_MATCH} → ${env.CB_PROFILE_ACTION}`,
  );
  for (const kind of env.CB_PROFILE_BACKENDS.split(',').map((s) => s.trim())) await profile(kind, path);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
