import { fail, ok, type Result, type Role } from '@cb/domain';
import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { memberships } from '../schema/memberships.ts';
import { sessions } from '../schema/sessions.ts';
import { writeAudit } from './audit.ts';
import type { MutationContext } from './context.ts';
import { type DbFailure, notFound } from './failures.ts';

export type MemberFailure = DbFailure | { code: 'forbidden'; message: string };

export type MemberChange = {
  userId: string;
  /** The new role, or null to remove the member from the workspace. */
  role: Role | null;
  /** Who may make this change, given the member's current role (the caller's rules). */
  allow: (currentRole: Role) => boolean;
};

/**
 * Changes a member's role or removes the member. The workspace's memberships are locked for the
 * check, so two concurrent demotions cannot leave a workspace without an owner.
 */
export async function changeMember(
  db: Executor,
  ctx: MutationContext,
  change: MemberChange,
): Promise<Result<{ userId: string; role: Role | null }, MemberFailure>> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .select({ userId: memberships.userId, role: memberships.role })
      .from(memberships)
      .where(eq(memberships.workspaceId, ctx.workspaceId))
      .for('update');
    const target = rows.find((r) => r.userId === change.userId);
    if (!target) return fail(notFound('member', change.userId));
    if (!change.allow(target.role)) {
      return fail({ code: 'forbidden', message: 'Your role may not change this member' });
    }
    const owners = rows.filter((r) => r.role === 'owner').length;
    if (target.role === 'owner' && change.role !== 'owner' && owners <= 1) {
      return fail({
        code: 'conflict',
        field: 'role',
        message: 'The last owner of a workspace cannot be demoted or removed',
      });
    }
    const where = and(eq(memberships.workspaceId, ctx.workspaceId), eq(memberships.userId, change.userId));
    if (change.role === null) {
      await tx.delete(memberships).where(where);
      // The removed member's sessions in this workspace stop working at once.
      await tx
        .update(sessions)
        .set({ workspaceId: sql`null` })
        .where(and(eq(sessions.userId, change.userId), eq(sessions.workspaceId, ctx.workspaceId)));
    } else {
      await tx.update(memberships).set({ role: change.role }).where(where);
    }
    await writeAudit(tx, ctx, {
      action: change.role === null ? 'member.remove' : 'member.set_role',
      entity: 'member',
      entityId: change.userId,
      before: { role: target.role },
      after: change.role === null ? null : { role: change.role },
    });
    return ok({ userId: change.userId, role: change.role });
  });
}
