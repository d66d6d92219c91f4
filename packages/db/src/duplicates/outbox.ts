import type { Executor } from '../client.ts';
import { outbox } from '../schema/outbox.ts';

/** Outbox topic: score some new or changed clients of the row's workspace against the base. */
export const DUPLICATES_CHECK = 'duplicates.check';
/** Outbox topic: scan the whole workspace for duplicates (a base too big to scan in a request). */
export const DUPLICATES_SCAN = 'duplicates.scan';

/** Asks the worker to check these clients for duplicates (same transaction as the change). */
export async function enqueueDuplicateCheck(
  db: Executor,
  workspaceId: string,
  clientIds: string[],
): Promise<void> {
  if (clientIds.length === 0) return;
  await db.insert(outbox).values({ workspaceId, topic: DUPLICATES_CHECK, payload: { clientIds } });
}

/** Asks the worker to scan the workspace (same transaction as the request that wants it). */
export async function enqueueDuplicateScan(db: Executor, workspaceId: string): Promise<void> {
  await db.insert(outbox).values({ workspaceId, topic: DUPLICATES_SCAN, payload: {} });
}
