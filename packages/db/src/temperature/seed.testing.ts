import { randomUUID } from 'node:crypto';
import type { TemperatureFacts } from '@cb/domain';
import type { Executor } from '../client.ts';
import { clients, interactions, purchases, tasks, workspaces } from '../schema/index.ts';

/** A client as the temperature tests build it: exactly the facts the assessment reads. */
export type TemperatureSeedClient = TemperatureFacts & { id: string };

/**
 * Writes clients and their history into a workspace (a new one unless given) with one multi-row
 * insert per table, so that the SQL side reads exactly what the in-memory facts say.
 */
export async function seedTemperatureClients(
  db: Executor,
  seedClients: readonly TemperatureSeedClient[],
  workspaceId?: string,
): Promise<string> {
  let ws = workspaceId;
  if (ws === undefined) {
    const [row] = await db
      .insert(workspaces)
      .values({ name: 'temperature test' })
      .returning({ id: workspaces.id });
    ws = row!.id;
  }
  if (seedClients.length === 0) return ws;
  await db.insert(clients).values(
    seedClients.map((c, i) => ({
      id: c.id,
      workspaceId: ws,
      kind: 'person' as const,
      displayName: `Client ${i}`,
      matchKey: `client ${i}`,
      sourceChannel: c.sourceChannel,
    })),
  );
  const purchaseRows = seedClients.flatMap((c) =>
    c.purchases.map((p) => ({ workspaceId: ws, clientId: c.id, at: p.at, amountKopecks: p.amountKopecks })),
  );
  if (purchaseRows.length > 0) await db.insert(purchases).values(purchaseRows);
  const interactionRows = seedClients.flatMap((c) =>
    c.interactions.map((i) => ({
      workspaceId: ws,
      clientId: c.id,
      at: i.at,
      kind: i.kind,
      direction: i.direction,
    })),
  );
  if (interactionRows.length > 0) await db.insert(interactions).values(interactionRows);
  const taskRows = seedClients.flatMap((c) =>
    c.tasks.map((t, i) => ({
      workspaceId: ws,
      clientId: c.id,
      title: `Task ${i}`,
      dueAt: t.dueAt,
      doneAt: t.doneAt,
    })),
  );
  if (taskRows.length > 0) await db.insert(tasks).values(taskRows);
  return ws;
}

export function newClient(partial: Partial<TemperatureSeedClient> = {}): TemperatureSeedClient {
  return {
    id: randomUUID(),
    purchases: [],
    interactions: [],
    tasks: [],
    sourceChannel: 'import',
    ...partial,
  };
}
