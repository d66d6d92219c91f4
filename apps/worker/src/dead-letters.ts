import type { PgBoss } from 'pg-boss';
import { QUEUE, ZDirectDeadLetter } from './jobs.ts';

export type DeadLetter = {
  /** Id of the job in the dead-letter queue (what `redriveDeadLetters` takes). */
  id: string;
  /** The queue (or outbox topic) the job failed on. */
  name: string;
  data: unknown;
  /** What the last attempt failed with. */
  error: { name?: string; message: string } | null;
  /** Attempts made before it was given up (0: dead-lettered at once, e.g. an invalid payload). */
  retries: number;
  /** When it landed in the dead letters. */
  failedAt: Date;
  /** When the original job was created. */
  createdAt: Date;
};

export type ListDeadLettersOptions = {
  /** 1 to 1000; default 100. */
  limit?: number;
  /** Continue after this dead letter id (the last one of the previous page). */
  after?: string;
};

/**
 * Jobs that kept failing, or that were malformed, oldest first. For the API's operations view; the
 * `boss` is the one `startWorker` returns (embedded) or `openQueue` (an API process in server mode).
 */
export async function listDeadLetters(
  boss: PgBoss,
  options: ListDeadLettersOptions = {},
): Promise<DeadLetter[]> {
  const limit = Math.min(Math.max(options.limit ?? 100, 1), 1000);
  const jobs = await boss.findJobs<unknown>(QUEUE.deadLetter, {
    limit,
    ...(options.after ? { after: options.after } : {}),
  });
  return jobs.map((job) => {
    // Dead-lettered by pg-boss: the source columns describe the failed job.
    if (job.sourceName) {
      return {
        id: job.id,
        name: job.sourceName,
        data: job.data,
        error: readError(job.sourceOutput),
        retries: job.sourceRetryCount ?? 0,
        failedAt: new Date(job.createdOn),
        createdAt: new Date(job.sourceCreatedOn ?? job.createdOn),
      };
    }
    // Written straight here by the relay: an outbox row it could not turn into a job.
    const direct = ZDirectDeadLetter.safeParse(job.data);
    return {
      id: job.id,
      name: direct.success ? direct.data.queue : QUEUE.deadLetter,
      data: direct.success ? direct.data.data : job.data,
      error: direct.success ? direct.data.error : null,
      retries: 0,
      failedAt: new Date(job.createdOn),
      createdAt: new Date(job.createdOn),
    };
  });
}

/**
 * Sends dead letters back to the queue they failed on (all of them, or the ids given), e.g. once the
 * bug that failed them is fixed. Resolves to how many moved. Relay-written ones have no source
 * queue and stay.
 */
export async function redriveDeadLetters(boss: PgBoss, options: { ids?: string[] } = {}): Promise<number> {
  return boss.redrive(QUEUE.deadLetter, options.ids ? { ids: options.ids } : {});
}

function readError(output: object | null): DeadLetter['error'] {
  if (!output || typeof output !== 'object') return null;
  const { name, message } = output as { name?: unknown; message?: unknown };
  if (typeof message !== 'string') return { message: JSON.stringify(output) };
  return typeof name === 'string' ? { name, message } : { message };
}
