import { pruneRelayedOutbox } from '@cb/db';
import { OutboxPruneDefaults, QUEUE, ZOutboxPrune } from '../jobs.ts';
import { defineProcessor } from './processor.ts';

/** Deletes outbox rows relayed long ago; pending rows are never touched. */
export const outboxPruneProcessor = defineProcessor({
  queue: QUEUE.outboxPrune,
  payload: ZOutboxPrune,
  batchSize: 1,
  async handle(jobs, { database, logger }) {
    const olderThanDays = jobs[0]?.data.olderThanDays ?? OutboxPruneDefaults.olderThanDays;
    const deleted = await pruneRelayedOutbox(database, olderThanDays);
    logger.info({ deleted, olderThanDays }, 'outbox pruned');
  },
});
