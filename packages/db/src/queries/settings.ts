import { type FieldIssue, parseTemperaturePolicy, type Result, type TemperaturePolicy } from '@cb/domain';
import { eq } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { type WorkspaceSettings, workspaces } from '../schema/workspaces.ts';
import { writeAudit } from './audit.ts';
import type { MutationContext } from './context.ts';
import { enqueueWorkspaceRecompute } from './outbox.ts';

/**
 * A workspace's stored policy read through the domain schema: null (never set) is the default
 * policy. The API's card and the recompute read it the same way.
 */
export function parseStoredTemperaturePolicy(stored: unknown): Result<TemperaturePolicy, FieldIssue[]> {
  return parseTemperaturePolicy(stored ?? {});
}

/** The stored temperature policy as it is (unvalidated; null means the default policy). */
export async function getTemperaturePolicy(db: Executor, workspaceId: string): Promise<unknown> {
  const [row] = await db
    .select({ policy: workspaces.temperaturePolicy })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId));
  return row?.policy ?? null;
}

/**
 * Stores a policy (already validated by `@cb/domain`), with its audit row, and asks the worker to
 * reassess every client of the workspace, all in one transaction.
 */
export async function setTemperaturePolicy(
  db: Executor,
  ctx: MutationContext,
  policy: unknown,
): Promise<void> {
  await db.transaction(async (tx) => {
    const before = await getTemperaturePolicy(tx, ctx.workspaceId);
    await tx.update(workspaces).set({ temperaturePolicy: policy }).where(eq(workspaces.id, ctx.workspaceId));
    await writeAudit(tx, ctx, {
      action: 'temperature_policy.set',
      entity: 'workspace',
      entityId: ctx.workspaceId,
      before,
      after: policy,
    });
    await enqueueWorkspaceRecompute(tx, ctx.workspaceId);
  });
}

/** Merges the given settings into the workspace's, with an audit row; returns the result. */
export async function changeWorkspaceSettings(
  db: Executor,
  ctx: MutationContext,
  patch: WorkspaceSettings,
): Promise<WorkspaceSettings> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ settings: workspaces.settings })
      .from(workspaces)
      .where(eq(workspaces.id, ctx.workspaceId))
      .for('update');
    const before = row?.settings ?? {};
    const after: WorkspaceSettings = { ...before, ...patch };
    await tx.update(workspaces).set({ settings: after }).where(eq(workspaces.id, ctx.workspaceId));
    await writeAudit(tx, ctx, {
      action: 'workspace.settings',
      entity: 'workspace',
      entityId: ctx.workspaceId,
      before,
      after,
    });
    return after;
  });
}
