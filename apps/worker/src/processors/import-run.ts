import type { PgBoss, Queue } from 'pg-boss';
import { queueOptions, type RetryPolicy } from '../boss.ts';
import { runImport } from '../import/run.ts';
import { removeSpooledFile } from '../import/spool.ts';
import { IMPORT_QUEUE, ZImportJob } from '../jobs.ts';
import { defineProcessor } from './processor.ts';

/** An import may run for hours (a few million rows); pg-boss would otherwise retry it after 15 minutes. */
export const IMPORT_JOB_EXPIRE_SECONDS = 6 * 3600;

/**
 * Settings of the import queues: the worker's retries, hours to run, and at most one queued job
 * per import (`short` policy with the import id as singleton key), so the stall sweep and the
 * relay never pile up jobs for one import.
 */
export function importQueues(retry: RetryPolicy): [string, Omit<Queue, 'name'>][] {
  const options = {
    ...queueOptions(retry),
    expireInSeconds: IMPORT_JOB_EXPIRE_SECONDS,
    policy: 'short' as const,
  };
  return [
    [IMPORT_QUEUE.run, options],
    [IMPORT_QUEUE.undo, options],
  ];
}

/** Runs in progress per pg-boss instance, so stopping a worker stops its imports between chunks. */
const activeRuns = new WeakMap<PgBoss, Set<AbortController>>();

export function trackImportRun(boss: PgBoss): { signal: AbortSignal; done(): void } {
  const controller = new AbortController();
  let runs = activeRuns.get(boss);
  if (!runs) {
    runs = new Set();
    activeRuns.set(boss, runs);
  }
  runs.add(controller);
  return { signal: controller.signal, done: () => runs.delete(controller) };
}

/** Asks this worker's import runs and undos to stop after the chunk in hand (checkpoint committed). */
export function stopImportRuns(boss: PgBoss): void {
  for (const controller of activeRuns.get(boss) ?? []) controller.abort();
}

/**
 * Runs one import (`runImport`): claims it, streams the file from its checkpoint, and leaves it
 * completed, failed (unreadable file), or — stopped or taken over — for a later job to resume.
 * A run still heartbeating within the worker's stall setting (`CB_IMPORT_STALL_SECONDS`, the one
 * the stall sweep uses) is left to its worker.
 */
export const importRunProcessor = defineProcessor({
  queue: IMPORT_QUEUE.run,
  payload: ZImportJob,
  batchSize: 1,
  async handle(jobs, { database, boss, logger, importStallSeconds }) {
    for (const job of jobs) {
      const run = trackImportRun(boss);
      try {
        const started = performance.now();
        const outcome = await runImport(database, job.data.importId, {
          signal: run.signal,
          stallSeconds: importStallSeconds,
        });
        const row = outcome.import;
        logger.info(
          {
            importId: job.data.importId,
            status: outcome.status,
            counts: row?.counts,
            ms: Math.round(performance.now() - started),
          },
          'import run',
        );
        if (row && (outcome.status === 'completed' || outcome.status === 'failed')) {
          await removeSpooledFile(row.id, row.file.format);
        }
      } finally {
        run.done();
      }
    }
  },
});
