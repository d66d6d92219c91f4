import type { Role } from '@cb/domain/ui';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { configure, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactNode } from 'react';
import { createMemoryRouter, Link, RouterProvider, useLocation } from 'react-router';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type Me, SessionProvider } from '../../app/session.tsx';
import { renderWithProviders } from '../../testing/render.tsx';
import type { ClientRow } from './client-table.tsx';
import ClientsScreen, { SEARCH_DEBOUNCE_MS } from './index.tsx';

// The whole screen in jsdom is slow to query by role; give async queries room on a busy machine.
configure({ asyncUtilTimeout: 4000 });

const api = vi.hoisted(() => ({
  list: vi.fn(),
  search: vi.fn(),
  bulk: vi.fn(),
  members: vi.fn(),
  segments: vi.fn(),
  views: vi.fn(),
  saveView: vi.fn(),
  removeView: vi.fn(),
  createList: vi.fn(),
}));

vi.mock('../../api/trpc.ts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../api/trpc.ts')>()),
  trpc: {
    clients: {
      list: { query: api.list },
      search: { query: api.search },
      bulk: { mutate: api.bulk },
    },
    members: { list: { query: api.members } },
    segments: { list: { query: api.segments } },
    views: { list: { query: api.views }, save: { mutate: api.saveView }, remove: { mutate: api.removeView } },
    lists: { create: { mutate: api.createList } },
  },
}));

const OWNER = '11111111-1111-4111-8111-111111111111';
const LIST = '22222222-2222-4222-8222-222222222222';

function client(i: number, name = `Клиент ${i}`): ClientRow {
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    kind: 'person',
    displayName: name,
    city: null,
    stage: 'prospect',
    temperatureLevel: null,
    temperatureScore: null,
    tags: [],
    ownerId: null,
    sourceChannel: 'import',
    sourceBatchId: null,
    externalId: null,
    phone: null,
    phoneDisplay: null,
    email: null,
    createdAt: '2026-03-01T10:00:00.000Z',
    updatedAt: '2026-03-01T10:00:00.000Z',
  };
}

let location = '';
function LocationProbe() {
  location = useLocation().search;
  return null;
}

function renderScreen(role: Role, route = '/clients') {
  const me = { user: { id: OWNER, name: 'Ольга', email: 'olga@example.ru' }, role } as unknown as Me;
  return renderWithProviders(
    <SessionProvider value={me}>
      <ClientsScreen />
      <LocationProbe />
    </SessionProvider>,
    { route },
  );
}

beforeEach(() => {
  vi.clearAllMocks();
  localStorage.clear();
  api.list.mockImplementation(async () => ({ items: [client(1), client(2), client(3)], nextCursor: null }));
  api.search.mockImplementation(async ({ q }: { q: string }) => ({
    items: q === '+79161234567' ? [client(9, 'Фёдоров Алексей')] : [],
  }));
  api.members.mockResolvedValue({
    items: [{ userId: OWNER, name: 'Ольга Демидова', email: 'olga@example.ru' }],
  });
  api.segments.mockResolvedValue({
    items: [
      { id: LIST, name: 'Обзвон', kind: 'static', memberCount: 0 },
      { id: '33333333-3333-4333-8333-333333333333', name: 'Горячие', kind: 'rule', memberCount: 5 },
    ],
  });
  api.views.mockResolvedValue({ items: [] });
  api.bulk.mockImplementation(async ({ ids }: { ids: string[] }) => ({ affected: ids.length }));
});

describe('Clients screen', () => {
  it('lists clients, and a link carries its filter and sort to the API', async () => {
    renderScreen('manager', '/clients?temperature=hot&owner=none&sort=displayName.asc');
    expect(await screen.findAllByTestId('client-row')).toHaveLength(3);
    expect(api.list).toHaveBeenCalledWith({
      filter: { temperature: ['hot'], ownerId: null },
      sort: { field: 'displayName', direction: 'asc' },
      limit: 100,
      cursor: null,
    });
    expect(screen.getByRole('button', { name: 'Фильтры (2)' }).getAttribute('aria-expanded')).toBe('true');
    expect(screen.getByTestId('new-client').getAttribute('href')).toBe('/clients/new');
  });

  it('searches once typing pauses, shows results in the table, and clearing returns to the list', async () => {
    const user = userEvent.setup();
    renderScreen('manager');
    await screen.findAllByTestId('client-row');
    await user.type(screen.getByTestId('client-search'), '+79161234567');
    expect(await screen.findByRole('link', { name: 'Фёдоров Алексей' })).toBeTruthy();
    expect(api.search).toHaveBeenCalledTimes(1);
    expect(api.search).toHaveBeenCalledWith({ q: '+79161234567', limit: 100 });
    expect(location).toBe('?q=%2B79161234567');
    // Search results are ranked: no sort buttons.
    expect(screen.queryByRole('button', { name: /Имя/ })).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Очистить поиск' }));
    expect(await screen.findByRole('link', { name: 'Клиент 1' })).toBeTruthy();
    expect(location).toBe('');
  });

  it('drops a search still waiting for typing to pause when the person goes to another screen', async () => {
    // The app's own kind of router: a screen's code is loaded before the router leaves this page.
    let loaded: (screen: { Component: () => ReactNode }) => void = () => undefined;
    const me = {
      user: { id: OWNER, name: 'Ольга', email: 'olga@example.ru' },
      role: 'manager',
    } as unknown as Me;
    const router = createMemoryRouter(
      [
        {
          path: '/clients',
          element: (
            <SessionProvider value={me}>
              <Link to="/duplicates">Дубликаты</Link>
              <ClientsScreen />
            </SessionProvider>
          ),
        },
        { path: '/duplicates', lazy: () => new Promise((resolve) => (loaded = resolve)) },
      ],
      { initialEntries: ['/clients'] },
    );
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>,
    );
    const user = userEvent.setup();
    await screen.findAllByTestId('client-row');
    await user.type(screen.getByTestId('client-search'), 'Фёд');
    // Away before the pause is over; the next screen's code comes in after it.
    await user.click(screen.getByRole('link', { name: 'Дубликаты' }));
    await new Promise((resolve) => setTimeout(resolve, SEARCH_DEBOUNCE_MS * 3));
    expect(router.state.navigation.state).toBe('loading');
    loaded({ Component: () => <p>экран дубликатов</p> });
    expect(await screen.findByText('экран дубликатов')).toBeTruthy();
    expect(router.state.location.pathname).toBe('/duplicates');
    expect(api.search).not.toHaveBeenCalled();
  });

  it('says nothing was found for a search without hits', async () => {
    renderScreen('manager', '/clients?q=zzz');
    expect(await screen.findByText('По запросу «zzz» ничего не найдено')).toBeTruthy();
  });

  it('an empty base offers the first client; an empty filter offers a reset', async () => {
    api.list.mockResolvedValue({ items: [], nextCursor: null });
    const first = renderScreen('manager');
    expect(await screen.findByText('В базе пока нет клиентов')).toBeTruthy();
    first.unmount();
    renderScreen('manager', '/clients?stage=lapsed');
    expect(await screen.findByText('Нет клиентов, подходящих под фильтры')).toBeTruthy();
    await userEvent.click(screen.getAllByRole('button', { name: 'Сбросить фильтры' }).at(-1)!);
    await waitFor(() => expect(location).toBe(''));
  });

  it('applies a bulk action to the selected clients and says how many changed', async () => {
    const user = userEvent.setup();
    renderScreen('manager');
    await screen.findAllByTestId('client-row');
    await user.click(screen.getByRole('checkbox', { name: 'Выбрать клиента Клиент 1' }));
    await user.click(screen.getByRole('checkbox', { name: 'Выбрать клиента Клиент 3' }));
    const bar = screen.getByTestId('bulk-actions');
    expect(within(bar).getByRole('heading').textContent).toBe('Выбрано 2 клиента');
    await user.selectOptions(within(bar).getByLabelText('Действие'), 'addTag');
    await user.type(within(bar).getByLabelText('Тег'), 'vip');
    await user.click(within(bar).getByRole('button', { name: 'Применить' }));
    await waitFor(() => expect(within(bar).getByRole('status').textContent).toBe('Изменено 2 клиента'));
    expect(api.bulk).toHaveBeenCalledWith({
      ids: [client(1).id, client(3).id],
      action: { type: 'addTag', tag: 'vip' },
    });
    // The list is read again, and the selection is gone.
    await waitFor(() => expect(api.list).toHaveBeenCalledTimes(2));
    expect(screen.getByRole('checkbox', { name: 'Выбрать клиента Клиент 1' })).toHaveProperty(
      'checked',
      false,
    );
  });

  it('adds the selection to a static list only (rule segments are not offered)', async () => {
    const user = userEvent.setup();
    renderScreen('manager');
    await screen.findAllByTestId('client-row');
    await user.click(screen.getByRole('checkbox', { name: 'Выбрать всех загруженных клиентов (3)' }));
    const bar = screen.getByTestId('bulk-actions');
    await user.selectOptions(within(bar).getByLabelText('Действие'), 'addToList');
    const list = within(bar).getByLabelText('Список');
    expect(within(list).queryByRole('option', { name: 'Горячие' })).toBeNull();
    await user.selectOptions(list, 'Обзвон');
    await user.click(within(bar).getByRole('button', { name: 'Применить' }));
    await waitFor(() =>
      expect(api.bulk).toHaveBeenCalledWith({
        ids: [client(1).id, client(2).id, client(3).id],
        action: { type: 'addToList', listId: LIST },
      }),
    );
  });

  it('hides every write control from a viewer', async () => {
    renderScreen('viewer');
    await screen.findAllByTestId('client-row');
    expect(screen.queryByTestId('new-client')).toBeNull();
    expect(screen.queryByTestId('bulk-actions')).toBeNull();
    expect(screen.queryByRole('checkbox', { name: /Выбрать/ })).toBeNull();
  });

  it('applies a saved view, and saves the current one under a name', async () => {
    const user = userEvent.setup();
    api.views.mockResolvedValue({
      items: [
        {
          id: '44444444-4444-4444-8444-444444444444',
          name: 'Горячие без владельца',
          state: {
            filter: { temperature: ['hot'], ownerId: null },
            sort: { field: 'temperatureScore', direction: 'desc' },
            columns: ['name', 'temperature'],
          },
          shared: false,
          mine: true,
          ownerName: 'Ольга',
        },
      ],
    });
    api.saveView.mockResolvedValue({});
    renderScreen('manager');
    await screen.findAllByTestId('client-row');
    const views = screen.getByTestId('saved-views');
    await waitFor(() =>
      expect(within(views).getByRole('option', { name: 'Горячие без владельца' })).toBeTruthy(),
    );
    await user.selectOptions(within(views).getByLabelText('Вид'), 'Горячие без владельца');
    await waitFor(() =>
      expect(api.list).toHaveBeenLastCalledWith({
        filter: { temperature: ['hot'], ownerId: null },
        sort: { field: 'temperatureScore', direction: 'desc' },
        limit: 100,
        cursor: null,
      }),
    );
    expect(within(views).getByLabelText('Вид')).toHaveProperty(
      'value',
      '44444444-4444-4444-8444-444444444444',
    );
    // The view's columns: the checkbox column, then name and temperature (sorted by it).
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent)).toEqual([
      '',
      'Имя↕',
      'Температура▼',
    ]);

    await user.click(screen.getByLabelText('Показывать архивных'));
    await waitFor(() => expect(within(views).getByLabelText('Вид')).toHaveProperty('value', ''));
    await user.click(within(views).getByRole('button', { name: 'Сохранить вид' }));
    const dialog = await screen.findByRole('dialog', { name: 'Сохранить текущий вид' });
    await user.type(within(dialog).getByLabelText('Название'), 'С архивом');
    await user.click(within(dialog).getByRole('button', { name: 'Сохранить' }));
    await waitFor(() =>
      expect(api.saveView).toHaveBeenCalledWith({
        name: 'С архивом',
        shared: false,
        state: {
          filter: { temperature: ['hot'], ownerId: null, includeArchived: true },
          sort: { field: 'temperatureScore', direction: 'desc' },
          columns: ['name', 'temperature'],
        },
      }),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });
});
