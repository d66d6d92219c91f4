import type { MutationContext, ReadScope } from '@cb/db';
import { getMembership, getWorkspace } from '@cb/db';
import type { WorkspaceSettings } from '@cb/db/schema';
import type { Role } from '@cb/domain';
import { initTRPC, TRPCError } from '@trpc/server';
import type { Auth, Context } from './context.ts';
import { formatError } from './errors.ts';

/** Who may call a procedure; the cross-workspace test reads it to know what to expect. */
export type ProcedureMeta = {
  access: 'public' | 'authed' | Role;
  /** Only a browser session may call it (API tokens cannot mint tokens or switch workspaces). */
  sessionOnly?: boolean;
};

const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  .create({
    // No transformer: plain JSON in and out, so any HTTP client can call the API.
    isDev: false,
    errorFormatter: ({ shape, error, ctx }) => formatError(shape, error, ctx?.requestId ?? null),
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** PostgreSQL error codes that mean "bad input" or "taken", not "the server broke". */
function sqlState(error: unknown): string | null {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

/**
 * Database errors that a racing or odd request can still provoke after validation become client
 * errors here, once for every procedure: a unique violation is a CONFLICT, a value PostgreSQL
 * refuses is a BAD_REQUEST. Everything else stays an internal error (logged, never shown).
 */
const base = t.procedure.use(async ({ next }) => {
  const result = await next();
  if (result.ok || result.error.code !== 'INTERNAL_SERVER_ERROR') return result;
  const state = sqlState(result.error.cause);
  if (state === '23505') throw new TRPCError({ code: 'CONFLICT', message: 'The record already exists' });
  if (state === '22P02' || state === '22001' || state === '22003' || state === '22007' || state === '22008') {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'A value is not valid' });
  }
  return result;
});

export const publicProcedure = base.meta({ access: 'public' });

export const authedProcedure = base.meta({ access: 'authed' }).use(({ ctx, next }) => {
  if (!ctx.auth) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in first' });
  return next({ ctx: { auth: ctx.auth } });
});

/** Procedures a personal API token may not call. */
export const sessionProcedure = authedProcedure
  .meta({ access: 'authed', sessionOnly: true })
  .use(({ ctx, next }) => {
    const auth = ctx.auth;
    if (auth.kind !== 'session') {
      throw new TRPCError({ code: 'FORBIDDEN', message: 'Only a signed-in browser session may do this' });
    }
    return next({ ctx: { auth } });
  });

const rank: Record<Role, number> = { viewer: 0, manager: 1, admin: 2, owner: 3 };

export function roleAtLeast(role: Role, minRole: Role): boolean {
  return rank[role] >= rank[minRole];
}

export type WorkspaceContext = {
  id: string;
  name: string;
  settings: WorkspaceSettings;
  role: Role;
  userId: string;
  /** What the caller may read: the workspace, and only their own clients for restricted managers. */
  scope: ReadScope;
  /** Who is acting, for every mutation's audit row. */
  mutation: MutationContext;
};

function actorOf(auth: Auth): MutationContext['actor'] {
  return auth.kind === 'api_token'
    ? { kind: 'api_token', id: auth.tokenId }
    : { kind: 'user', id: auth.user.id };
}

/**
 * A procedure in the caller's current workspace, for members of at least `minRole`: viewers read;
 * managers and up change clients; admins and owners manage members, fields, policy and settings.
 * Every query below is scoped to `ctx.ws`.
 */
export function workspaceProcedure(minRole: Role, options: { sessionOnly?: boolean } = {}) {
  const sessionOnly = options.sessionOnly ?? false;
  return base.meta({ access: minRole, sessionOnly }).use(async ({ ctx, next }) => {
    const { auth, ws } = await workspaceAccess(ctx, minRole, sessionOnly);
    return next({ ctx: { auth, ws } });
  });
}

/**
 * The caller's workspace and role, or the tRPC error that refuses them: shared by procedures and
 * by the plain HTTP routes (uploads, downloads), which map the error to a status.
 */
export async function workspaceAccess(
  ctx: Pick<Context, 'auth' | 'db' | 'requestId'>,
  minRole: Role,
  sessionOnly = false,
): Promise<{ auth: Auth; ws: WorkspaceContext }> {
  const auth = ctx.auth;
  if (!auth) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in first' });
  if (sessionOnly && auth.kind !== 'session') {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'Only a signed-in browser session may do this' });
  }
  if (!auth.workspaceId) throw new TRPCError({ code: 'FORBIDDEN', message: 'No workspace is selected' });
  const [membership, workspace] = await Promise.all([
    getMembership(ctx.db, auth.workspaceId, auth.user.id),
    getWorkspace(ctx.db, auth.workspaceId),
  ]);
  if (!membership || !workspace) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'You are not a member of this workspace' });
  }
  if (!roleAtLeast(membership.role, minRole)) {
    throw new TRPCError({ code: 'FORBIDDEN', message: `This needs the ${minRole} role or higher` });
  }
  const onlyOwnerId =
    membership.role === 'manager' && workspace.settings.managersSeeOwnClientsOnly ? auth.user.id : null;
  const ws: WorkspaceContext = {
    id: workspace.id,
    name: workspace.name,
    settings: workspace.settings,
    role: membership.role,
    userId: auth.user.id,
    scope: { workspaceId: workspace.id, onlyOwnerId },
    mutation: { workspaceId: workspace.id, actor: actorOf(auth), requestId: ctx.requestId, onlyOwnerId },
  };
  return { auth, ws };
}
