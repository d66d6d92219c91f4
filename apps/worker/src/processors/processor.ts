import type { DatabaseHandle } from '@cb/db';
import type { JobResult, PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import { z } from 'zod';

export type ProcessorContext = {
  database: DatabaseHandle;
  boss: PgBoss;
  logger: Logger;
  /** The clock recomputes read ("days since" rules, temperature decay). */
  now: () => Date;
  /** A running import whose heartbeat is older than this may be taken over (`CB_IMPORT_STALL_SECONDS`). */
  importStallSeconds?: number | undefined;
};

/**
 * One processor per queue. Its payload schema is checked on every job: a job that fails it is
 * dead-lettered at once, never retried, since no retry can fix what the sender wrote.
 */
export type Processor<T> = {
  queue: string;
  payload: z.ZodType<T>;
  /**
   * Jobs of one fetched batch whose payloads share a key are handled in one call, so a burst of
   * small jobs for one workspace costs one recompute. Without it each job is its own call.
   */
  groupKey?(payload: T): string;
  /** Handles one group; a throw fails (and so retries) that group's jobs only. */
  handle(jobs: ValidJob<T>[], context: ProcessorContext): Promise<void>;
  /** Jobs fetched at once, overriding the worker's batch size (e.g. 1 for heavy jobs). */
  batchSize?: number;
};

/** A job whose payload passed the processor's schema. */
export type ValidJob<T> = { id: string; data: T };

export type AnyProcessor = Processor<unknown>;

export function defineProcessor<T>(processor: Processor<T>): AnyProcessor {
  return processor as AnyProcessor;
}

export type WorkTuning = {
  /** Jobs fetched per poll. */
  batchSize: number;
  /** Concurrent fetch loops per queue in this process. */
  concurrency: number;
  pollIntervalSeconds: number;
};

type PendingGroup = ValidJob<unknown>[];

/** Registers `processor` with pg-boss; resolves to the worker id. */
export async function registerProcessor(
  boss: PgBoss,
  processor: AnyProcessor,
  context: ProcessorContext,
  tuning: WorkTuning,
): Promise<string> {
  const logger = context.logger.child({ queue: processor.queue });
  const batchSize = processor.batchSize ?? tuning.batchSize;
  return boss.work(
    processor.queue,
    {
      batchSize,
      localConcurrency: tuning.concurrency,
      pollingIntervalSeconds: tuning.pollIntervalSeconds,
      // NOTIFY wakes the worker on new jobs; polling stays as often as asked, because a retry
      // coming due after its backoff sends no NOTIFY.
      notifyPollingIntervalSeconds: tuning.pollIntervalSeconds,
      // Keep fetching without a pause while batches come back full: drains a backlog at full speed.
      burstWhenBatchFull: batchSize > 1,
      perJobResults: true,
    },
    async (jobs) => {
      const results: JobResult[] = [];
      const groups = new Map<string, PendingGroup>();
      for (const job of jobs) {
        const parsed = processor.payload.safeParse(job.data);
        if (!parsed.success) {
          const message = `invalid payload: ${z.prettifyError(parsed.error)}`;
          logger.error({ jobId: job.id, data: job.data }, message);
          results.push({ id: job.id, status: 'deadletter', output: { name: 'InvalidPayload', message } });
          continue;
        }
        const key = processor.groupKey ? processor.groupKey(parsed.data) : job.id;
        const group = groups.get(key) ?? [];
        group.push({ id: job.id, data: parsed.data });
        groups.set(key, group);
      }
      for (const group of groups.values()) {
        const started = performance.now();
        try {
          await processor.handle(group, context);
          logger.debug({ jobs: group.length, ms: Math.round(performance.now() - started) }, 'jobs done');
          for (const { id } of group) results.push({ id, status: 'completed' });
        } catch (error) {
          const jobIds = group.map((job) => job.id);
          logger.warn({ err: error, jobIds }, 'jobs failed; pg-boss retries them with backoff');
          const output = describeError(error);
          for (const id of jobIds) results.push({ id, status: 'failed', output });
        }
      }
      return results;
    },
  );
}

function describeError(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}
