/**
 * Worker throughput: `tsx bench/throughput.ts [postgres url]` (PGlite in memory without a URL; with
 * one, a disposable database: it is migrated and filled). Measures the outbox relay (rows/s) and pg-boss
 * job processing through `startWorker` with a no-op processor (jobs/s), at a few batch sizes.
 */
import { randomUUID } from 'node:crypto';
import { createClient, createDatabase, type DatabaseHandle, enqueueRecompute, execute } from '@cb/db';
import { seedWorkspace } from '@cb/db/testing';
import pino from 'pino';
import { z } from 'zod';
import { connectBoss } from '../src/boss.ts';
import { QUEUE } from '../src/jobs.ts';
import { defineProcessor } from '../src/processors/index.ts';
import { relayOutbox } from '../src/relay.ts';
import { startWorker } from '../src/worker.ts';

const logger = pino({ level: 'warn' });
const databaseUrl = process.argv[2];
const database: DatabaseHandle = await createDatabase(
  databaseUrl ? { databaseUrl, maxConnections: 10 } : { dataDir: 'memory://' },
);

async function benchRelay(rows: number): Promise<void> {
  const boss = await connectBoss(database, { logger, schedule: false, supervise: false });
  const { workspace } = await seedWorkspace(database.db);
  for (let i = 0; i < rows; i += 1000) {
    await enqueueRecompute(
      database.db,
      workspace.id,
      Array.from({ length: 1000 }, () => randomUUID()),
    );
  }
  const started = performance.now();
  let relayed = 0;
  for (;;) {
    const result = await relayOutbox(database, boss);
    if (result.rows === 0) break;
    relayed += result.rows;
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `relay: ${relayed} outbox rows in ${seconds.toFixed(2)} s = ${Math.round(relayed / seconds)} rows/s`,
  );
  await boss.deleteAllJobs(QUEUE.clientRecompute);
  await boss.stop({ graceful: false, close: true });
}

async function benchJobs(jobs: number, batchSize: number, concurrency: number): Promise<void> {
  const queue = `bench.noop.${batchSize}.${concurrency}`;
  let done = 0;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const processor = defineProcessor({
    queue,
    payload: z.object({ n: z.number() }),
    async handle(batch) {
      done += batch.length;
      if (done >= jobs) finish();
    },
  });
  const worker = await startWorker({
    database,
    logger,
    processors: [processor],
    relay: false,
    fullRecomputeCron: null,
    outboxPruneCron: null,
    pollIntervalSeconds: 0.5,
    batchSize,
    concurrency,
  });
  for (let i = 0; i < jobs; i += 1000) {
    await worker.boss.insert(
      queue,
      Array.from({ length: Math.min(1000, jobs - i) }, (_, n) => ({ data: { n: i + n } })),
    );
  }
  const started = performance.now();
  await finished;
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `jobs: ${jobs} no-op jobs, batchSize ${batchSize}, concurrency ${concurrency}: ${seconds.toFixed(2)} s = ${Math.round(jobs / seconds)} jobs/s`,
  );
  await worker.stop();
}

/** Clients created, then outbox → relay → client.recompute → recomputeClients until all have a temperature. */
async function benchEndToEnd(clients: number): Promise<void> {
  const { ctx } = await seedWorkspace(database.db);
  for (let n = 0; n < clients; n++) {
    const created = await createClient(database.db, ctx, {
      kind: 'person',
      displayName: `Client ${n}`,
      matchKey: `client ${n}`,
    });
    if (!created.ok) throw new Error('client not created');
  }
  const worker = await startWorker({
    database,
    logger,
    pollIntervalSeconds: 0.5,
    relay: { intervalMs: 100 },
  });
  const started = performance.now();
  for (;;) {
    const { rows } = await execute(
      database,
      'select count(*)::int as n from clients where workspace_id = $1 and temperature_at is null',
      [ctx.workspaceId],
    );
    if (Number(rows[0]!.n) === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `end to end: ${clients} changed clients relayed and recomputed in ${seconds.toFixed(2)} s = ${Math.round(clients / seconds)} clients/s`,
  );
  await worker.stop();
}

console.log(`back end: ${database.kind}`);
await benchEndToEnd(2000);
await benchRelay(10_000);
// batchSize 1 cannot burst: one job per poll interval per fetch loop.
await benchJobs(20, 1, 1);
await benchJobs(5000, 20, 1);
await benchJobs(5000, 50, 1);
if (database.kind === 'postgres') await benchJobs(5000, 50, 4);
await database.close();
