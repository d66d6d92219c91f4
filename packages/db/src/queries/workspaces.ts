import type { Role } from '@cb/domain';
import { and, eq } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { memberships } from '../schema/memberships.ts';
import { users } from '../schema/users.ts';
import { type WorkspaceSettings, workspaces } from '../schema/workspaces.ts';

export async function createWorkspace(db: Executor, data: { name: string; settings?: WorkspaceSettings }) {
  const [row] = await db
    .insert(workspaces)
    .values({ name: data.name, settings: data.settings ?? {} })
    .returning();
  return row!;
}

export async function getWorkspace(db: Executor, id: string) {
  const [row] = await db.select().from(workspaces).where(eq(workspaces.id, id));
  return row ?? null;
}

export async function updateWorkspaceSettings(db: Executor, id: string, settings: WorkspaceSettings) {
  const [row] = await db.update(workspaces).set({ settings }).where(eq(workspaces.id, id)).returning();
  return row ?? null;
}

export async function createUser(
  db: Executor,
  data: { email: string; name: string; passwordHash?: string | null },
) {
  const [row] = await db
    .insert(users)
    .values({
      email: data.email.trim().toLowerCase(),
      name: data.name,
      passwordHash: data.passwordHash ?? null,
    })
    .returning();
  return row!;
}

export async function findUserByEmail(db: Executor, email: string) {
  const [row] = await db.select().from(users).where(eq(users.email, email.trim().toLowerCase()));
  return row ?? null;
}

export async function addMembership(db: Executor, data: { workspaceId: string; userId: string; role: Role }) {
  const [row] = await db
    .insert(memberships)
    .values(data)
    .onConflictDoUpdate({ target: [memberships.workspaceId, memberships.userId], set: { role: data.role } })
    .returning();
  return row!;
}

export async function getMembership(db: Executor, workspaceId: string, userId: string) {
  const [row] = await db
    .select()
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
  return row ?? null;
}

export async function listMembers(db: Executor, workspaceId: string) {
  return db
    .select({
      userId: users.id,
      email: users.email,
      name: users.name,
      role: memberships.role,
      since: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.workspaceId, workspaceId))
    .orderBy(users.email);
}

/** Every workspace, oldest first: for operator tools (`pnpm cb`) that act outside a session. */
export async function listAllWorkspaces(db: Executor): Promise<{ id: string; name: string }[]> {
  return db
    .select({ id: workspaces.id, name: workspaces.name })
    .from(workspaces)
    .orderBy(workspaces.createdAt, workspaces.id);
}
