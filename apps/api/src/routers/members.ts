import {
  addMembership,
  changeMember,
  createInvite,
  createUser,
  findUserByEmail,
  getMembership,
  listMembers,
  writeAudit,
} from '@cb/db';
import { normalizeEmail, type Role, roles } from '@cb/domain';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { hashSecret, newSecret } from '../auth/tokens.ts';
import { badRequest, failure, orThrow } from '../trpc/errors.ts';
import { router, workspaceProcedure } from '../trpc/init.ts';
import { toJson } from '../trpc/json.ts';

const INVITE_DAYS = 7;

/** Owners may do anything; admins may not touch owners nor make anyone an owner. */
function mayChange(actorRole: Role, currentRole: Role, newRole: Role | null): boolean {
  if (actorRole === 'owner') return true;
  if (actorRole !== 'admin') return false;
  return currentRole !== 'owner' && newRole !== 'owner';
}

export const membersRouter = router({
  list: workspaceProcedure('viewer').query(async ({ ctx }) =>
    toJson({ items: await listMembers(ctx.db, ctx.ws.id) }),
  ),

  /**
   * Adds a person to the workspace. Someone new gets an account without a password and a one-time
   * invitation link (valid 7 days) to set one; someone who already has an account just signs in.
   */
  invite: workspaceProcedure('admin')
    .input(
      z.object({
        email: z.string().trim().min(1).max(320),
        role: z.enum(roles),
        name: z.string().trim().min(1).max(200).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      if (input.role === 'owner' && ctx.ws.role !== 'owner') {
        throw new TRPCError({ code: 'FORBIDDEN', message: 'Only an owner may invite another owner' });
      }
      const normalized = normalizeEmail(input.email, 'email');
      if (!normalized.ok)
        throw badRequest([
          { field: 'email', message: normalized.error.message, code: normalized.error.code },
        ]);
      const email = normalized.value;
      const result = await ctx.db.transaction(async (tx) => {
        const existing = await findUserByEmail(tx, email);
        if (existing && (await getMembership(tx, ctx.ws.id, existing.id))) {
          throw failure({
            code: 'conflict',
            field: 'email',
            message: `${email} is already a member of this workspace`,
          });
        }
        const user = existing ?? (await createUser(tx, { email, name: input.name ?? email.split('@')[0]! }));
        await addMembership(tx, { workspaceId: ctx.ws.id, userId: user.id, role: input.role });
        let invite: { token: string; url: string; expiresAt: Date } | null = null;
        if (!user.passwordHash) {
          const token = newSecret();
          const expiresAt = new Date(ctx.now().getTime() + INVITE_DAYS * 86_400_000);
          await createInvite(tx, {
            tokenHash: hashSecret(token),
            workspaceId: ctx.ws.id,
            userId: user.id,
            role: input.role,
            invitedBy: ctx.ws.userId,
            expiresAt,
          });
          // The token travels in the fragment, which browsers never send to a server or its logs.
          invite = {
            token,
            url: `${ctx.config.publicUrl.replace(/\/$/, '')}/invite#token=${token}`,
            expiresAt,
          };
        }
        await writeAudit(tx, ctx.ws.mutation, {
          action: 'member.invite',
          entity: 'member',
          entityId: user.id,
          after: { email, role: input.role },
        });
        return { userId: user.id, email, role: input.role, invite };
      });
      return toJson(result);
    }),

  setRole: workspaceProcedure('admin')
    .input(z.object({ userId: z.uuid(), role: z.enum(roles) }))
    .mutation(async ({ ctx, input }) => {
      const actorRole = ctx.ws.role;
      return orThrow(
        await changeMember(ctx.db, ctx.ws.mutation, {
          userId: input.userId,
          role: input.role,
          allow: (current) => mayChange(actorRole, current, input.role),
        }),
      );
    }),

  remove: workspaceProcedure('admin')
    .input(z.object({ userId: z.uuid() }))
    .mutation(async ({ ctx, input }) => {
      const actorRole = ctx.ws.role;
      return orThrow(
        await changeMember(ctx.db, ctx.ws.mutation, {
          userId: input.userId,
          role: null,
          allow: (current) => mayChange(actorRole, current, null),
        }),
      );
    }),
});
