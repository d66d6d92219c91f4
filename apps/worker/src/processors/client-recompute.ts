import { recomputeClients } from '@cb/db';
import { QUEUE, ZClientRecompute } from '../jobs.ts';
import { defineProcessor } from './processor.ts';
import { logRecompute, unlessWorkspaceGone } from './recompute-outcome.ts';

/** Recomputes stage, temperature and segments of the clients named, merged per workspace. */
export const clientRecomputeProcessor = defineProcessor({
  queue: QUEUE.clientRecompute,
  payload: ZClientRecompute,
  groupKey: (payload) => payload.workspaceId,
  async handle(jobs, { database, logger, now }) {
    const workspaceId = jobs[0]!.data.workspaceId;
    const clientIds = [...new Set(jobs.flatMap((job) => job.data.clientIds))];
    const result = await unlessWorkspaceGone(
      recomputeClients(database.db, { workspaceId, clientIds, now: now() }),
      logger,
      workspaceId,
    );
    if (result) logRecompute(logger, 'debug', workspaceId, result);
  },
});
