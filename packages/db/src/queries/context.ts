/** Who is acting, in which workspace: every mutation carries it into its audit row. */
export type Actor =
  | { kind: 'user'; id: string }
  | { kind: 'api_token'; id: string }
  | { kind: 'system'; id: null }
  /** Someone at the server's command line (`pnpm cb`): no account, their login on the machine. */
  | { kind: 'operator'; id: null; name: string | null };

export type MutationContext = {
  workspaceId: string;
  actor: Actor;
  requestId?: string | undefined;
  /** When set, the caller may only touch clients owned by this user (managers limited by setting). */
  onlyOwnerId?: string | null | undefined;
};

/** Read scope: the workspace, and optionally the only owner whose clients are visible. */
export type ReadScope = {
  workspaceId: string;
  onlyOwnerId?: string | null | undefined;
};
