import { z } from 'zod';

/**
 * The queues this worker owns and the payload each carries. Payloads are validated with zod when a
 * job is taken: an invalid payload is a bug in the sender, so it goes straight to the dead letters
 * instead of being retried.
 */
export const QUEUE = {
  /** Recompute stage, temperature and segment memberships of some clients of one workspace. */
  clientRecompute: 'client.recompute',
  /** Recompute every client of one workspace. */
  workspaceRecompute: 'workspace.recompute',
  /** Scheduled: enqueue `workspace.recompute` for every workspace (time alone moves "days since" rules). */
  recomputeAll: 'workspace.recompute-all',
  /** Scheduled: delete outbox rows relayed long ago. */
  outboxPrune: 'outbox.prune',
  /** Where jobs that keep failing, or carry an invalid payload, end up. Nothing works this queue. */
  deadLetter: 'dead-letter',
} as const;
export type QueueName = (typeof QUEUE)[keyof typeof QUEUE];

/** Every queue a worker owns. */
export const workerQueues: readonly QueueName[] = Object.values(QUEUE);

/** Most clients one `client.recompute` job carries; the relay splits larger sets. */
export const MAX_CLIENTS_PER_JOB = 1000;

export const ZClientRecompute = z.object({
  workspaceId: z.uuid(),
  clientIds: z.array(z.uuid()).min(1).max(MAX_CLIENTS_PER_JOB),
});
export type ClientRecompute = z.infer<typeof ZClientRecompute>;

export const ZWorkspaceRecompute = z.object({ workspaceId: z.uuid() });
export type WorkspaceRecompute = z.infer<typeof ZWorkspaceRecompute>;

export const ZRecomputeAll = z.object({}).strict();
export type RecomputeAll = z.infer<typeof ZRecomputeAll>;

export const ZOutboxPrune = z.object({ olderThanDays: z.number().int().min(1).optional() }).strict();
export type OutboxPrune = z.infer<typeof ZOutboxPrune>;

/**
 * A dead letter written by the worker itself rather than by pg-boss: an outbox row it cannot turn
 * into a job (unknown topic, malformed payload). Kept in the same queue so one list shows all.
 */
export const ZDirectDeadLetter = z.object({
  queue: z.string(),
  data: z.unknown(),
  error: z.object({ message: z.string() }),
  outboxId: z.number().int().optional(),
});
export type DirectDeadLetter = z.infer<typeof ZDirectDeadLetter>;

export const OutboxPruneDefaults = { olderThanDays: 7 } as const;

/**
 * Import runs and undos (issue 5): one import per job, for as long as the file takes. Kept apart
 * from `QUEUE` because their queues have settings of their own (`importQueues`).
 */
export const IMPORT_QUEUE = {
  run: 'import.run',
  undo: 'import.undo',
} as const;

export const ZImportJob = z.object({ importId: z.uuid() });
export type ImportJob = z.infer<typeof ZImportJob>;

/**
 * Duplicates (issue 5): a whole-workspace scan, the check of some new or changed clients, and the
 * scheduled pass that enqueues a scan per workspace. Kept apart from `QUEUE` like the import queues.
 */
export const DUPLICATE_QUEUE = {
  scan: 'duplicates.scan',
  check: 'duplicates.check',
  scanAll: 'duplicates.scan-all',
} as const;

/** Most clients one `duplicates.check` job carries; the relay splits larger sets. */
export const MAX_CLIENTS_PER_CHECK = 1000;

export const ZDuplicatesScan = z.object({ workspaceId: z.uuid() });
export type DuplicatesScan = z.infer<typeof ZDuplicatesScan>;

export const ZDuplicatesCheck = z.object({
  workspaceId: z.uuid(),
  clientIds: z.array(z.uuid()).min(1).max(MAX_CLIENTS_PER_CHECK),
});
export type DuplicatesCheck = z.infer<typeof ZDuplicatesCheck>;

export const ZDuplicatesScanAll = z.object({}).strict();
