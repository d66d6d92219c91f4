import type { Executor } from '../client.ts';
import { outbox } from '../schema/outbox.ts';

export const RECOMPUTE_CLIENT = 'client.recompute';

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
