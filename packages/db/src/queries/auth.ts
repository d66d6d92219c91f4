import type { Role } from '@cb/domain';
import { and, asc, count, desc, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { apiTokens } from '../schema/api-tokens.ts';
import { invites } from '../schema/invites.ts';
import { memberships } from '../schema/memberships.ts';
import { sessions } from '../schema/sessions.ts';
import { signInAttempts } from '../schema/sign-in-attempts.ts';
import { users } from '../schema/users.ts';
import { workspaces } from '../schema/workspaces.ts';

/*
 * Sessions, API tokens, invitations and sign-in attempts. Secrets never reach the database: the
 * caller hashes each token (SHA-256) and only the hash is stored and looked up.
 */

export type SessionUser = {
  id: string;
  email: string;
  name: string;
};

export async function createSession(
  db: Executor,
  data: { tokenHash: string; userId: string; workspaceId: string | null; expiresAt: Date },
): Promise<void> {
  await db.insert(sessions).values(data);
}

/** The live session behind a token hash, with its user; null when unknown or expired. */
export async function findSession(db: Executor, tokenHash: string, now: Date) {
  const [row] = await db
    .select({
      tokenHash: sessions.tokenHash,
      workspaceId: sessions.workspaceId,
      expiresAt: sessions.expiresAt,
      user: { id: users.id, email: users.email, name: users.name },
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, now)));
  return row ?? null;
}

export async function deleteSession(db: Executor, tokenHash: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash));
}

export async function setSessionWorkspace(
  db: Executor,
  tokenHash: string,
  workspaceId: string,
): Promise<void> {
  await db.update(sessions).set({ workspaceId }).where(eq(sessions.tokenHash, tokenHash));
}

/** Every workspace the user belongs to, oldest membership first (the default one to open). */
export async function listUserMemberships(db: Executor, userId: string) {
  return db
    .select({
      workspaceId: workspaces.id,
      workspaceName: workspaces.name,
      role: memberships.role,
      /** Phones typed without a country code are read in this region (what every member's form previews). */
      region: sql<string>`coalesce(${workspaces.settings}->>'defaultRegion', 'RU')`,
    })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(memberships.createdAt), asc(workspaces.id));
}

export async function findUserById(db: Executor, id: string): Promise<SessionUser | null> {
  const [row] = await db
    .select({ id: users.id, email: users.email, name: users.name })
    .from(users)
    .where(eq(users.id, id));
  return row ?? null;
}

export async function setUserPassword(db: Executor, userId: string, passwordHash: string, name?: string) {
  await db
    .update(users)
    .set({ passwordHash, ...(name ? { name } : {}) })
    .where(eq(users.id, userId));
}

export async function createApiToken(
  db: Executor,
  data: { workspaceId: string; userId: string; name: string; tokenHash: string },
) {
  const [row] = await db
    .insert(apiTokens)
    .values(data)
    .returning({ id: apiTokens.id, name: apiTokens.name, createdAt: apiTokens.createdAt });
  return row!;
}

/** A token that is not revoked, with its owner. */
export async function findApiToken(db: Executor, tokenHash: string) {
  const [row] = await db
    .select({
      id: apiTokens.id,
      workspaceId: apiTokens.workspaceId,
      lastUsedAt: apiTokens.lastUsedAt,
      user: { id: users.id, email: users.email, name: users.name },
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.tokenHash, tokenHash), isNull(apiTokens.revokedAt)));
  return row ?? null;
}

/** Records use, at most once a minute per token, so busy integrations do not write on every call. */
export async function touchApiToken(db: Executor, id: string, now: Date): Promise<void> {
  await db
    .update(apiTokens)
    .set({ lastUsedAt: now })
    .where(
      and(
        eq(apiTokens.id, id),
        sql`(${apiTokens.lastUsedAt} is null or ${apiTokens.lastUsedAt} < ${new Date(now.getTime() - 60_000).toISOString()}::timestamptz)`,
      ),
    );
}

export async function listApiTokens(db: Executor, params: { workspaceId: string; userId: string }) {
  return db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
      revokedAt: apiTokens.revokedAt,
    })
    .from(apiTokens)
    .where(and(eq(apiTokens.workspaceId, params.workspaceId), eq(apiTokens.userId, params.userId)))
    .orderBy(desc(apiTokens.createdAt));
}

/** Revokes one of the user's own tokens in the workspace; false when there is no such token. */
export async function revokeApiToken(
  db: Executor,
  params: { workspaceId: string; userId: string; id: string; now: Date },
): Promise<boolean> {
  const rows = await db
    .update(apiTokens)
    .set({ revokedAt: sql`coalesce(${apiTokens.revokedAt}, ${params.now.toISOString()}::timestamptz)` })
    .where(
      and(
        eq(apiTokens.id, params.id),
        eq(apiTokens.workspaceId, params.workspaceId),
        eq(apiTokens.userId, params.userId),
      ),
    )
    .returning({ id: apiTokens.id });
  return rows.length > 0;
}

export async function createInvite(
  db: Executor,
  data: {
    tokenHash: string;
    workspaceId: string;
    userId: string;
    role: Role;
    invitedBy: string | null;
    expiresAt: Date;
  },
): Promise<void> {
  await db.insert(invites).values(data);
}

/**
 * Marks an unused, unexpired invite used and returns it; null when the token is unknown, used or
 * expired. The update is the check, so two concurrent accepts cannot both succeed.
 */
export async function consumeInvite(db: Executor, tokenHash: string, now: Date) {
  const [row] = await db
    .update(invites)
    .set({ usedAt: now })
    .where(and(eq(invites.tokenHash, tokenHash), isNull(invites.usedAt), gt(invites.expiresAt, now)))
    .returning({ workspaceId: invites.workspaceId, userId: invites.userId, role: invites.role });
  return row ?? null;
}

export type SignInFailureCounts = { byEmail: number; byIp: number };

/** Failures in the window `(now − windowMs, now]` for this e-mail and for this IP. */
export async function countSignInFailures(
  db: Executor,
  params: { email: string; ip: string; now: Date; windowMs: number },
): Promise<SignInFailureCounts> {
  const since = new Date(params.now.getTime() - params.windowMs);
  const [byEmail, byIp] = await Promise.all([
    db
      .select({ n: count() })
      .from(signInAttempts)
      .where(and(eq(signInAttempts.email, params.email), gt(signInAttempts.at, since))),
    db
      .select({ n: count() })
      .from(signInAttempts)
      .where(and(eq(signInAttempts.ip, params.ip), gt(signInAttempts.at, since))),
  ]);
  return { byEmail: Number(byEmail[0]?.n ?? 0), byIp: Number(byIp[0]?.n ?? 0) };
}

/** Records a failure and drops rows older than a day, which no window looks at any more. */
export async function recordSignInFailure(db: Executor, params: { email: string; ip: string; now: Date }) {
  await db.transaction(async (tx) => {
    await tx.insert(signInAttempts).values({ email: params.email, ip: params.ip, at: params.now });
    await tx.delete(signInAttempts).where(lt(signInAttempts.at, new Date(params.now.getTime() - 86_400_000)));
  });
}

/** A successful sign-in forgives the e-mail's earlier failures (the IP's stay counted). */
export async function clearSignInFailures(db: Executor, email: string): Promise<void> {
  await db.delete(signInAttempts).where(eq(signInAttempts.email, email));
}
