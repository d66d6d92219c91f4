import type { Role } from '@cb/domain';
import type { Executor } from '../client.ts';
import type { MutationContext } from '../queries/context.ts';
import { addMembership, createUser, createWorkspace } from '../queries/workspaces.ts';
import type { WorkspaceSettings } from '../schema/workspaces.ts';

let counter = 0;

/** A workspace with one member of the given role, and a mutation context acting as that member. */
export async function seedWorkspace(
  db: Executor,
  options: { role?: Role; settings?: WorkspaceSettings; name?: string } = {},
) {
  counter += 1;
  const workspace = await createWorkspace(db, {
    name: options.name ?? `Workspace ${counter}`,
    settings: options.settings ?? {},
  });
  const user = await createUser(db, {
    email: `user${counter}-${workspace.id.slice(0, 8)}@example.com`,
    name: `User ${counter}`,
  });
  await addMembership(db, { workspaceId: workspace.id, userId: user.id, role: options.role ?? 'owner' });
  const ctx: MutationContext = {
    workspaceId: workspace.id,
    actor: { kind: 'user', id: user.id },
    requestId: `test-${counter}`,
  };
  return { workspace, user, ctx };
}
