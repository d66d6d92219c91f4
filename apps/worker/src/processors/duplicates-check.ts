import { checkDuplicates, DUPLICATES_CHECK, DUPLICATES_SCAN, type OutboxRow } from '@cb/db';
import type { JobInsert } from 'pg-boss';
import { z } from 'zod';
import {
  DUPLICATE_QUEUE,
  type DuplicatesCheck,
  type DuplicatesScan,
  MAX_CLIENTS_PER_CHECK,
  ZDuplicatesCheck,
} from '../jobs.ts';
import { defineProcessor } from './processor.ts';

/**
 * Scores new or changed clients against the base and stores their pairs. Jobs of one workspace in
 * a batch are handled together.
 */
export const duplicatesCheckProcessor = defineProcessor({
  queue: DUPLICATE_QUEUE.check,
  payload: ZDuplicatesCheck,
  groupKey: (payload) => payload.workspaceId,
  async handle(jobs, { database, logger }) {
    const workspaceId = jobs[0]!.data.workspaceId;
    const clientIds = [...new Set(jobs.flatMap((job) => job.data.clientIds))];
    const result = await checkDuplicates(database.db, workspaceId, clientIds);
    logger.debug({ workspaceId, ...result }, 'duplicates checked');
  },
});

const ZCheckTopicPayload = z.object({ clientIds: z.array(z.uuid()).min(1) });

export type DuplicateJobPlan = {
  checkJobs: JobInsert<DuplicatesCheck>[];
  scanJobs: JobInsert<DuplicatesScan>[];
  /** Rows whose payload does not parse, with why. */
  invalid: { row: OutboxRow; message: string }[];
};

/**
 * The relay's part for the duplicates topics: checks coalesced per workspace (split at
 * `MAX_CLIENTS_PER_CHECK`), left out where the same batch scans the whole workspace anyway; one
 * scan per workspace, one queued at most (`singletonKey`). Pure.
 */
export function planDuplicateJobs(rows: readonly OutboxRow[]): DuplicateJobPlan {
  const checks = new Map<string, Set<string>>();
  const scans = new Set<string>();
  const invalid: DuplicateJobPlan['invalid'] = [];
  for (const row of rows) {
    if (row.topic === DUPLICATES_SCAN) {
      scans.add(row.workspaceId);
    } else if (row.topic === DUPLICATES_CHECK) {
      const payload = ZCheckTopicPayload.safeParse(row.payload);
      if (!payload.success) {
        invalid.push({ row, message: `invalid payload: ${z.prettifyError(payload.error)}` });
        continue;
      }
      const ids = checks.get(row.workspaceId) ?? new Set<string>();
      for (const id of payload.data.clientIds) ids.add(id);
      checks.set(row.workspaceId, ids);
    }
  }
  const checkJobs: JobInsert<DuplicatesCheck>[] = [];
  for (const [workspaceId, ids] of checks) {
    if (scans.has(workspaceId)) continue;
    const sorted = [...ids].sort();
    for (let start = 0; start < sorted.length; start += MAX_CLIENTS_PER_CHECK) {
      checkJobs.push({
        data: { workspaceId, clientIds: sorted.slice(start, start + MAX_CLIENTS_PER_CHECK) },
      });
    }
  }
  const scanJobs = [...scans].map((workspaceId) => ({ data: { workspaceId }, singletonKey: workspaceId }));
  return { checkJobs, scanJobs, invalid };
}
