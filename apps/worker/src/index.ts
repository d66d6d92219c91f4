/**
 * Jobs on a PostgreSQL-backed queue (pg-boss): the outbox relay and the recompute of stages,
 * temperatures and segments. Embedded mode: the API calls `startWorker` with its PGlite handle.
 * Server mode: `main.ts` runs standalone workers; an API process lists dead letters through `openQueue`.
 */

export { countPendingOutbox } from '@cb/db';
export { connectBoss, DEFAULT_RETRY, type RetryPolicy } from './boss.ts';
export {
  type DeadLetter,
  type ListDeadLettersOptions,
  listDeadLetters,
  redriveDeadLetters,
} from './dead-letters.ts';
export * from './export/index.ts';
export * from './import/index.ts';
export * from './jobs.ts';
export {
  type AnyProcessor,
  defaultProcessors,
  defineProcessor,
  type Processor,
  type ProcessorContext,
  type ValidJob,
} from './processors/index.ts';
export { OUTBOX_TOPIC, type RelayOptions, type RelayResult, relayOutbox } from './relay.ts';
export {
  DEFAULT_FULL_RECOMPUTE_CRON,
  openQueue,
  type QueueClient,
  type StartWorkerOptions,
  startWorker,
  type Worker,
} from './worker.ts';
