import type { DatabaseHandle } from '@cb/db';
import type { PgBoss } from 'pg-boss';
import pino, { type Logger } from 'pino';
import { connectBoss, DEFAULT_RETRY, queueOptions, type RetryPolicy, upsertQueue } from './boss.ts';
import { type ImportSweep, startImportSweep } from './import/sweep.ts';
import { DUPLICATE_QUEUE, QUEUE } from './jobs.ts';
import { DEFAULT_DUPLICATES_SCAN_CRON, duplicateQueues } from './processors/duplicates-scan.ts';
import { importQueues, stopImportRuns } from './processors/import-run.ts';
import {
  type AnyProcessor,
  defaultProcessors,
  type ProcessorContext,
  registerProcessor,
} from './processors/index.ts';
import { type RelayLoop, type RelayOptions, startRelayLoop } from './relay.ts';

export const DEFAULT_FULL_RECOMPUTE_CRON = '0 * * * *';
export const DEFAULT_OUTBOX_PRUNE_CRON = '17 3 * * *';

export type StartWorkerOptions = {
  /** The app's database: PGlite (embedded, in the API's process) or a PostgreSQL pool. */
  database: DatabaseHandle;
  logger?: Logger;
  /** The clock recomputes read; tests pin it. */
  now?: () => Date;
  /** How often idle queues are polled (NOTIFY wakes them sooner); at least 0.5. Default 2. */
  pollIntervalSeconds?: number;
  /** Jobs fetched per poll. Default 20. */
  batchSize?: number;
  /** Fetch loops per queue in this process. Default 1 on PGlite (one connection), 2 on PostgreSQL. */
  concurrency?: number;
  /** Relay settings; `false` runs no relay in this process. */
  relay?: (RelayOptions & { intervalMs?: number }) | false;
  /** Cron (UTC) of the full recompute of every workspace; `null` removes the schedule. Hourly by default. */
  fullRecomputeCron?: string | null;
  /** Cron (UTC) of the outbox clean-up; `null` removes the schedule. Daily by default. */
  outboxPruneCron?: string | null;
  /** Cron (UTC) of the duplicate scan of every workspace; `null` removes the schedule. Daily by default. */
  duplicatesScanCron?: string | null;
  retry?: RetryPolicy;
  /** The processors to run (default: all of this worker's). */
  processors?: readonly AnyProcessor[];
  /** Server mode: the URL for pg-boss's own pool; defaults to the handle's. */
  databaseUrl?: string;
  /** How often stalled or job-less imports get a new job (seconds); `null`: no sweep. Default 15. */
  importSweepSeconds?: number | null;
  /** A running import whose heartbeat is older than this is taken over (seconds). Default 30. */
  importStallSeconds?: number;
};

export type Worker = {
  boss: PgBoss;
  /** Relay the outbox now rather than at the next tick (no-op without a relay). */
  wake(): void;
  /** Stops fetching, lets jobs in hand finish, stops the relay and pg-boss. Leaves the database open. */
  stop(): Promise<void>;
};

/**
 * Starts a worker: pg-boss on the app's database, the outbox relay, one processor per queue and
 * the schedules. Embedded mode calls it inside the API's process with the PGlite handle; server
 * mode runs it from `main.ts`, as many processes as wanted against one PostgreSQL.
 */
export async function startWorker(options: StartWorkerOptions): Promise<Worker> {
  const { database } = options;
  const logger = (options.logger ?? pino({ level: 'info' })).child({ component: 'worker' });
  const pollIntervalSeconds = options.pollIntervalSeconds ?? 2;
  const retry = options.retry ?? DEFAULT_RETRY;
  const boss = await connectBoss(database, {
    logger,
    retry,
    databaseUrl: options.databaseUrl,
    maxConnections: 4 + (options.concurrency ?? 2) * 2,
  });
  let relay: RelayLoop | undefined;
  let importSweep: ImportSweep | undefined;
  try {
    await applySchedule(boss, QUEUE.recomputeAll, options.fullRecomputeCron, DEFAULT_FULL_RECOMPUTE_CRON);
    await applySchedule(boss, QUEUE.outboxPrune, options.outboxPruneCron, DEFAULT_OUTBOX_PRUNE_CRON);
    const context: ProcessorContext = {
      database,
      boss,
      logger,
      now: options.now ?? (() => new Date()),
      importStallSeconds: options.importStallSeconds,
    };
    const tuning = {
      batchSize: options.batchSize ?? 20,
      concurrency: options.concurrency ?? (database.kind === 'pglite' ? 1 : 2),
      pollIntervalSeconds,
    };
    const ownQueues = new Set<string>(Object.values(QUEUE));
    for (const [name, settings] of importQueues(retry)) {
      await upsertQueue(boss, name, settings);
      ownQueues.add(name);
    }
    for (const [name, settings] of duplicateQueues(retry)) {
      await upsertQueue(boss, name, settings);
      ownQueues.add(name);
    }
    await applySchedule(
      boss,
      DUPLICATE_QUEUE.scanAll,
      options.duplicatesScanCron,
      DEFAULT_DUPLICATES_SCAN_CRON,
    );
    for (const processor of options.processors ?? defaultProcessors) {
      // A processor for a queue of its own (an extension, a test) gets the same retries and dead letters.
      if (!ownQueues.has(processor.queue)) await upsertQueue(boss, processor.queue, queueOptions(retry));
      await registerProcessor(boss, processor, context, tuning);
    }
    if (options.relay !== false) {
      relay = startRelayLoop(database, boss, {
        ...options.relay,
        intervalMs: options.relay?.intervalMs ?? pollIntervalSeconds * 1000,
        logger,
      });
    }
    if (options.importSweepSeconds !== null) {
      importSweep = startImportSweep(database, boss, {
        intervalSeconds: options.importSweepSeconds,
        stallSeconds: options.importStallSeconds,
        logger,
      });
    }
  } catch (error) {
    await relay?.stop();
    await boss.stop({ graceful: false, close: true });
    throw error;
  }
  logger.info({ backend: database.kind }, 'worker started');
  let stopping: Promise<void> | undefined;
  return {
    boss,
    wake: () => relay?.wake(),
    stop() {
      stopping ??= (async () => {
        await relay?.stop();
        await importSweep?.stop();
        // Imports stop after the chunk in hand (its checkpoint committed); another worker resumes them.
        stopImportRuns(boss);
        await boss.stop({ graceful: true, close: true, timeout: 30_000 });
        logger.info('worker stopped');
      })();
      return stopping;
    },
  };
}

async function applySchedule(
  boss: PgBoss,
  queue: string,
  cron: string | null | undefined,
  fallback: string,
): Promise<void> {
  if (cron === null) {
    await boss.unschedule(queue);
    return;
  }
  await boss.schedule(queue, cron ?? fallback, {}, { tz: 'UTC' });
}

export type QueueClient = { boss: PgBoss; stop(): Promise<void> };

/**
 * pg-boss without processors, relay or cron pass: for an API process in server mode that only
 * lists or redrives dead letters while separate workers do the work.
 */
export async function openQueue(options: {
  database: DatabaseHandle;
  logger?: Logger;
  databaseUrl?: string;
}): Promise<QueueClient> {
  const logger = (options.logger ?? pino({ level: 'info' })).child({ component: 'queue' });
  const boss = await connectBoss(options.database, {
    logger,
    databaseUrl: options.databaseUrl,
    maxConnections: 2,
    schedule: false,
    supervise: false,
  });
  return { boss, stop: () => boss.stop({ graceful: false, close: true }) };
}
