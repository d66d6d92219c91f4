import { type DatabaseHandle, listImportsToRun } from '@cb/db';
import type { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import { IMPORT_QUEUE } from '../jobs.ts';

export const DEFAULT_IMPORT_SWEEP_SECONDS = 15;
export const DEFAULT_IMPORT_STALL_SECONDS = 30;

/**
 * Gives a job to every import that needs one: `running` with a heartbeat older than
 * `stallSeconds` (its worker died), `queued` (its job was lost or failed for good), `undoing`.
 * The queues keep one queued job per import, so a job already waiting is not doubled, and a job
 * that finds its import held by a live run does nothing. Returns the jobs asked for.
 */
export async function sweepImports(
  database: DatabaseHandle,
  boss: PgBoss,
  options: { stallSeconds?: number } = {},
): Promise<number> {
  const due = await listImportsToRun(database.db, options.stallSeconds ?? DEFAULT_IMPORT_STALL_SECONDS);
  for (const row of due) {
    const queue = row.status === 'undoing' ? IMPORT_QUEUE.undo : IMPORT_QUEUE.run;
    await boss.send(queue, { importId: row.id }, { singletonKey: row.id });
  }
  return due.length;
}

export type ImportSweep = { stop(): Promise<void> };

/** Sweeps now and then every `intervalSeconds` until stopped. */
export function startImportSweep(
  database: DatabaseHandle,
  boss: PgBoss,
  options: { intervalSeconds?: number; stallSeconds?: number; logger: Logger },
): ImportSweep {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const tick = () => {
    timer = undefined;
    if (stopped) return;
    running = sweepImports(database, boss, options)
      .then((n) => {
        if (n > 0) options.logger.info({ imports: n }, 'import sweep queued jobs');
      })
      .catch((error: unknown) => options.logger.warn({ err: error }, 'import sweep failed'))
      .finally(() => {
        running = undefined;
        if (!stopped)
          timer = setTimeout(tick, (options.intervalSeconds ?? DEFAULT_IMPORT_SWEEP_SECONDS) * 1000);
      });
  };
  timer = setTimeout(tick, 0);
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
