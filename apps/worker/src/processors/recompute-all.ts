import { schema } from '@cb/db';
import { QUEUE, ZRecomputeAll } from '../jobs.ts';
import { defineProcessor } from './processor.ts';

/**
 * The scheduled full pass: time alone moves "days since" rules and cools temperatures, so every
 * workspace is recomputed on a schedule even when nothing in it changed.
 */
export const recomputeAllProcessor = defineProcessor({
  queue: QUEUE.recomputeAll,
  payload: ZRecomputeAll,
  batchSize: 1,
  async handle(_jobs, { database, boss, logger }) {
    const rows = await database.db.select({ id: schema.workspaces.id }).from(schema.workspaces);
    if (rows.length === 0) return;
    // One queued job per workspace at most (the queue's `short` policy keys on the workspace).
    await boss.insert(
      QUEUE.workspaceRecompute,
      rows.map((row) => ({ data: { workspaceId: row.id }, singletonKey: row.id })),
    );
    logger.info({ workspaces: rows.length }, 'full recompute enqueued');
  },
});
