import type { DatabaseHandle } from '@cb/db';
import {
  claimPendingOutbox,
  DUPLICATES_CHECK,
  DUPLICATES_SCAN,
  IMPORT_RUN,
  IMPORT_UNDO,
  inTransaction,
  markOutboxRelayed,
  type OutboxRow,
  RECOMPUTE_CLIENT,
  RECOMPUTE_WORKSPACE,
} from '@cb/db';
import type { JobInsert, PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import { z } from 'zod';
import { bossExecutor } from './boss-executor.ts';
import {
  type ClientRecompute,
  type DirectDeadLetter,
  DUPLICATE_QUEUE,
  IMPORT_QUEUE,
  type ImportJob,
  MAX_CLIENTS_PER_JOB,
  QUEUE,
  type WorkspaceRecompute,
} from './jobs.ts';
import { type DuplicateJobPlan, planDuplicateJobs } from './processors/duplicates-check.ts';

/** Outbox topics and the payload each row carries. */
export const OUTBOX_TOPIC = {
  clientRecompute: RECOMPUTE_CLIENT,
  /** A whole workspace (e.g. its temperature policy changed); the row's workspace is the target. */
  workspaceRecompute: RECOMPUTE_WORKSPACE,
} as const;

const ZClientTopicPayload = z.object({ clientId: z.uuid() });

export type RelayOptions = {
  /** Outbox rows claimed per transaction. */
  batchSize?: number;
  /** Most clients in one `client.recompute` job. */
  clientsPerJob?: number;
};

export type RelayResult = {
  /** Outbox rows claimed and marked relayed. */
  rows: number;
  clientJobs: number;
  workspaceJobs: number;
  deadLettered: number;
};

export const DEFAULT_RELAY_BATCH_SIZE = 1000;
export const DEFAULT_CLIENTS_PER_JOB = 200;

/**
 * Moves one batch of pending outbox rows to pg-boss, in one transaction: claim the rows (`for
 * update skip locked`), insert the jobs through that same transaction, mark the rows relayed.
 * Either all of it commits or none of it does, so a crash at any point loses no change and relays
 * none twice.
 *
 * Rows are coalesced: one job per workspace carries all of its clients in the batch (split at
 * `clientsPerJob`), and a workspace recompute in the batch makes its client jobs unnecessary.
 * Order between rows is not kept and need not be: a recompute reads the current state.
 */
export async function relayOutbox(
  database: DatabaseHandle,
  boss: PgBoss,
  options: RelayOptions = {},
): Promise<RelayResult> {
  const batchSize = options.batchSize ?? DEFAULT_RELAY_BATCH_SIZE;
  const clientsPerJob = Math.min(options.clientsPerJob ?? DEFAULT_CLIENTS_PER_JOB, MAX_CLIENTS_PER_JOB);
  return inTransaction(database, async (execute) => {
    const rows = await claimPendingOutbox(execute, batchSize);
    if (rows.length === 0) return { rows: 0, clientJobs: 0, workspaceJobs: 0, deadLettered: 0 };
    const plan = planJobs(rows, clientsPerJob);
    const db = bossExecutor(execute);
    if (plan.clientJobs.length > 0) await boss.insert(QUEUE.clientRecompute, plan.clientJobs, { db });
    if (plan.workspaceJobs.length > 0)
      await boss.insert(QUEUE.workspaceRecompute, plan.workspaceJobs, { db });
    if (plan.deadLetters.length > 0) await boss.insert(QUEUE.deadLetter, plan.deadLetters, { db });
    if (plan.duplicates.checkJobs.length > 0)
      await boss.insert(DUPLICATE_QUEUE.check, plan.duplicates.checkJobs, { db });
    if (plan.duplicates.scanJobs.length > 0)
      await boss.insert(DUPLICATE_QUEUE.scan, plan.duplicates.scanJobs, { db });
    for (const queue of [IMPORT_QUEUE.run, IMPORT_QUEUE.undo]) {
      const jobs = plan.importJobs.filter((job) => job.queue === queue).map((job) => job.job);
      if (jobs.length > 0) await boss.insert(queue, jobs, { db });
    }
    await markOutboxRelayed(
      execute,
      rows.map((row) => row.id),
    );
    return {
      rows: rows.length,
      clientJobs: plan.clientJobs.length,
      workspaceJobs: plan.workspaceJobs.length,
      deadLettered: plan.deadLetters.length,
    };
  });
}

type JobPlan = {
  clientJobs: JobInsert<ClientRecompute>[];
  workspaceJobs: JobInsert<WorkspaceRecompute>[];
  deadLetters: JobInsert<DirectDeadLetter>[];
  /** `import.run` / `import.undo`: one job per row, one queued job per import (`singletonKey`). */
  importJobs: { queue: string; job: JobInsert<ImportJob> }[];
  /** `duplicates.check` / `duplicates.scan` (`planDuplicateJobs`). */
  duplicates: Omit<DuplicateJobPlan, 'invalid'>;
};

const ZImportTopicPayload = z.object({ importId: z.uuid() });

/** Turns claimed rows into jobs. Pure, so the coalescing rules are easy to read and test. */
export function planJobs(rows: OutboxRow[], clientsPerJob: number): JobPlan {
  const clientsByWorkspace = new Map<string, Set<string>>();
  const wholeWorkspaces = new Set<string>();
  const deadLetters: JobInsert<DirectDeadLetter>[] = [];
  const importJobs: JobPlan['importJobs'] = [];
  const duplicateRows: OutboxRow[] = [];
  for (const row of rows) {
    switch (row.topic) {
      case OUTBOX_TOPIC.clientRecompute: {
        const payload = ZClientTopicPayload.safeParse(row.payload);
        if (!payload.success) {
          deadLetters.push(deadLetter(row, `invalid payload: ${z.prettifyError(payload.error)}`));
          break;
        }
        let clients = clientsByWorkspace.get(row.workspaceId);
        if (!clients) {
          clients = new Set();
          clientsByWorkspace.set(row.workspaceId, clients);
        }
        clients.add(payload.data.clientId);
        break;
      }
      case OUTBOX_TOPIC.workspaceRecompute:
        wholeWorkspaces.add(row.workspaceId);
        break;
      case IMPORT_RUN:
      case IMPORT_UNDO: {
        const payload = ZImportTopicPayload.safeParse(row.payload);
        if (!payload.success) {
          deadLetters.push(deadLetter(row, `invalid payload: ${z.prettifyError(payload.error)}`));
          break;
        }
        const queue = row.topic === IMPORT_RUN ? IMPORT_QUEUE.run : IMPORT_QUEUE.undo;
        importJobs.push({ queue, job: { data: payload.data, singletonKey: payload.data.importId } });
        break;
      }
      case DUPLICATES_CHECK:
      case DUPLICATES_SCAN:
        duplicateRows.push(row);
        break;
      default:
        deadLetters.push(deadLetter(row, `unknown outbox topic "${row.topic}"`));
    }
  }
  const clientJobs: JobInsert<ClientRecompute>[] = [];
  for (const [workspaceId, clients] of clientsByWorkspace) {
    if (wholeWorkspaces.has(workspaceId)) continue;
    const ids = [...clients].sort();
    for (let start = 0; start < ids.length; start += clientsPerJob) {
      clientJobs.push({ data: { workspaceId, clientIds: ids.slice(start, start + clientsPerJob) } });
    }
  }
  const workspaceJobs = [...wholeWorkspaces].map((workspaceId) => ({
    data: { workspaceId },
    // The queue keeps one queued job per key, so a workspace already waiting is not queued twice.
    singletonKey: workspaceId,
  }));
  const { invalid, ...duplicates } = planDuplicateJobs(duplicateRows);
  for (const { row, message } of invalid) deadLetters.push(deadLetter(row, message));
  return { clientJobs, workspaceJobs, deadLetters, importJobs, duplicates };
}

function deadLetter(row: OutboxRow, message: string): JobInsert<DirectDeadLetter> {
  // The workspace travels with the payload, so the API can show each workspace its own dead letters.
  const payload =
    typeof row.payload === 'object' && row.payload !== null ? row.payload : { payload: row.payload };
  return {
    data: {
      queue: row.topic,
      data: { ...payload, workspaceId: row.workspaceId },
      error: { message },
      outboxId: Number(row.id),
    },
  };
}

export type RelayLoop = {
  /** Relay now instead of at the next tick (e.g. right after a mutation in embedded mode). */
  wake(): void;
  /** Stops the loop and waits for a batch in flight. */
  stop(): Promise<void>;
};

/**
 * Relays on a timer: drains the outbox batch after batch, then sleeps `intervalMs`. Any number of
 * loops may run against one database (one per worker process); `skip locked` keeps them apart.
 */
export function startRelayLoop(
  database: DatabaseHandle,
  boss: PgBoss,
  options: RelayOptions & { intervalMs: number; logger: Logger },
): RelayLoop {
  const batchSize = options.batchSize ?? DEFAULT_RELAY_BATCH_SIZE;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let failures = 0;
  let wokenWhileRunning = false;

  const drain = async (): Promise<void> => {
    for (;;) {
      if (stopped) return;
      const started = performance.now();
      const result = await relayOutbox(database, boss, options);
      if (result.rows > 0) {
        options.logger.debug({ ...result, ms: Math.round(performance.now() - started) }, 'outbox relayed');
      }
      if (result.deadLettered > 0) {
        options.logger.error({ deadLettered: result.deadLettered }, 'outbox rows sent to the dead letters');
      }
      if (result.rows < batchSize) return;
    }
  };

  const tick = (): void => {
    timer = undefined;
    if (stopped || running) return;
    running = drain()
      .then(() => {
        failures = 0;
      })
      .catch((error: unknown) => {
        failures += 1;
        options.logger.error({ err: error, failures }, 'outbox relay failed');
      })
      .finally(() => {
        running = undefined;
        if (stopped) return;
        // Back off while the database is unreachable, up to a minute.
        const backoff = Math.min(options.intervalMs * 2 ** Math.min(failures, 6), 60_000);
        const delay = failures > 0 ? backoff : wokenWhileRunning ? 0 : options.intervalMs;
        wokenWhileRunning = false;
        timer = setTimeout(tick, delay);
      });
  };

  timer = setTimeout(tick, 0);
  return {
    wake() {
      if (stopped) return;
      if (running) {
        wokenWhileRunning = true;
        return;
      }
      if (timer) clearTimeout(timer);
      tick();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
