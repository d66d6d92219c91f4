import { fail, ok, type Result } from '@cb/domain';
import { and, eq, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { queryRows } from '../raw.ts';
import { segments } from '../schema/segments.ts';
import { uuidArraySql } from '../temperature/compile.ts';
import { writeAudit } from './audit.ts';
import type { MutationContext } from './context.ts';
import { type DbFailure, notFound } from './failures.ts';
import { getSegment, type SegmentSummary } from './segments-crud.ts';

/*
 * Static lists are segments of kind 'static': their members are added and removed by hand, with
 * the same membership spells as rule segments (an open spell is a current member, closed ones are
 * the history). The recompute only ever touches rule segments, so these spells are left alone.
 */

/** No such list in the workspace, or a rule segment (its members follow its rule, not edited by hand). */
export type ListFailure = DbFailure | { code: 'not_static'; id: string };

export type ListMembersParams = {
  listId: string;
  clientIds: readonly string[];
  /** When the spells open or close. */
  now: Date;
};

/** Creates an empty static list. */
export async function createList(
  db: Executor,
  ctx: MutationContext,
  data: { name: string },
): Promise<SegmentSummary> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(segments)
      .values({ workspaceId: ctx.workspaceId, name: data.name, kind: 'static', rule: null })
      .returning();
    await writeAudit(tx, ctx, { action: 'list.create', entity: 'segment', entityId: row!.id, after: row });
    return (await getSegment(tx, ctx.workspaceId, row!.id))!;
  });
}

/**
 * The list, share-locked for the transaction: a concurrent `updateSegment` that would turn it into
 * a rule segment waits until the members are written.
 */
async function lockStaticList(
  tx: Executor,
  workspaceId: string,
  listId: string,
): Promise<ListFailure | null> {
  const [row] = await tx
    .select({ kind: segments.kind })
    .from(segments)
    .where(and(eq(segments.workspaceId, workspaceId), eq(segments.id, listId)))
    .for('share');
  if (!row) return notFound('list', listId);
  return row.kind === 'static' ? null : { code: 'not_static', id: listId };
}

/** Of the given clients, those the caller may see (`ctx.onlyOwnerId`): a condition on `clients c`. */
function visibleClients(ctx: MutationContext, clientIds: readonly string[]): SQL {
  const owner = ctx.onlyOwnerId ? sql` and c.owner_id = ${ctx.onlyOwnerId}::uuid` : sql``;
  return sql`c.workspace_id = ${ctx.workspaceId}::uuid and c.id = any(${uuidArraySql(clientIds)})${owner}`;
}

/**
 * Opens a spell for each given client that the caller can see and that is not a member yet, in one
 * statement (with one audit row on the list naming the clients added). Clients of other
 * workspaces, or not visible to the caller, are skipped without a word.
 */
export async function addListMembers(
  db: Executor,
  ctx: MutationContext,
  params: ListMembersParams,
): Promise<Result<{ added: number }, ListFailure>> {
  return db.transaction(async (tx) => {
    const problem = await lockStaticList(tx, ctx.workspaceId, params.listId);
    if (problem) return fail(problem);
    // `on conflict do nothing` (the open-spell unique index): a concurrent add of the same client wins.
    const rows = await queryRows<{ client_id: string }>(
      tx,
      sql`insert into segment_members (workspace_id, segment_id, client_id, entered_at)
        select c.workspace_id, ${params.listId}::uuid, c.id, ${params.now.toISOString()}::timestamptz
        from clients c
        where ${visibleClients(ctx, params.clientIds)}
          and not exists (select 1 from segment_members sm
            where sm.segment_id = ${params.listId}::uuid and sm.client_id = c.id and sm.left_at is null)
        on conflict do nothing
        returning client_id`,
    );
    const added = rows.map((r) => r.client_id).sort();
    if (added.length > 0) {
      await writeAudit(tx, ctx, {
        action: 'list.add_members',
        entity: 'segment',
        entityId: params.listId,
        after: { clientIds: added },
      });
    }
    return ok({ added: added.length });
  });
}

/**
 * Closes the open spells of the given clients that the caller can see, in one statement (with one
 * audit row on the list naming the clients removed). Clients that are not members are skipped.
 */
export async function removeListMembers(
  db: Executor,
  ctx: MutationContext,
  params: ListMembersParams,
): Promise<Result<{ removed: number }, ListFailure>> {
  return db.transaction(async (tx) => {
    const problem = await lockStaticList(tx, ctx.workspaceId, params.listId);
    if (problem) return fail(problem);
    // A spell never ends before it began, whatever the clocks say.
    const rows = await queryRows<{ client_id: string }>(
      tx,
      sql`update segment_members sm
        set left_at = greatest(sm.entered_at, ${params.now.toISOString()}::timestamptz)
        from clients c
        where sm.segment_id = ${params.listId}::uuid and sm.left_at is null and sm.client_id = c.id
          and ${visibleClients(ctx, params.clientIds)}
        returning sm.client_id`,
    );
    const removed = rows.map((r) => r.client_id).sort();
    if (removed.length > 0) {
      await writeAudit(tx, ctx, {
        action: 'list.remove_members',
        entity: 'segment',
        entityId: params.listId,
        before: { clientIds: removed },
      });
    }
    return ok({ removed: removed.length });
  });
}
