import type { ClientFacts } from '@cb/domain';
import type { Executor } from '../client.ts';
import {
  batches,
  clients,
  consents,
  interactions,
  purchases,
  tasks,
  users,
  workspaces,
} from '../schema/index.ts';

/** A client as segment tests build it: exactly the facts the evaluator reads, plus a name. */
export type SeedClient = ClientFacts & { displayName: string };

export type SeedBase = {
  ownerIds: string[];
  batchIds: string[];
  clients: SeedClient[];
};

/**
 * Writes a generated base into a fresh workspace with one multi-row insert per table, so that the
 * SQL side reads exactly what the in-memory facts say. Returns the workspace id.
 */
export async function seedBase(db: Executor, base: SeedBase): Promise<string> {
  const [workspace] = await db
    .insert(workspaces)
    .values({ name: 'segments test' })
    .returning({ id: workspaces.id });
  const workspaceId = workspace!.id;
  if (base.ownerIds.length > 0) {
    await db
      .insert(users)
      .values(
        base.ownerIds.map((id) => ({ id, email: `${id}@segments.test`, name: `Owner ${id.slice(0, 4)}` })),
      );
  }
  if (base.batchIds.length > 0) {
    await db.insert(batches).values(
      base.batchIds.map((id, i) => ({
        id,
        workspaceId,
        kind: 'purchased_list' as const,
        name: `Batch ${i}`,
      })),
    );
  }
  if (base.clients.length === 0) return workspaceId;
  await db.insert(clients).values(
    base.clients.map((c) => ({
      id: c.id,
      workspaceId,
      kind: c.kind,
      displayName: c.displayName,
      matchKey: c.displayName.toLowerCase(),
      stage: c.stage,
      temperatureLevel: c.temperature,
      createdAt: c.createdAt,
      verifiedAt: c.verifiedAt,
      city: c.city,
      ownerId: c.ownerId,
      tags: c.tags,
      sourceChannel: c.sourceChannel,
      sourceBatchId: c.sourceBatchId,
      // Spread: generated objects may have a null prototype, which drizzle cannot inspect.
      custom: { ...c.custom },
    })),
  );
  const purchaseRows = base.clients.flatMap((c) =>
    c.purchases.map((p) => ({ workspaceId, clientId: c.id, at: p.at, amountKopecks: p.amountKopecks })),
  );
  if (purchaseRows.length > 0) await db.insert(purchases).values(purchaseRows);
  const interactionRows = base.clients.flatMap((c) =>
    c.interactions.map((i) => ({
      workspaceId,
      clientId: c.id,
      at: i.at,
      kind: i.kind,
      direction: i.direction,
    })),
  );
  if (interactionRows.length > 0) await db.insert(interactions).values(interactionRows);
  const consentRows = base.clients.flatMap((c) =>
    c.consents.map((k) => ({
      workspaceId,
      clientId: c.id,
      channel: k.channel,
      purpose: k.purpose,
      granted: k.granted,
      at: k.at,
      proof: { kind: 'verbal' as const, managerName: 'Test' },
    })),
  );
  if (consentRows.length > 0) await db.insert(consents).values(consentRows);
  const taskRows = base.clients.flatMap((c) =>
    c.tasks.map((t, i) => ({
      workspaceId,
      clientId: c.id,
      title: `Task ${i}`,
      dueAt: t.dueAt,
      doneAt: t.doneAt,
    })),
  );
  if (taskRows.length > 0) await db.insert(tasks).values(taskRows);
  return workspaceId;
}
