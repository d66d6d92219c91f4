import type { Role } from '@cb/domain';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { TRPCClientError } from '@trpc/client';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type Me, SessionProvider } from '../../app/session.tsx';
import { renderWithProviders } from '../../testing/render.tsx';
import { assignableRoles, MembersTab } from './members.tsx';
import { TokensTab } from './tokens.tsx';

const api = vi.hoisted(() => ({
  list: vi.fn(),
  invite: vi.fn(),
  setRole: vi.fn(),
  remove: vi.fn(),
  tokens: vi.fn(),
  createToken: vi.fn(),
  revokeToken: vi.fn(),
}));

vi.mock('../../api/trpc.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../api/trpc.ts')>();
  return {
    ...actual,
    trpc: {
      members: {
        list: { query: api.list },
        invite: { mutate: api.invite },
        setRole: { mutate: api.setRole },
        remove: { mutate: api.remove },
      },
      auth: {
        listApiTokens: { query: api.tokens },
        createApiToken: { mutate: api.createToken },
        revokeApiToken: { mutate: api.revokeToken },
      },
    },
  };
});

const OWNER = '00000000-0000-4000-8000-000000000001';
const ADMIN = '00000000-0000-4000-8000-000000000002';
const MANAGER = '00000000-0000-4000-8000-000000000003';

function renderAs(ui: React.ReactNode, role: Role, userId: string) {
  const me = {
    user: { id: userId, email: 'me@example.com', name: 'Я' },
    workspace: { id: '00000000-0000-4000-8000-00000000000a', name: 'Ромашка' },
    role,
    memberships: [],
    via: 'session',
  } as unknown as Me;
  return renderWithProviders(<SessionProvider value={me}>{ui}</SessionProvider>);
}

const wireError = (code: string, message: string, extra: Record<string, unknown> = {}) =>
  TRPCClientError.from({ error: { code: -32600, message, data: { code, httpStatus: 409, ...extra } } });

beforeEach(() => {
  vi.clearAllMocks();
  api.list.mockResolvedValue({
    items: [
      {
        userId: OWNER,
        email: 'owner@example.com',
        name: 'Ольга',
        role: 'owner',
        since: '2026-01-01T00:00:00Z',
      },
      {
        userId: ADMIN,
        email: 'admin@example.com',
        name: 'Алексей',
        role: 'admin',
        since: '2026-01-02T00:00:00Z',
      },
      {
        userId: MANAGER,
        email: 'm@example.com',
        name: '<b>Игорь</b>',
        role: 'manager',
        since: '2026-01-03T00:00:00Z',
      },
    ],
  });
});

const rowOf = async (text: string) =>
  (await screen.findAllByTestId('member-row')).find((r) => r.textContent?.includes(text)) as HTMLElement;

describe('members & roles', () => {
  it.each([
    ['owner', ['owner', 'admin', 'manager', 'viewer']],
    ['admin', ['admin', 'manager', 'viewer']],
    ['manager', []],
    [null, []],
  ] as const)('lets a %s hand out %j', (role, expected) => {
    expect(assignableRoles(role)).toEqual(expected);
  });

  it('for an admin: owners are read-only, others get a role select without "owner"', async () => {
    renderAs(<MembersTab />, 'admin', ADMIN);
    const owner = await rowOf('owner@example.com');
    expect(within(owner).queryByRole('combobox')).toBeNull();
    expect(within(owner).getByText('Владелец')).toBeTruthy();
    const manager = await rowOf('m@example.com');
    // names are data, shown as text
    expect(within(manager).getByText('<b>Игорь</b>')).toBeTruthy();
    const select = within(manager).getByRole('combobox', { name: 'Роль: <b>Игорь</b>' });
    expect(
      within(select)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['Администратор', 'Менеджер', 'Наблюдатель']);
    expect(within(await rowOf('admin@example.com')).getByText('(вы)')).toBeTruthy();
  });

  it('changes a role, and shows the server refusing to demote the last owner in words', async () => {
    const user = userEvent.setup();
    api.setRole.mockRejectedValueOnce(
      wireError('CONFLICT', 'The last owner of a workspace cannot be demoted or removed', {
        conflict: { field: 'role', other: null },
      }),
    );
    renderAs(<MembersTab />, 'owner', OWNER);
    const owner = await rowOf('owner@example.com');
    await user.selectOptions(within(owner).getByRole('combobox'), 'admin');
    expect(api.setRole).toHaveBeenCalledWith({ userId: OWNER, role: 'admin' });
    expect((await within(owner).findByRole('alert')).textContent).toMatch(/последнего владельца/);
    // the select still shows what the server holds
    expect((within(owner).getByRole('combobox') as HTMLSelectElement).value).toBe('owner');

    api.setRole.mockResolvedValueOnce({ userId: MANAGER, role: 'viewer' });
    const manager = await rowOf('m@example.com');
    await user.selectOptions(within(manager).getByRole('combobox'), 'viewer');
    expect(api.setRole).toHaveBeenLastCalledWith({ userId: MANAGER, role: 'viewer' });
    await waitFor(() => expect(api.list).toHaveBeenCalledTimes(2));
  });

  it('removes a member only after confirmation', async () => {
    const user = userEvent.setup();
    api.remove.mockResolvedValue({ userId: MANAGER, role: null });
    renderAs(<MembersTab />, 'owner', OWNER);
    await user.click(await screen.findByRole('button', { name: 'Удалить <b>Игорь</b>' }));
    const dialog = screen.getByRole('dialog', { name: 'Удалить участника' });
    expect(dialog.textContent).toContain('m@example.com');
    expect(api.remove).not.toHaveBeenCalled();
    await user.click(within(dialog).getByRole('button', { name: 'Удалить' }));
    expect(api.remove).toHaveBeenCalledWith({ userId: MANAGER });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('invites a member and shows the link to copy; an existing member is named at the e-mail field', async () => {
    const user = userEvent.setup();
    api.invite.mockResolvedValueOnce({
      userId: 'u',
      email: 'new@example.com',
      role: 'viewer',
      invite: {
        token: 't',
        url: 'https://crm.example.com/invite#token=t',
        expiresAt: '2026-12-01T10:00:00.000Z',
      },
    });
    renderAs(<MembersTab />, 'admin', ADMIN);
    const form = await screen.findByRole('form', { name: 'Пригласить участника' });
    await user.type(within(form).getByLabelText('Эл. почта'), 'new@example.com');
    await user.selectOptions(within(form).getByLabelText('Роль'), 'viewer');
    await user.click(within(form).getByRole('button', { name: 'Пригласить' }));
    expect(api.invite).toHaveBeenCalledWith({ email: 'new@example.com', role: 'viewer' });
    const link = await screen.findByTestId('invite-link');
    expect((link as HTMLInputElement).value).toBe('https://crm.example.com/invite#token=t');
    expect(screen.getByLabelText('Ссылка-приглашение')).toBe(link);

    api.invite.mockRejectedValueOnce(
      wireError('CONFLICT', 'm@example.com is already a member of this workspace', {
        conflict: { field: 'email', other: null },
      }),
    );
    const email = within(form).getByLabelText('Эл. почта');
    await user.type(email, 'm@example.com');
    await user.click(within(form).getByRole('button', { name: 'Пригласить' }));
    await waitFor(() => expect(email.getAttribute('aria-invalid')).toBe('true'));
    expect(within(form).getByText('Этот человек уже участник рабочего пространства.')).toBeTruthy();
  });

  it('shows a viewer the list without any controls', async () => {
    renderAs(<MembersTab />, 'viewer', MANAGER);
    await rowOf('m@example.com');
    expect(screen.queryAllByRole('combobox')).toHaveLength(0);
    expect(screen.queryByRole('form', { name: 'Пригласить участника' })).toBeNull();
    expect(screen.getByText('Приглашать участников и менять роли могут только администраторы.')).toBeTruthy();
  });
});

describe('API tokens', () => {
  it('shows a new token once with a warning, and revokes after confirmation', async () => {
    const user = userEvent.setup();
    api.tokens.mockResolvedValue({ items: [] });
    api.createToken.mockResolvedValue({
      id: '00000000-0000-4000-8000-0000000000f1',
      name: 'Сайт',
      createdAt: '2026-11-20T10:00:00.000Z',
      token: 'cb_secret_value',
    });
    renderAs(<TokensTab />, 'viewer', MANAGER);
    expect(await screen.findByText('Токенов пока нет')).toBeTruthy();
    // after the create, the list the server returns has the new token
    api.tokens.mockResolvedValue({
      items: [
        {
          id: '00000000-0000-4000-8000-0000000000f1',
          name: 'Сайт',
          createdAt: '2026-11-20T10:00:00.000Z',
          lastUsedAt: null,
          revokedAt: null,
        },
      ],
    });

    await user.type(screen.getByLabelText('Название'), '  Сайт ');
    await user.click(screen.getByRole('button', { name: 'Создать токен' }));
    expect(api.createToken).toHaveBeenCalledWith({ name: 'Сайт' });
    expect(((await screen.findByTestId('token-secret-value')) as HTMLInputElement).value).toBe(
      'cb_secret_value',
    );
    expect(screen.getByText(/больше он показан не будет/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Я сохранил(а) токен' }));
    expect(screen.queryByTestId('token-secret-value')).toBeNull();

    api.revokeToken.mockResolvedValue({ ok: true });
    await user.click(await screen.findByRole('button', { name: 'Отозвать токен «Сайт»' }));
    const dialog = screen.getByRole('dialog', { name: 'Отозвать токен' });
    await user.click(within(dialog).getByRole('button', { name: 'Отозвать' }));
    expect(api.revokeToken).toHaveBeenCalledWith({ id: '00000000-0000-4000-8000-0000000000f1' });
  });
});
