import type { Role } from '@cb/domain';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type Me, SessionProvider } from '../../app/session.tsx';
import { renderWithProviders } from '../../testing/render.tsx';
import { auditChanges, auditValueText } from './audit-format.ts';
import Settings from './index.tsx';

const api = vi.hoisted(() => ({ auditList: vi.fn(), membersList: vi.fn(), tokensList: vi.fn() }));

vi.mock('../../api/trpc.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../api/trpc.ts')>();
  return {
    ...actual,
    trpc: {
      audit: { list: { query: api.auditList } },
      members: { list: { query: api.membersList } },
      auth: { listApiTokens: { query: api.tokensList } },
    },
  };
});

const ME = '00000000-0000-4000-8000-000000000001';
const words = { yes: 'да', no: 'нет', empty: '—' };

function renderSettings(route: string, role: Role = 'admin') {
  const me = {
    user: { id: ME, email: 'a@example.com', name: 'Анна' },
    workspace: { id: '00000000-0000-4000-8000-00000000000a', name: 'Ромашка' },
    role,
    memberships: [],
    via: 'session',
  } as unknown as Me;
  return renderWithProviders(
    <SessionProvider value={me}>
      <Routes>
        <Route path="/settings/*" element={<Settings />} />
      </Routes>
    </SessionProvider>,
    { route },
  );
}

function row(id: number, overrides: Record<string, unknown> = {}) {
  return {
    id,
    workspaceId: 'w',
    actorId: ME,
    actorKind: 'user',
    actorName: null,
    action: 'client.update',
    entity: 'client',
    entityId: '11111111-2222-4333-8444-555555555555',
    before: { name: 'Old', tags: ['a'] },
    after: { name: 'New', tags: ['a'] },
    requestId: null,
    at: '2026-11-20T10:00:00.000Z',
    ...overrides,
  };
}

beforeEach(() => {
  vi.clearAllMocks();
  api.membersList.mockResolvedValue({
    items: [
      { userId: ME, email: 'a@example.com', name: 'Анна', role: 'admin', since: '2026-01-01T00:00:00Z' },
    ],
  });
  api.tokensList.mockResolvedValue({ items: [] });
});

describe('audit change details', () => {
  it('lists only the paths that changed, nested objects flattened', () => {
    expect(
      auditChanges(
        { warmFrom: 35, hotFrom: 65, kindWeights: { call: 15, note: 0 } },
        { warmFrom: 25, hotFrom: 65, kindWeights: { call: 20, note: 0 } },
      ),
    ).toEqual([
      { path: 'warmFrom', before: 35, after: 25 },
      { path: 'kindWeights.call', before: 15, after: 20 },
    ]);
  });

  it('shows a created record by what it has and a removed one by what it had', () => {
    expect(auditChanges(null, { email: 'x@example.com', role: 'manager', note: null })).toEqual([
      { path: 'email', before: undefined, after: 'x@example.com' },
      { path: 'role', before: undefined, after: 'manager' },
    ]);
    expect(auditChanges({ role: 'viewer' }, null)).toEqual([
      { path: 'role', before: 'viewer', after: undefined },
    ]);
    expect(auditChanges({ a: 1 }, { a: 1 })).toEqual([]);
  });

  it.each([
    [null, '—'],
    ['', '—'],
    [true, 'да'],
    [false, 'нет'],
    [42, '42'],
    [['vip', 'b2b'], 'vip, b2b'],
    [[], '—'],
    [[{ number: '+7' }], '[{"number":"+7"}]'],
    ['x'.repeat(400), `${'x'.repeat(299)}…`],
  ])('writes %j as %j', (value, expected) => {
    expect(auditValueText(value, words)).toBe(expected);
  });
});

describe('audit log tab', () => {
  it('lists who did what and when, and shows a change as text, never as markup', async () => {
    const user = userEvent.setup();
    api.auditList.mockResolvedValue({
      items: [
        row(7, { before: { name: 'Old' }, after: { name: '<img src=x onerror=alert(1)>' } }),
        row(6, {
          actorKind: 'system',
          actorId: null,
          action: 'mystery.thing',
          entity: 'batch',
          before: null,
          after: null,
        }),
        row(5, {
          actorKind: 'operator',
          actorId: null,
          actorName: 'Мария Петрова',
          action: 'clients.export',
        }),
      ],
      nextCursor: null,
    });
    renderSettings('/settings/audit');
    const rows = await screen.findAllByTestId('audit-row');
    expect(within(rows[0] as HTMLElement).getByText('Анна')).toBeTruthy();
    expect(within(rows[0] as HTMLElement).getByText('Клиент изменён')).toBeTruthy();
    expect(within(rows[1] as HTMLElement).getByText('Система')).toBeTruthy();
    // an action the screen has no words for is shown as it is
    expect(within(rows[1] as HTMLElement).getByText('mystery.thing')).toBeTruthy();
    // an export from the server's command line names the operator, who has no account
    expect(
      within(rows[2] as HTMLElement).getByText('Оператор Мария Петрова (командная строка)'),
    ).toBeTruthy();

    await user.click(within(rows[0] as HTMLElement).getByRole('button', { name: 'Показать' }));
    const changes = screen.getByRole('table', { name: 'Изменённые значения' });
    expect(within(changes).getByText('<img src=x onerror=alert(1)>')).toBeTruthy();
    expect(changes.querySelector('img')).toBeNull();
    expect(screen.getByRole('button', { name: 'Скрыть' }).getAttribute('aria-expanded')).toBe('true');
  });

  it('pages by keyset cursor with "show more" and filters by entity', async () => {
    const user = userEvent.setup();
    api.auditList.mockImplementation(async (input: { cursor: number | null; entity?: string }) => {
      if (input.entity === 'member')
        return { items: [row(3, { entity: 'member', action: 'member.invite' })], nextCursor: null };
      return input.cursor === null
        ? { items: [row(10), row(9)], nextCursor: 9 }
        : { items: [row(8)], nextCursor: null };
    });
    renderSettings('/settings/audit');
    expect(await screen.findAllByTestId('audit-row')).toHaveLength(2);
    expect(api.auditList).toHaveBeenLastCalledWith({ cursor: null, limit: 50 });

    await user.click(screen.getByRole('button', { name: 'Показать ещё' }));
    await waitFor(() => expect(screen.getAllByTestId('audit-row')).toHaveLength(3));
    expect(api.auditList).toHaveBeenLastCalledWith({ cursor: 9, limit: 50 });
    expect(screen.queryByRole('button', { name: 'Показать ещё' })).toBeNull();
    expect(screen.getByText('Это все записи.')).toBeTruthy();

    await user.selectOptions(screen.getByLabelText('Тип записи'), 'member');
    await waitFor(() => expect(screen.getAllByTestId('audit-row')).toHaveLength(1));
    expect(api.auditList).toHaveBeenLastCalledWith({ entity: 'member', cursor: null, limit: 50 });
    expect(screen.getByText('Приглашён участник')).toBeTruthy();
  });

  it('shows the empty state, and for non-admins an "only admins" state without asking the API', async () => {
    api.auditList.mockResolvedValue({ items: [], nextCursor: null });
    const { unmount } = renderSettings('/settings/audit');
    expect(await screen.findByText('В журнале пока нет записей')).toBeTruthy();
    unmount();
    api.auditList.mockClear();

    renderSettings('/settings/audit', 'manager');
    expect(screen.getByText('Этот раздел доступен только администраторам')).toBeTruthy();
    expect(api.auditList).not.toHaveBeenCalled();
  });

  it('marks the open tab with aria-current', async () => {
    api.auditList.mockResolvedValue({ items: [], nextCursor: null });
    renderSettings('/settings/audit');
    const nav = screen.getByRole('navigation', { name: 'Разделы настроек' });
    const current = within(nav)
      .getAllByRole('link')
      .filter((a) => a.getAttribute('aria-current') === 'page');
    expect(current.map((a) => a.textContent)).toEqual(['Журнал действий']);
    expect(screen.getByRole('heading', { level: 1, name: 'Настройки' })).toBeTruthy();
    expect(screen.getByRole('heading', { level: 2, name: 'Журнал действий' })).toBeTruthy();
  });
});
