import { fail, ok, type Result } from '@cb/domain';
import { and, asc, desc, eq, ne, or, sql } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { memberships } from '../schema/memberships.ts';
import { savedViews } from '../schema/saved-views.ts';
import { users } from '../schema/users.ts';
import { writeAudit } from './audit.ts';
import type { MutationContext } from './context.ts';
import { type DbFailure, notFound } from './failures.ts';

/** Whose views: a member of a workspace (the user behind a session or an API token). */
export type ViewOwner = { workspaceId: string; userId: string };

export type SavedViewItem = {
  id: string;
  name: string;
  state: Record<string, unknown>;
  shared: boolean;
  /** The caller's own view (only those may be changed or removed). */
  mine: boolean;
  ownerName: string;
  createdAt: Date;
  updatedAt: Date;
};

function itemColumns(userId: string) {
  return {
    id: savedViews.id,
    name: savedViews.name,
    state: savedViews.state,
    shared: savedViews.shared,
    mine: sql<boolean>`(${savedViews.userId} = ${userId}::uuid)`,
    ownerName: users.name,
    createdAt: savedViews.createdAt,
    updatedAt: savedViews.updatedAt,
  };
}

/**
 * The caller's own views and the views other members shared, by name (own first on a tie). Views
 * of someone who is no longer a member are not shown: nobody could change or remove them.
 */
export async function listSavedViews(db: Executor, owner: ViewOwner): Promise<SavedViewItem[]> {
  return db
    .select(itemColumns(owner.userId))
    .from(savedViews)
    .innerJoin(users, eq(users.id, savedViews.userId))
    .innerJoin(
      memberships,
      and(eq(memberships.workspaceId, savedViews.workspaceId), eq(memberships.userId, savedViews.userId)),
    )
    .where(
      and(
        eq(savedViews.workspaceId, owner.workspaceId),
        or(eq(savedViews.userId, owner.userId), eq(savedViews.shared, true)),
      ),
    )
    .orderBy(
      asc(savedViews.name),
      desc(sql`(${savedViews.userId} = ${owner.userId}::uuid)`),
      asc(savedViews.id),
    );
}

async function getOwnView(db: Executor, owner: ViewOwner, id: string): Promise<SavedViewItem | null> {
  const [row] = await db
    .select(itemColumns(owner.userId))
    .from(savedViews)
    .innerJoin(users, eq(users.id, savedViews.userId))
    .where(
      and(
        eq(savedViews.workspaceId, owner.workspaceId),
        eq(savedViews.userId, owner.userId),
        eq(savedViews.id, id),
      ),
    );
  return row ?? null;
}

export type SavedViewWrite = {
  /** Absent: a new view. Present: one of the caller's own views, replaced by this one. */
  id?: string | undefined;
  name: string;
  state: Record<string, unknown>;
  /** Absent: false for a new view, unchanged for an existing one. */
  shared?: boolean | undefined;
};

/**
 * Creates a view, or replaces one of the caller's own. A member's view names are unique: a name
 * the caller already uses for another view is a conflict on `name`.
 */
export async function saveView(
  db: Executor,
  ctx: MutationContext,
  owner: ViewOwner,
  data: SavedViewWrite,
): Promise<Result<SavedViewItem, DbFailure>> {
  return db.transaction(async (tx) => {
    const before = data.id ? await getOwnView(tx, owner, data.id) : null;
    if (data.id && !before) return fail(notFound('view', data.id));
    const [clash] = await tx
      .select({ id: savedViews.id })
      .from(savedViews)
      .where(
        and(
          eq(savedViews.workspaceId, owner.workspaceId),
          eq(savedViews.userId, owner.userId),
          eq(savedViews.name, data.name),
          data.id ? ne(savedViews.id, data.id) : undefined,
        ),
      );
    if (clash) {
      return fail({
        code: 'conflict',
        field: 'name',
        message: `You already have a view named “${data.name}”`,
      });
    }
    let id: string;
    if (before) {
      id = before.id;
      await tx
        .update(savedViews)
        .set({
          name: data.name,
          state: data.state,
          ...(data.shared !== undefined ? { shared: data.shared } : {}),
          updatedAt: sql`now()`,
        })
        .where(eq(savedViews.id, id));
    } else {
      const [row] = await tx
        .insert(savedViews)
        .values({
          workspaceId: owner.workspaceId,
          userId: owner.userId,
          name: data.name,
          state: data.state,
          shared: data.shared ?? false,
        })
        .returning({ id: savedViews.id });
      id = row!.id;
    }
    const after = (await getOwnView(tx, owner, id))!;
    await writeAudit(tx, ctx, {
      action: before ? 'view.update' : 'view.create',
      entity: 'view',
      entityId: id,
      before: before ? auditSnapshot(before) : null,
      after: auditSnapshot(after),
    });
    return ok(after);
  });
}

/** Removes one of the caller's own views. */
export async function removeView(
  db: Executor,
  ctx: MutationContext,
  owner: ViewOwner,
  id: string,
): Promise<Result<{ removed: true }, DbFailure>> {
  return db.transaction(async (tx) => {
    const before = await getOwnView(tx, owner, id);
    if (!before) return fail(notFound('view', id));
    await tx.delete(savedViews).where(eq(savedViews.id, id));
    await writeAudit(tx, ctx, {
      action: 'view.remove',
      entity: 'view',
      entityId: id,
      before: auditSnapshot(before),
    });
    return ok({ removed: true as const });
  });
}

function auditSnapshot(view: SavedViewItem) {
  return { name: view.name, state: view.state, shared: view.shared };
}
