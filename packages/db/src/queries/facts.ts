import type { ClientFacts } from '@cb/domain';
import { and, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { clients } from '../schema/clients.ts';
import { consents } from '../schema/consents.ts';
import { interactions } from '../schema/interactions.ts';
import { purchases } from '../schema/purchases.ts';
import { tasks } from '../schema/tasks.ts';

/**
 * Loads the facts the pure policies read (stage, temperature, segments), for a set of clients,
 * with one query per table whatever the number of clients.
 */
export async function loadClientFacts(
  db: Executor,
  workspaceId: string,
  clientIds: string[],
): Promise<Map<string, ClientFacts>> {
  const result = new Map<string, ClientFacts>();
  if (clientIds.length === 0) return result;
  // Sequential: callers may pass a transaction, whose single connection must not run queries concurrently.
  const clientRows = await db
    .select()
    .from(clients)
    .where(and(eq(clients.workspaceId, workspaceId), inArray(clients.id, clientIds)));
  const purchaseRows = await db
    .select({ clientId: purchases.clientId, at: purchases.at, amountKopecks: purchases.amountKopecks })
    .from(purchases)
    .where(inArray(purchases.clientId, clientIds));
  const interactionRows = await db
    .select({
      clientId: interactions.clientId,
      at: interactions.at,
      kind: interactions.kind,
      direction: interactions.direction,
    })
    .from(interactions)
    .where(inArray(interactions.clientId, clientIds));
  const consentRows = await db
    .select({
      clientId: consents.clientId,
      channel: consents.channel,
      purpose: consents.purpose,
      granted: consents.granted,
      at: consents.at,
    })
    .from(consents)
    .where(inArray(consents.clientId, clientIds));
  const taskRows = await db
    .select({ clientId: tasks.clientId, dueAt: tasks.dueAt, doneAt: tasks.doneAt })
    .from(tasks)
    .where(inArray(tasks.clientId, clientIds));
  for (const c of clientRows) {
    result.set(c.id, {
      id: c.id,
      kind: c.kind,
      stage: c.stage,
      temperature: c.temperatureLevel,
      createdAt: c.createdAt,
      verifiedAt: c.verifiedAt,
      city: c.city,
      ownerId: c.ownerId,
      tags: c.tags,
      sourceChannel: c.sourceChannel,
      sourceBatchId: c.sourceBatchId,
      custom: c.custom,
      purchases: [],
      interactions: [],
      consents: [],
      tasks: [],
    });
  }
  for (const { clientId, ...p } of purchaseRows) result.get(clientId)?.purchases.push(p);
  for (const { clientId, ...i } of interactionRows) result.get(clientId)?.interactions.push(i);
  for (const { clientId, ...c } of consentRows) result.get(clientId)?.consents.push(c);
  for (const { clientId, ...t } of taskRows) if (clientId) result.get(clientId)?.tasks.push(t);
  return result;
}
