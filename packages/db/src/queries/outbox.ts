import type { Executor } from '../client.ts';
import { outbox } from '../schema/outbox.ts';

export const RECOMPUTE_CLIENT = 'client.recompute';
/** Outbox topic: recompute every client of the row's workspace (its policy changed, or it was seeded). */
export const RECOMPUTE_WORKSPACE = 'workspace.recompute';

/** Asks the worker to recompute a client's stage, temperature and segments (same transaction). */
export async function enqueueRecompute(
  db: Executor,
  workspaceId: string,
  clientIds: string[],
): Promise<void> {
  if (clientIds.length === 0) return;
  await db
    .insert(outbox)
    .values(clientIds.map((clientId) => ({ workspaceId, topic: RECOMPUTE_CLIENT, payload: { clientId } })));
}

/** Asks the worker to recompute every client of the workspace (same transaction as the change). */
export async function enqueueWorkspaceRecompute(db: Executor, workspaceId: string): Promise<void> {
  await db.insert(outbox).values({ workspaceId, topic: RECOMPUTE_WORKSPACE, payload: {} });
}
