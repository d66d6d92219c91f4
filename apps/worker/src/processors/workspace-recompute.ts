import { recomputeWorkspace } from '@cb/db';
import { QUEUE, ZWorkspaceRecompute } from '../jobs.ts';
import { defineProcessor } from './processor.ts';
import { logRecompute, unlessWorkspaceGone } from './recompute-outcome.ts';

/** Recomputes every client of a workspace; duplicates in one batch run once. */
export const workspaceRecomputeProcessor = defineProcessor({
  queue: QUEUE.workspaceRecompute,
  payload: ZWorkspaceRecompute,
  groupKey: (payload) => payload.workspaceId,
  batchSize: 4,
  async handle(jobs, { database, logger, now }) {
    const workspaceId = jobs[0]!.data.workspaceId;
    const result = await unlessWorkspaceGone(
      recomputeWorkspace(database.db, { workspaceId, now: now() }),
      logger,
      workspaceId,
    );
    if (result) logRecompute(logger, 'info', workspaceId, result);
  },
});
