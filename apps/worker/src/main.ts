import { createDatabase } from '@cb/db';
import pino from 'pino';
import { EnvError, readEnv } from './env.ts';
import { startWorker } from './worker.ts';

/** Server mode: a standalone worker on PostgreSQL. Run as many as wanted against one database. */
async function main(): Promise<void> {
  let env: ReturnType<typeof readEnv>;
  try {
    env = readEnv();
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  const logger = pino({ level: env.LOG_LEVEL, base: { service: 'cb-worker' } });
  // The API owns migrations; workers start on a migrated database and never race to migrate it.
  const database = await createDatabase({
    databaseUrl: env.DATABASE_URL,
    migrate: false,
    maxConnections: env.CB_WORKER_DB_CONNECTIONS,
  });
  const worker = await startWorker({
    database,
    logger,
    databaseUrl: env.DATABASE_URL,
    pollIntervalSeconds: env.CB_WORKER_POLL_INTERVAL_SECONDS,
    batchSize: env.CB_WORKER_BATCH_SIZE,
    concurrency: env.CB_WORKER_CONCURRENCY,
    relay: env.CB_RELAY ? { batchSize: env.CB_RELAY_BATCH_SIZE } : false,
    importSweepSeconds: env.CB_IMPORT_SWEEP_SECONDS,
    importStallSeconds: env.CB_IMPORT_STALL_SECONDS,
    fullRecomputeCron: env.CB_FULL_RECOMPUTE_CRON === 'off' ? null : env.CB_FULL_RECOMPUTE_CRON,
    retry: {
      limit: env.CB_JOB_RETRY_LIMIT,
      delaySeconds: env.CB_JOB_RETRY_DELAY_SECONDS,
      backoff: true,
      delayMaxSeconds: 600,
    },
  });
  let shuttingDown = false;
  const shutdown = (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'shutting down');
    worker
      .stop()
      .then(() => database.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `worker failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
