import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execute, getImportById, startImport } from '@cb/db';
import { openTestDatabase, seedWorkspace, type TestDatabase } from '@cb/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onServer, waitFor } from '../testing/helpers.ts';
import { registerImport } from './inspect.ts';
import { runImport } from './run.ts';

/**
 * Kill-and-resume: the import runs in a real process that is SIGKILLed mid-file; a second run
 * takes the stalled import over and finishes it. Every row must be stored exactly once. A second
 * process needs a database server: on PGlite (one process) the same checks run on an in-process
 * run stopped between chunks.
 */
const ROWS = onServer ? 8_000 : 3_000;
const CHUNK = 200;
const here = dirname(fileURLToPath(import.meta.url));

let handle: TestDatabase;
let dir = '';
let child: ChildProcess | undefined;

beforeAll(async () => {
  handle = await openTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'cb-import-kill-'));
});
afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await handle?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function contactsCsv(rows: number): string {
  const lines = ['Код клиента,Фамилия,Имя,Телефон,Город'];
  for (let i = 1; i <= rows; i++) {
    const n = String(i).padStart(7, '0');
    lines.push(
      `K${n},Клиентов,Имя${i % 50},+7 915 ${n.slice(0, 3)}-${n.slice(3, 5)}-${n.slice(5)},Город ${i % 40}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function prepare() {
  const { ctx } = await seedWorkspace(handle.db, { settings: { defaultRegion: 'RU' } });
  const path = join(dir, `contacts-${ctx.workspaceId}.csv`);
  await writeFile(path, contactsCsv(ROWS));
  const row = await registerImport(handle, ctx, { path, fileName: 'contacts.csv' });
  const started = await startImport(handle.db, ctx, row.id, { matchBy: ['externalId'], action: 'skip' });
  expect(started.ok).toBe(true);
  return { ctx, importId: row.id };
}

async function expectEveryRowOnce(workspaceId: string, importId: string) {
  const { rows } = await execute(
    handle,
    `select count(*)::int as clients, count(distinct external_id)::int as distinct_ids,
            min(external_id) as first, max(external_id) as last
     from clients where workspace_id = $1::uuid`,
    [workspaceId],
  );
  expect(rows[0]).toEqual({
    clients: ROWS,
    distinct_ids: ROWS,
    first: 'K0000001',
    last: `K${String(ROWS).padStart(7, '0')}`,
  });
  const done = await getImportById(handle.db, importId);
  expect(done?.status).toBe('completed');
  expect(done?.counts).toEqual({ rowsDone: ROWS, created: ROWS, updated: 0, duplicates: 0, invalid: 0 });
  expect(done?.totalRows).toBe(ROWS);
  const { rows: changes } = await execute(
    handle,
    `select count(*)::int as n from import_changes where import_id = $1::uuid`,
    [importId],
  );
  expect(changes[0]).toEqual({ n: ROWS });
}

/** Server: a real process, SIGKILLed once it committed a chunk. Returns when it is dead. */
async function killMidFile(importId: string) {
  const script = join(here, '..', 'testing', 'import-worker.ts');
  child = spawn(process.execPath, ['--import', 'tsx', script, handle.url!, importId, String(CHUNK), dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (data: Buffer) => {
    stderr += data.toString();
  });
  const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
  await waitFor(
    async () => {
      const row = await getImportById(handle.db, importId);
      if (child?.exitCode !== null) throw new Error(`the import worker exited early: ${stderr}`);
      return (row?.counts.rowsDone ?? 0) > 0;
    },
    { timeoutMs: 60_000, intervalMs: 20, what: 'the first committed chunk' },
  );
  child.kill('SIGKILL');
  await exited;
}

/** PGlite (one process): the run is stopped in process between chunks instead. */
async function stopMidFile(importId: string) {
  const stop = new AbortController();
  const first = await runImport(handle, importId, {
    tempDir: dir,
    chunkRows: CHUNK,
    signal: stop.signal,
    onProgress: (row) => {
      if (row.counts.rowsDone >= 5 * CHUNK) stop.abort();
    },
  });
  expect(first.status).toBe('stopped');
}

describe('kill and resume', () => {
  it(`an import ${onServer ? 'whose worker process is killed' : 'stopped'} mid-file is taken over; no row lost, none doubled`, async () => {
    const { ctx, importId } = await prepare();
    if (onServer) await killMidFile(importId);
    else await stopMidFile(importId);
    const stalled = await getImportById(handle.db, importId);
    expect(stalled?.status).toBe('running');
    expect(stalled?.counts.rowsDone).toBeGreaterThan(0);
    expect(stalled?.counts.rowsDone).toBeLessThan(ROWS);
    // Its heartbeat is recent: only a run that finds it stale (here: any age) takes the import over.
    const resumed = await runImport(handle, importId, { tempDir: dir, chunkRows: CHUNK, stallSeconds: 0 });
    expect(resumed.status).toBe('completed');
    await expectEveryRowOnce(ctx.workspaceId, importId);
  }, 300_000);
});
