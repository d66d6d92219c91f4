import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, render, screen } from '@testing-library/react';
import { TRPCClientError } from '@trpc/client';
import { MemoryRouter, Route, Routes } from 'react-router';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Me } from './session.tsx';
import { meQuery, useMeQuery } from './session.tsx';
import { Shell } from './shell.tsx';

const me = vi.hoisted(() => ({ query: vi.fn() }));
vi.mock(import('../api/trpc.ts'), async (importOriginal) => ({
  ...(await importOriginal()),
  trpc: { auth: { me } } as never,
}));

const session = {
  user: { id: '00000000-0000-4000-8000-000000000001', email: 'irina@example.com', name: 'Ирина' },
  workspace: { id: '00000000-0000-4000-8000-00000000000a', name: 'Ромашка' },
  role: 'owner',
  memberships: [],
  via: 'session',
} as unknown as Me;

const wireError = (code: string, httpStatus: number) =>
  TRPCClientError.from({ error: { code: -32603, message: code, data: { code, httpStatus } } });

/** A screen inside the frame that shows the state of the session query it shares with the frame. */
function ClientsProbe() {
  return <p>экран клиентов, сессия: {useMeQuery().status}</p>;
}

function renderShell(queryClient: QueryClient) {
  return render(
    <QueryClientProvider client={queryClient}>
      <MemoryRouter initialEntries={['/clients']}>
        <Routes>
          <Route element={<Shell />}>
            <Route path="/clients" element={<ClientsProbe />} />
          </Route>
          <Route path="/sign-in" element={<p>страница входа</p>} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

beforeEach(() => {
  me.query.mockReset();
});

describe('Shell: the signed-in frame and its session', () => {
  it('keeps the app when a background refetch of the session fails (the server busy a moment)', async () => {
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    me.query.mockResolvedValueOnce(session);
    renderShell(queryClient);
    expect(await screen.findByText('экран клиентов, сессия: success')).toBeTruthy();
    me.query.mockRejectedValueOnce(wireError('INTERNAL_SERVER_ERROR', 500));
    await act(() => queryClient.refetchQueries({ queryKey: meQuery.queryKey }));
    // The screen has seen the failed refetch, and it is still there, in the frame.
    expect(await screen.findByText('экран клиентов, сессия: error')).toBeTruthy();
    expect(screen.getByRole('navigation')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('goes to sign-in when the server no longer knows the session, even with one loaded', async () => {
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    me.query.mockResolvedValueOnce(session);
    renderShell(queryClient);
    expect(await screen.findByText('экран клиентов, сессия: success')).toBeTruthy();
    me.query.mockRejectedValueOnce(wireError('UNAUTHORIZED', 401));
    await act(() => queryClient.refetchQueries({ queryKey: meQuery.queryKey }));
    expect(await screen.findByText('страница входа')).toBeTruthy();
  });

  it('shows the error when the session could never be loaded', async () => {
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    me.query.mockRejectedValueOnce(wireError('INTERNAL_SERVER_ERROR', 500));
    renderShell(queryClient);
    expect(await screen.findByRole('alert')).toBeTruthy();
    expect(screen.queryByText(/экран клиентов/)).toBeNull();
  });
});
