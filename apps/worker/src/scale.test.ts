import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { execute } from '@cb/db';
import { openTestDatabase, type TestDatabase } from '@cb/db/testing';
import type { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBoss } from './boss.ts';
import { QUEUE } from './jobs.ts';
import { onServer, quietLogger, waitFor } from './testing/helpers.ts';
import { createProbeTables, PROBE_QUEUE } from './testing/probe.ts';

const JOBS = 500;
const workerDir = fileURLToPath(new URL('..', import.meta.url));
const probeWorker = fileURLToPath(new URL('./testing/probe-worker.ts', import.meta.url));

/** Starts a worker in a process of its own and resolves once it is fetching. */
async function spawnWorker(
  url: string,
  name: string,
): Promise<{ child: ChildProcess; stderr: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', probeWorker, url, name], {
    cwd: workerDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker ${name} exited with ${code}: ${stderr}`)));
  });
  return { child, stderr: () => stderr };
}

// Server mode only: PGlite is one in-process connection, so "two workers on one database" means
// two PostgreSQL clients. Runs when CB_TEST_DATABASE_URL is set.
describe.runIf(onServer)('two worker processes on one PostgreSQL', () => {
  let database: TestDatabase;
  let boss: PgBoss;
  const workers: { child: ChildProcess; stderr: () => string }[] = [];

  beforeAll(async () => {
    database = await openTestDatabase();
    await createProbeTables(database);
    boss = await connectBoss(database, { logger: quietLogger(), schedule: false, supervise: false });
    const url = database.url!;
    workers.push(...(await Promise.all([spawnWorker(url, 'a'), spawnWorker(url, 'b')])));
  });

  afterAll(async () => {
    await Promise.all(
      workers.map(async ({ child }) => {
        if (child.exitCode !== null) return;
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }),
    );
    await boss?.stop({ graceful: false, close: true });
    await database?.close();
  });

  it(`does each of ${JOBS} jobs exactly once, and loses none`, async () => {
    const ids = await boss.insert(
      PROBE_QUEUE,
      Array.from({ length: JOBS }, (_, n) => ({ data: { n } })),
      { returnId: true },
    );
    expect(ids).toHaveLength(JOBS);

    const started = performance.now();
    await waitFor(
      async () => {
        const { rows } = await execute(database, 'select count(*)::int as n from probe_done');
        return Number(rows[0]!.n) === JOBS;
      },
      { timeoutMs: 60_000, what: `${JOBS} probe jobs done` },
    );
    const seconds = (performance.now() - started) / 1000;

    const { rows: attempts } = await execute(
      database,
      'select count(*)::int as attempts, count(distinct job_id)::int as jobs, count(distinct worker)::int as workers from probe_attempt',
    );
    expect(attempts[0]).toEqual({ attempts: JOBS, jobs: JOBS, workers: 2 });
    const { rows: done } = await execute(database, 'select job_id::text as id from probe_done');
    expect(new Set(done.map((row) => row.id))).toEqual(new Set(ids));
    const completed = await waitFor(async () => {
      const jobs = await boss.findJobs(PROBE_QUEUE, { limit: JOBS });
      const finished = jobs.filter((job) => job.state === 'completed');
      return finished.length === JOBS && finished;
    });
    expect(completed).toHaveLength(JOBS);
    expect(await boss.findJobs(QUEUE.deadLetter, {})).toEqual([]);
    for (const { child, stderr } of workers) {
      expect(child.exitCode, stderr()).toBeNull();
    }
    console.info(
      `${JOBS} jobs by two worker processes in ${seconds.toFixed(2)} s (${Math.round(JOBS / seconds)} jobs/s)`,
    );
  });
});
