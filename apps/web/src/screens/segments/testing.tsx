import type { Role } from '@cb/domain';
import { TRPCClientError } from '@trpc/client';
import { Route, Routes, useLocation } from 'react-router';
import type { Me } from '../../app/session.tsx';
import { SessionProvider } from '../../app/session.tsx';
import { renderWithProviders } from '../../testing/render.tsx';
import SegmentEditor from './editor.tsx';
import SegmentList from './index.tsx';

/** Test helpers for the segment screens (not part of the app bundle: only tests import this). */

export const me = (role: Role = 'manager') =>
  ({
    user: { id: 'u1', email: 'olga@example.com', name: 'Ольга' },
    workspace: { id: 'w1', name: 'Ромашка' },
    role,
    memberships: [],
    via: 'session',
  }) as unknown as Me;

/** A failed call as the API sends it: a tRPC error whose `data` carries the field issues. */
export function apiError(
  code: string,
  message: string,
  issues?: { field: string; code?: string; message: string }[],
) {
  return new TRPCClientError(message, {
    result: { error: { code: -32600, message, data: { code, httpStatus: 400, path: null, issues } } },
  } as never);
}

function Where() {
  return <output data-testid="where">{useLocation().pathname}</output>;
}

export function renderSegments(route: string, role: Role = 'manager') {
  return renderWithProviders(
    <SessionProvider value={me(role)}>
      <Routes>
        <Route path="/segments" element={<SegmentList />} />
        <Route path="/segments/new" element={<SegmentEditor />} />
        <Route path="/segments/:id" element={<SegmentEditor />} />
        <Route path="*" element={null} />
      </Routes>
      <Where />
    </SessionProvider>,
    { route },
  );
}
