import { fail, ok, type Result, TAGS_MAX } from '@cb/domain';
import { and, asc, eq, inArray, isNull, type SQL, sql } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { Executor } from '../client.ts';
import { clients } from '../schema/clients.ts';
import { type AuditEntry, writeAudits } from './audit.ts';
import type { MutationContext } from './context.ts';
import { addListMembers, type ListFailure } from './lists.ts';
import { enqueueRecompute } from './outbox.ts';

/** One change applied to many clients at once. Tags are already normalized (`@cb/domain` normalizeTags). */
export type BulkClientAction =
  | { type: 'addTag'; tag: string }
  | { type: 'removeTag'; tag: string }
  | { type: 'setOwner'; ownerId: string | null }
  | { type: 'addToList'; listId: string }
  | { type: 'archive' };

export type BulkFailure =
  | ListFailure
  /** Adding the tag would take these clients past `TAGS_MAX` tags. */
  | { code: 'tags_full'; clientIds: string[] };

type ColumnAction = Exclude<BulkClientAction, { type: 'addToList' }>;

/** The columns an action may change: read before, returned after, and written to the audit rows. */
const auditedColumns = {
  id: clients.id,
  tags: clients.tags,
  ownerId: clients.ownerId,
  archivedAt: clients.archivedAt,
  stage: clients.stage,
};
type AuditedRow = {
  id: string;
  tags: string[];
  ownerId: string | null;
  archivedAt: Date | null;
  stage: string;
};

type ColumnChange = {
  /** The clients the action would change; the others are neither touched nor counted. */
  changes: SQL;
  set: PgUpdateSetSource<typeof clients>;
  audit: { action: string; snapshot: (row: AuditedRow) => Record<string, unknown> };
};

function columnChange(action: ColumnAction): ColumnChange {
  switch (action.type) {
    case 'addTag':
      return {
        changes: sql`not (${action.tag}::text = any(${clients.tags}))`,
        set: { tags: sql`array_append(${clients.tags}, ${action.tag}::text)` },
        audit: { action: 'client.update', snapshot: (r) => ({ tags: r.tags }) },
      };
    case 'removeTag':
      return {
        changes: sql`${action.tag}::text = any(${clients.tags})`,
        set: { tags: sql`array_remove(${clients.tags}, ${action.tag}::text)` },
        audit: { action: 'client.update', snapshot: (r) => ({ tags: r.tags }) },
      };
    case 'setOwner':
      return {
        changes:
          action.ownerId === null
            ? sql`${clients.ownerId} is not null`
            : sql`${clients.ownerId} is distinct from ${action.ownerId}::uuid`,
        set: { ownerId: action.ownerId },
        audit: { action: 'client.update', snapshot: (r) => ({ ownerId: r.ownerId }) },
      };
    case 'archive':
      // As `archiveClient`: the client leaves the working base, its history stays.
      return {
        changes: isNull(clients.archivedAt),
        set: { archivedAt: sql`now()`, stage: 'archived' },
        audit: {
          action: 'client.archive',
          snapshot: (r) => ({ archivedAt: r.archivedAt, stage: r.stage }),
        },
      };
    default: {
      const unknown: never = action;
      throw new Error(`Unknown bulk action ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * Applies one action to many clients in one transaction, set-based: a locking read, one update,
 * one insert of audit rows (one per changed client, as a single-client change writes) and one of
 * recompute requests, whatever the number of ids. Only clients of the workspace that the caller may
 * see (`ctx.onlyOwnerId`) are touched; other ids are skipped without a word. A client the action
 * would not change (already tagged, already archived…) is not touched either: `affected` counts the
 * clients changed, and only those get a new version. `addToList` adds the clients to a static list
 * (`addListMembers`): membership is the list's, so the clients' versions stay.
 */
export async function bulkUpdateClients(
  db: Executor,
  ctx: MutationContext,
  params: { ids: readonly string[]; action: BulkClientAction; now: Date },
): Promise<Result<{ affected: number }, BulkFailure>> {
  const { action } = params;
  const ids = [...new Set(params.ids)];
  if (action.type === 'addToList') {
    const added = await addListMembers(db, ctx, { listId: action.listId, clientIds: ids, now: params.now });
    return added.ok ? ok({ affected: added.value.added }) : added;
  }
  if (ids.length === 0) return ok({ affected: 0 });
  const change = columnChange(action);
  return db.transaction(async (tx) => {
    // Locked in id order, so two bulk changes over overlapping selections cannot deadlock.
    const before: AuditedRow[] = await tx
      .select(auditedColumns)
      .from(clients)
      .where(
        and(
          eq(clients.workspaceId, ctx.workspaceId),
          inArray(clients.id, ids),
          ctx.onlyOwnerId ? eq(clients.ownerId, ctx.onlyOwnerId) : undefined,
          change.changes,
        ),
      )
      .orderBy(asc(clients.id))
      .for('update');
    if (before.length === 0) return ok({ affected: 0 });
    if (action.type === 'addTag') {
      const full = before.filter((r) => r.tags.length >= TAGS_MAX).map((r) => r.id);
      if (full.length > 0) return fail({ code: 'tags_full', clientIds: full });
    }
    const changedIds = before.map((r) => r.id);
    const after: AuditedRow[] = await tx
      .update(clients)
      .set({ ...change.set, updatedAt: sql`now()`, version: sql`${clients.version} + 1` })
      .where(and(eq(clients.workspaceId, ctx.workspaceId), inArray(clients.id, changedIds)))
      .returning(auditedColumns);
    const afterById = new Map(after.map((r) => [r.id, r]));
    const entries: AuditEntry[] = before.map((row) => ({
      action: change.audit.action,
      entity: 'client',
      entityId: row.id,
      before: change.audit.snapshot(row),
      after: change.audit.snapshot(afterById.get(row.id)!),
    }));
    await writeAudits(tx, ctx, entries);
    await enqueueRecompute(tx, ctx.workspaceId, changedIds);
    return ok({ affected: after.length });
  });
}
