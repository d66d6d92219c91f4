import { QueryClient } from '@tanstack/react-query';
import { toProblem } from '../api/errors.ts';

/** Client errors are answers, not outages: retrying a BAD_REQUEST or a NOT_FOUND cannot help. */
export function createQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        refetchOnWindowFocus: false,
        retry: (count, error) => toProblem(error).code === 'NETWORK' && count < 2,
      },
      mutations: { retry: false },
    },
  });
}
