import { useQuery } from '@tanstack/react-query';
import { trpc } from '../../api/trpc.ts';
import { useCan } from '../../app/session.tsx';

/** The workspace's members, for owner and assignee pickers. */
export function useMembers() {
  return useQuery({
    queryKey: ['members', 'list'],
    queryFn: () => trpc.members.list.query(),
    staleTime: 60_000,
  });
}

/** The workspace's custom field definitions. */
export function useCustomFields() {
  return useQuery({
    queryKey: ['fields', 'list'],
    queryFn: () => trpc.fields.list.query(),
    staleTime: 60_000,
  });
}

const DEFAULT_REGION = 'RU';

/**
 * The region numbers without a country code are read in, for the live preview. Only admins may
 * read the workspace settings, so everyone else previews with the default (RU), which is what
 * every workspace starts with; the server's normalization is the one that counts.
 */
export function useRegion(): string {
  const isAdmin = useCan('admin');
  const settings = useQuery({
    queryKey: ['workspace', 'settings'],
    queryFn: () => trpc.workspace.getSettings.query(),
    enabled: isAdmin,
    staleTime: 300_000,
  });
  return settings.data?.settings.defaultRegion ?? DEFAULT_REGION;
}
