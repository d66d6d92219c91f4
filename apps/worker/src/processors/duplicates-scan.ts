import { scanDuplicates, schema } from '@cb/db';
import type { Queue } from 'pg-boss';
import { queueOptions, type RetryPolicy } from '../boss.ts';
import { DUPLICATE_QUEUE, ZDuplicatesScan, ZDuplicatesScanAll } from '../jobs.ts';
import { defineProcessor } from './processor.ts';

/** Daily at 02:41 UTC by default: a quiet hour, apart from the other schedules. */
export const DEFAULT_DUPLICATES_SCAN_CRON = '41 2 * * *';

/** Scans can take minutes on a big base: one queued scan per workspace, with a generous expiry. */
const SCAN_EXPIRE_SECONDS = 4 * 3600;

/** Settings of the duplicates queues (created by the worker, like the import queues). */
export function duplicateQueues(retry: RetryPolicy): [string, Omit<Queue, 'name'>][] {
  const options = queueOptions(retry);
  return [
    [DUPLICATE_QUEUE.scan, { ...options, policy: 'short', expireInSeconds: SCAN_EXPIRE_SECONDS }],
    [DUPLICATE_QUEUE.scanAll, { ...options, policy: 'short' }],
    [DUPLICATE_QUEUE.check, options],
  ];
}

/** Scans one workspace: keys rebuilt, candidate pairs scored, the review queue brought up to date. */
export const duplicatesScanProcessor = defineProcessor({
  queue: DUPLICATE_QUEUE.scan,
  payload: ZDuplicatesScan,
  groupKey: (payload) => payload.workspaceId,
  batchSize: 1,
  async handle(jobs, { database, logger }) {
    const workspaceId = jobs[0]!.data.workspaceId;
    const started = performance.now();
    // A workspace deleted since the job was queued has no clients left: the scan finds nothing.
    const result = await scanDuplicates(database.db, workspaceId);
    logger.info(
      { workspaceId, ...result, ms: Math.round(performance.now() - started) },
      'duplicates scanned',
    );
  },
});

/** The scheduled pass: one scan job per workspace (at most one queued per workspace). */
export const duplicatesScanAllProcessor = defineProcessor({
  queue: DUPLICATE_QUEUE.scanAll,
  payload: ZDuplicatesScanAll,
  batchSize: 1,
  async handle(_jobs, { database, boss, logger }) {
    const rows = await database.db.select({ id: schema.workspaces.id }).from(schema.workspaces);
    if (rows.length === 0) return;
    await boss.insert(
      DUPLICATE_QUEUE.scan,
      rows.map((row) => ({ data: { workspaceId: row.id }, singletonKey: row.id })),
    );
    logger.info({ workspaces: rows.length }, 'duplicate scans enqueued');
  },
});
