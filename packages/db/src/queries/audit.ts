import { and, desc, eq, lt } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { auditLog } from '../schema/audit-log.ts';
import type { MutationContext } from './context.ts';

export type AuditEntry = {
  action: string;
  entity: string;
  entityId: string | null;
  before?: unknown;
  after?: unknown;
};

/** Writes one audit row; call it inside the mutation's transaction. */
export async function writeAudit(db: Executor, ctx: MutationContext, entry: AuditEntry): Promise<void> {
  await writeAudits(db, ctx, [entry]);
}

/** Writes the audit rows of a bulk change in one statement; call it inside the mutation's transaction. */
export async function writeAudits(db: Executor, ctx: MutationContext, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db.insert(auditLog).values(
    entries.map((entry) => ({
      workspaceId: ctx.workspaceId,
      actorId: ctx.actor.id,
      actorKind: ctx.actor.kind,
      actorName: ctx.actor.kind === 'operator' ? ctx.actor.name : null,
      action: entry.action,
      entity: entry.entity,
      entityId: entry.entityId,
      before: entry.before ?? null,
      after: entry.after ?? null,
      requestId: ctx.requestId ?? null,
    })),
  );
}

export type AuditListParams = {
  workspaceId: string;
  entity?: string | undefined;
  entityId?: string | undefined;
  /** The id of the last row of the previous page. */
  cursor?: number | undefined;
  limit?: number | undefined;
};

export async function listAudit(db: Executor, params: AuditListParams) {
  const limit = params.limit ?? 50;
  const rows = await db
    .select()
    .from(auditLog)
    .where(
      and(
        eq(auditLog.workspaceId, params.workspaceId),
        params.entity ? eq(auditLog.entity, params.entity) : undefined,
        params.entityId ? eq(auditLog.entityId, params.entityId) : undefined,
        params.cursor !== undefined ? lt(auditLog.id, params.cursor) : undefined,
      ),
    )
    .orderBy(desc(auditLog.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
}
