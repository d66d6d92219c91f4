import { runUndo } from '../import/undo.ts';
import { IMPORT_QUEUE, ZImportJob } from '../jobs.ts';
import { trackImportRun } from './import-run.ts';
import { defineProcessor } from './processor.ts';

/** Undoes one import (`runUndo`), step by step; a stopped or killed undo is resumed by the next job. */
export const importUndoProcessor = defineProcessor({
  queue: IMPORT_QUEUE.undo,
  payload: ZImportJob,
  batchSize: 1,
  async handle(jobs, { database, boss, logger }) {
    for (const job of jobs) {
      const run = trackImportRun(boss);
      try {
        const row = await runUndo(database, job.data.importId, { signal: run.signal });
        logger.info(
          { importId: job.data.importId, status: row?.status, report: row?.undoReport },
          'import undo',
        );
      } finally {
        run.done();
      }
    }
  },
});
