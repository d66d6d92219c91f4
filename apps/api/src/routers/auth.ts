import {
  addMembership,
  clearSignInFailures,
  consumeInvite,
  countSignInFailures,
  createApiToken,
  createSession,
  createUser,
  createWorkspace,
  type Database,
  deleteSession,
  type Executor,
  findUserByEmail,
  findUserById,
  getMembership,
  listApiTokens,
  listUserMemberships,
  recordSignInFailure,
  revokeApiToken,
  setSessionWorkspace,
  setUserPassword,
  writeAudit,
} from '@cb/db';
import { normalizeEmail } from '@cb/domain';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { clearedSessionCookie, sessionCookie } from '../auth/cookies.ts';
import { hashPassword, verifyPassword } from '../auth/password.ts';
import { API_TOKEN_PREFIX, hashSecret, newSecret } from '../auth/tokens.ts';
import type { Auth, Context } from '../trpc/context.ts';
import { badRequest, failure, notFound } from '../trpc/errors.ts';
import {
  authedProcedure,
  publicProcedure,
  router,
  sessionProcedure,
  workspaceProcedure,
} from '../trpc/init.ts';
import { toJson } from '../trpc/json.ts';

const ZPassword = z.string().min(8, 'at least 8 characters').max(200);
const ZName = z.string().trim().min(1).max(200);
/** Lenient on sign-in (any text up to the limit); sign-up checks the address properly. */
const ZEmailText = z.string().trim().min(1).max(320);

async function describeCaller(db: Executor, auth: Auth) {
  const memberships = await listUserMemberships(db, auth.user.id);
  const current = memberships.find((m) => m.workspaceId === auth.workspaceId) ?? null;
  return {
    user: auth.user,
    workspace: current
      ? { id: current.workspaceId, name: current.workspaceName, region: current.region }
      : null,
    role: current?.role ?? null,
    memberships,
    via: auth.kind,
  };
}

/** Opens a session: a random token in an httpOnly cookie, only its SHA-256 in the database. */
async function openSession(db: Executor, ctx: Context, userId: string, workspaceId: string | null) {
  const token = newSecret();
  const tokenHash = hashSecret(token);
  const maxAgeSeconds = ctx.config.sessionDays * 86_400;
  await createSession(db, {
    tokenHash,
    userId,
    workspaceId,
    expiresAt: new Date(ctx.now().getTime() + maxAgeSeconds * 1000),
  });
  ctx.resHeaders.append(
    'set-cookie',
    sessionCookie(token, { secure: ctx.config.secureCookies, maxAgeSeconds }),
  );
  return tokenHash;
}

function emailOrThrow(raw: string): string {
  const r = normalizeEmail(raw, 'email');
  if (!r.ok) throw badRequest([{ field: 'email', message: r.error.message, code: r.error.code }]);
  return r.value;
}

export const authRouter = router({
  signUp: publicProcedure
    .input(z.object({ email: ZEmailText, password: ZPassword, name: ZName, workspaceName: ZName }))
    .mutation(async ({ ctx, input }) => {
      const email = emailOrThrow(input.email);
      if (await findUserByEmail(ctx.db, email)) {
        throw failure({
          code: 'conflict',
          field: 'email',
          message: 'This e-mail is already registered: sign in',
        });
      }
      const passwordHash = await hashPassword(input.password);
      const auth = await ctx.db.transaction(async (tx) => {
        const workspace = await createWorkspace(tx, {
          name: input.workspaceName,
          settings: { defaultRegion: 'RU' },
        });
        const user = await createUser(tx, { email, name: input.name, passwordHash });
        await addMembership(tx, { workspaceId: workspace.id, userId: user.id, role: 'owner' });
        await writeAudit(
          tx,
          { workspaceId: workspace.id, actor: { kind: 'user', id: user.id }, requestId: ctx.requestId },
          {
            action: 'workspace.create',
            entity: 'workspace',
            entityId: workspace.id,
            after: { name: workspace.name },
          },
        );
        const tokenHash = await openSession(tx, ctx, user.id, workspace.id);
        return {
          kind: 'session',
          user: { id: user.id, email: user.email, name: user.name },
          tokenHash,
          workspaceId: workspace.id,
        } satisfies Auth;
      });
      return toJson(await describeCaller(ctx.db, auth));
    }),

  signIn: publicProcedure
    .input(z.object({ email: ZEmailText, password: z.string().max(200) }))
    .mutation(async ({ ctx, input }) => {
      const email = input.email.toLowerCase();
      const now = ctx.now();
      const limits = ctx.config.signInLimits;
      const failures = await countSignInFailures(ctx.db, {
        email,
        ip: ctx.ip,
        now,
        windowMs: limits.windowMs,
      });
      if (failures.byEmail >= limits.perEmail || failures.byIp >= limits.perIp) {
        ctx.log.warn({ email, ip: ctx.ip, ...failures }, 'sign-in rate limited');
        throw new TRPCError({
          code: 'TOO_MANY_REQUESTS',
          message: `Too many failed sign-ins; try again in ${Math.round(limits.windowMs / 60_000)} minutes`,
        });
      }
      const user = await findUserByEmail(ctx.db, email);
      const valid = await verifyPassword(user?.passwordHash ?? null, input.password);
      if (!user || !valid) {
        await recordSignInFailure(ctx.db, { email, ip: ctx.ip, now });
        throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Wrong e-mail or password' });
      }
      const memberships = await listUserMemberships(ctx.db, user.id);
      const workspaceId = memberships[0]?.workspaceId ?? null;
      const auth = await ctx.db.transaction(async (tx) => {
        await clearSignInFailures(tx, email);
        const tokenHash = await openSession(tx, ctx, user.id, workspaceId);
        return {
          kind: 'session',
          user: { id: user.id, email: user.email, name: user.name },
          tokenHash,
          workspaceId,
        } satisfies Auth;
      });
      return toJson(await describeCaller(ctx.db, auth));
    }),

  /** Ends the session, if any; always clears the cookie. */
  signOut: publicProcedure.mutation(async ({ ctx }) => {
    if (ctx.auth?.kind === 'session') await deleteSession(ctx.db, ctx.auth.tokenHash);
    ctx.resHeaders.append('set-cookie', clearedSessionCookie({ secure: ctx.config.secureCookies }));
    return { ok: true as const };
  }),

  me: authedProcedure.query(async ({ ctx }) => toJson(await describeCaller(ctx.db, ctx.auth))),

  switchWorkspace: sessionProcedure
    .input(z.object({ workspaceId: z.uuid() }))
    .mutation(async ({ ctx, input }) => {
      if (!(await getMembership(ctx.db, input.workspaceId, ctx.auth.user.id))) {
        throw new TRPCError({ code: 'FORBIDDEN', message: 'You are not a member of this workspace' });
      }
      await setSessionWorkspace(ctx.db, ctx.auth.tokenHash, input.workspaceId);
      return toJson(await describeCaller(ctx.db, { ...ctx.auth, workspaceId: input.workspaceId }));
    }),

  /** Sets the password of an invited user from the one-time token, and signs them in. */
  acceptInvite: publicProcedure
    .input(z.object({ token: z.string().min(1).max(200), password: ZPassword, name: ZName.optional() }))
    .mutation(async ({ ctx, input }) => {
      const passwordHash = await hashPassword(input.password);
      const auth = await acceptInvite(ctx.db, ctx, input.token, passwordHash, input.name);
      return toJson(await describeCaller(ctx.db, auth));
    }),

  createApiToken: workspaceProcedure('viewer', { sessionOnly: true })
    .input(z.object({ name: ZName }))
    .mutation(async ({ ctx, input }) => {
      const token = newSecret(API_TOKEN_PREFIX);
      const row = await ctx.db.transaction(async (tx) => {
        const created = await createApiToken(tx, {
          workspaceId: ctx.ws.id,
          userId: ctx.ws.userId,
          name: input.name,
          tokenHash: hashSecret(token),
        });
        await writeAudit(tx, ctx.ws.mutation, {
          action: 'api_token.create',
          entity: 'api_token',
          entityId: created.id,
          after: { name: created.name },
        });
        return created;
      });
      // The only time the token is shown: the database keeps its hash.
      return toJson({ ...row, token });
    }),

  listApiTokens: workspaceProcedure('viewer').query(async ({ ctx }) =>
    toJson({ items: await listApiTokens(ctx.db, { workspaceId: ctx.ws.id, userId: ctx.ws.userId }) }),
  ),

  revokeApiToken: workspaceProcedure('viewer')
    .input(z.object({ id: z.uuid() }))
    .mutation(async ({ ctx, input }) => {
      const revoked = await ctx.db.transaction(async (tx) => {
        const done = await revokeApiToken(tx, {
          workspaceId: ctx.ws.id,
          userId: ctx.ws.userId,
          id: input.id,
          now: ctx.now(),
        });
        if (done) {
          await writeAudit(tx, ctx.ws.mutation, {
            action: 'api_token.revoke',
            entity: 'api_token',
            entityId: input.id,
          });
        }
        return done;
      });
      if (!revoked) throw notFound('api_token', input.id);
      return { ok: true as const };
    }),
});

async function acceptInvite(
  db: Database,
  ctx: Context,
  token: string,
  passwordHash: string,
  name: string | undefined,
): Promise<Auth> {
  return db.transaction(async (tx) => {
    const invite = await consumeInvite(tx, hashSecret(token), ctx.now());
    if (!invite) {
      throw badRequest([
        { field: 'token', message: 'The invitation is not valid, used or expired', code: 'invite_invalid' },
      ]);
    }
    await setUserPassword(tx, invite.userId, passwordHash, name);
    const tokenHash = await openSession(tx, ctx, invite.userId, invite.workspaceId);
    const memberships = await listUserMemberships(tx, invite.userId);
    if (!memberships.some((m) => m.workspaceId === invite.workspaceId)) {
      throw badRequest([{ field: 'token', message: 'The invitation was withdrawn', code: 'invite_invalid' }]);
    }
    const user = await findUserById(tx, invite.userId);
    if (!user) throw notFound('user', invite.userId);
    return { kind: 'session', user, tokenHash, workspaceId: invite.workspaceId };
  });
}
