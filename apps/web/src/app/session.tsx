import type { Role } from '@cb/domain/vocabulary';
import { useQuery } from '@tanstack/react-query';
import { createContext, useContext } from 'react';
import { type Outputs, trpc } from '../api/trpc.ts';

export type Me = Outputs['auth']['me'];

export const meQuery = {
  queryKey: ['auth', 'me'] as const,
  queryFn: () => trpc.auth.me.query(),
  staleTime: 60_000,
};

export function useMeQuery() {
  return useQuery(meQuery);
}

const SessionContext = createContext<Me | null>(null);
export const SessionProvider = SessionContext.Provider;

/** The signed-in user, their current workspace and role; only inside the signed-in shell. */
export function useSession(): Me {
  const me = useContext(SessionContext);
  if (!me) throw new Error('useSession outside of the signed-in shell');
  return me;
}

const rank: Record<Role, number> = { viewer: 0, manager: 1, admin: 2, owner: 3 };

/** Whether the current role is at least `role` (buttons a viewer cannot use are not shown). */
export function useCan(role: Role): boolean {
  const me = useSession();
  return me.role !== null && rank[me.role] >= rank[role];
}
