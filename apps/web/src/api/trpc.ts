import type { AppRouter } from '@cb/api';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';

export type Inputs = inferRouterInputs<AppRouter>;
export type Outputs = inferRouterOutputs<AppRouter>;

/**
 * The one API client of the app: typed by the API's router, cookies sent with every call. Queries
 * go through TanStack Query with keys that start with the router name (`['clients', 'list', input]`),
 * so a mutation invalidates a whole entity with one prefix.
 *
 * One request per call, not batched: a batch answers when its slowest call is done, and the first
 * rows of the list must not wait for the segment counts of the filter panel.
 */
export const trpc = createTRPCClient<AppRouter>({
  links: [
    httpLink({
      url: '/trpc',
      fetch: (url, init) => fetch(url, { ...init, credentials: 'same-origin' }),
    }),
  ],
});

export function isTrpcError(error: unknown): error is TRPCClientError<AppRouter> {
  return error instanceof TRPCClientError;
}
