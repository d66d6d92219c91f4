import type { DatabaseHandle } from '@cb/db';
import { type ConstructorOptions, fromPglite, PgBoss, type Queue } from 'pg-boss';
import type { Logger } from 'pino';
import { QUEUE } from './jobs.ts';

/** How a failing job is retried before it lands in the dead letters. */
export type RetryPolicy = {
  /** Retries after the first attempt. */
  limit: number;
  /** First delay in seconds; doubled (with jitter) on each retry when `backoff` is on. */
  delaySeconds: number;
  backoff: boolean;
  /** Cap on one delay, in seconds (backoff only). */
  delayMaxSeconds?: number | undefined;
};

export const DEFAULT_RETRY: RetryPolicy = { limit: 5, delaySeconds: 5, backoff: true, delayMaxSeconds: 600 };

export type ConnectBossOptions = {
  logger: Logger;
  /**
   * The retry policy of this worker's queues, applied to existing queues too. Without it missing
   * queues are created with the default policy and existing ones are left as they are.
   */
  retry?: RetryPolicy;
  /**
   * Server mode: the URL pg-boss opens its own pool on (it needs a session of its own for
   * LISTEN/NOTIFY). Defaults to the URL the handle's pool was opened with.
   */
  databaseUrl?: string | undefined;
  /** Size of pg-boss's own pool (server mode). */
  maxConnections?: number;
  /** Run pg-boss's cron pass on this instance (creates the jobs of `schedule()`); default true. */
  schedule?: boolean;
  /** Run pg-boss's maintenance (expiry, retention, stats) on this instance; default true. */
  supervise?: boolean;
};

/**
 * Starts pg-boss on the same database as the app: over PGlite through `fromPglite` in embedded
 * mode, with a pool of its own in server mode. Creates (or updates) the queues this worker owns, so
 * the queue cache is warm before anything sends inside a transaction: on PGlite a cache miss there
 * would wait on the very transaction it runs in.
 */
export async function connectBoss(database: DatabaseHandle, options: ConnectBossOptions): Promise<PgBoss> {
  const common: ConstructorOptions = {
    schema: 'pgboss',
    useListenNotify: true,
    schedule: options.schedule ?? true,
    supervise: options.supervise ?? true,
    instanceName: 'cb-worker',
  };
  const boss = new PgBoss(
    database.kind === 'pglite'
      ? { ...common, backend: 'pglite', db: fromPglite(requirePglite(database)) }
      : {
          ...common,
          connectionString: options.databaseUrl ?? poolUrl(database),
          max: options.maxConnections ?? 6,
          application_name: 'cb-worker',
        },
  );
  boss.on('error', (error) => options.logger.error({ err: error }, 'pg-boss error'));
  boss.on('warning', (warning) => options.logger.warn({ data: warning.data }, `pg-boss: ${warning.message}`));
  await boss.start();
  try {
    await ensureQueues(boss, options.retry);
  } catch (error) {
    await boss.stop({ graceful: false, close: true });
    throw error;
  }
  return boss;
}

/** Settings of a worked queue: retries with this policy, then the dead letters. */
export function queueOptions(retry: RetryPolicy): Omit<Queue, 'name'> {
  return {
    deadLetter: QUEUE.deadLetter,
    retryLimit: retry.limit,
    retryDelay: retry.delaySeconds,
    retryBackoff: retry.backoff,
    ...(retry.backoff && retry.delayMaxSeconds !== undefined ? { retryDelayMax: retry.delayMaxSeconds } : {}),
    notify: true,
  };
}

async function ensureQueues(boss: PgBoss, retry: RetryPolicy | undefined): Promise<void> {
  // Dead letters stay a month: long enough for someone to look, redrive or discard them.
  await boss.createQueue(QUEUE.deadLetter, {
    retentionSeconds: 30 * 24 * 3600,
    deleteAfterSeconds: 7 * 24 * 3600,
  });
  const options = queueOptions(retry ?? DEFAULT_RETRY);
  const update = retry !== undefined;
  await upsertQueue(boss, QUEUE.clientRecompute, options, update);
  // One queued recompute per workspace is enough: a second one would redo the same work.
  await upsertQueue(boss, QUEUE.workspaceRecompute, { ...options, policy: 'short' }, update);
  await upsertQueue(boss, QUEUE.recomputeAll, { ...options, policy: 'short' }, update);
  await upsertQueue(boss, QUEUE.outboxPrune, { ...options, policy: 'short' }, update);
}

/**
 * Creates the queue (a no-op when it exists; safe when several workers start at once) and, with
 * `update`, brings an existing queue's settings in line with these.
 */
export async function upsertQueue(
  boss: PgBoss,
  name: string,
  options: Omit<Queue, 'name'>,
  update = true,
): Promise<void> {
  await boss.createQueue(name, options);
  if (!update) return;
  const { policy: _policy, partition: _partition, ...changeable } = options;
  await boss.updateQueue(name, changeable);
}

function requirePglite(database: DatabaseHandle) {
  if (!database.pglite) throw new Error('An embedded database handle carries its PGlite instance');
  return database.pglite;
}

/** The connection string the handle's pool was opened with (node-postgres keeps it on `options`). */
function poolUrl(database: DatabaseHandle): string {
  const options = (database.pool as unknown as { options?: { connectionString?: unknown } } | undefined)
    ?.options;
  const url = options?.connectionString;
  if (typeof url !== 'string' || url === '') {
    throw new Error('Server mode needs a database URL for pg-boss: pass databaseUrl');
  }
  return url;
}
