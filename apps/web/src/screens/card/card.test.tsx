import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { apiError, CLIENT_ID, cardFixture, OTHER_ID, renderAt, USER_ID } from './fake-api.tsx';
import ClientCardScreen from './index.tsx';

const api = vi.hoisted(() => ({
  clients: {
    get: { query: vi.fn() },
    timeline: { query: vi.fn() },
    update: { mutate: vi.fn() },
    archive: { mutate: vi.fn() },
    search: { query: vi.fn() },
  },
  members: { list: { query: vi.fn() } },
  fields: { list: { query: vi.fn() } },
  workspace: { getSettings: { query: vi.fn() } },
  purchases: { add: { mutate: vi.fn() } },
  payments: { add: { mutate: vi.fn() } },
  interactions: { add: { mutate: vi.fn() } },
  tasks: { add: { mutate: vi.fn() }, complete: { mutate: vi.fn() } },
  consents: { set: { mutate: vi.fn() } },
}));

vi.mock('../../api/trpc.ts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../api/trpc.ts')>()),
  trpc: api,
}));

// A card is a big page for jsdom: role queries on it can take longer than the default second.
configure({ asyncUtilTimeout: 5000 });

const XSS = '<img src=x onerror=alert(1)>';

function renderCard(role: 'manager' | 'viewer' = 'manager') {
  return renderAt(<ClientCardScreen />, { route: `/clients/${CLIENT_ID}`, path: '/clients/:id', role });
}

beforeEach(() => {
  vi.clearAllMocks();
  api.clients.get.query.mockResolvedValue(cardFixture());
  api.clients.timeline.query.mockResolvedValue({ items: [], nextCursor: null });
  api.members.list.query.mockResolvedValue({
    items: [
      { userId: USER_ID, email: 'olga@example.com', name: 'Ольга', role: 'owner', since: '2026-01-01' },
    ],
  });
  api.fields.list.query.mockResolvedValue({ items: [] });
  api.workspace.getSettings.query.mockResolvedValue({
    id: 'w1',
    name: 'Демо',
    settings: { defaultRegion: 'RU' },
  });
});

describe('client card', () => {
  it('renders names and notes as text: markup in data stays literal', async () => {
    api.clients.get.query.mockResolvedValue(
      cardFixture({
        displayName: XSS,
        lastName: XSS,
        city: '<script>alert(2)</script>',
        tags: ['<b>vip</b>'],
      }),
    );
    api.clients.timeline.query.mockResolvedValue({
      items: [
        {
          type: 'interaction',
          id: 'i1',
          at: '2026-03-01T10:00:00.000Z',
          kind: 'note',
          direction: 'outbound',
          summary: '<img src=y onerror=alert(3)>',
        },
      ],
      nextCursor: null,
    });
    const { container } = renderCard();
    expect(await screen.findByRole('heading', { level: 1, name: XSS })).toBeTruthy();
    expect(screen.getAllByText(XSS).length).toBeGreaterThanOrEqual(2);
    expect(screen.getByText('<script>alert(2)</script>')).toBeTruthy();
    expect(screen.getByText('<b>vip</b>')).toBeTruthy();
    expect(await screen.findByText('<img src=y onerror=alert(3)>')).toBeTruthy();
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('b')).toBeNull();
  });

  it('shows the temperature with its reasons in the reader’s language, and the card’s parts', async () => {
    renderCard();
    const panel = await screen.findByTestId('temperature');
    expect(within(panel).getByText(/Холодная/)).toBeTruthy();
    expect(
      within(screen.getByTestId('temperature-reasons')).getByText('Источник «Рекомендация»: +20'),
    ).toBeTruthy();
    expect(screen.getByRole('link', { name: '8 (916) 123-45-67' }).getAttribute('href')).toBe(
      'tel:+79161234567',
    );
    expect(screen.getByRole('link', { name: 'ivan@example.com' }).getAttribute('href')).toBe(
      'mailto:ivan@example.com',
    );
    expect(screen.getByRole('link', { name: 'Петров Пётр' }).getAttribute('href')).toBe(
      `/clients/${OTHER_ID}`,
    );
    expect(screen.getByRole('link', { name: 'Новые' }).getAttribute('href')).toBe('/segments/seg-1');
    expect(screen.getByText('Нет согласия на маркетинговые письма')).toBeTruthy();
    expect(await screen.findByText('Пока ничего не произошло.')).toBeTruthy();
  });

  it('lists every batch that touched the client: the one it came from and the one that updated it', async () => {
    const bought = { id: 'b-1', name: 'База застройщика', vendor: 'ООО Лиды' };
    api.clients.get.query.mockResolvedValue(
      cardFixture({
        source: {
          channel: 'purchased_list',
          batchId: bought.id,
          batch: bought,
          referrer: null,
          batches: {
            total: 2,
            items: [
              {
                id: 'b-2',
                kind: 'other_system',
                name: 'Перенос из amoCRM',
                vendor: null,
                cost: null,
                action: 'updated',
                at: '2026-03-10T10:00:00.000Z',
              },
              {
                ...bought,
                kind: 'purchased_list',
                cost: { kopecks: 1_250_000, currency: 'RUB' },
                action: 'created',
                at: '2026-01-15T10:00:00.000Z',
              },
            ],
          },
        },
      } as never),
    );
    renderCard();
    const list = await screen.findByTestId('source-batches');
    const lines = within(list)
      .getAllByRole('listitem')
      .map((li) => li.textContent?.replace(/\s/g, ' '));
    expect(lines).toEqual([
      'Обновлён партией «Перенос из amoCRM» · Другая система · 10 мар. 2026 г.',
      'Создан из партии «База застройщика» · Купленная база · ООО Лиды · 12 500,00 ₽ · 15 янв. 2026 г.',
    ]);
    // The creating batch is a line of the list, not a second "Партия" term.
    expect(screen.queryByText('Партия')).toBeNull();
  });

  it('hides every write control from a viewer', async () => {
    renderCard('viewer');
    await screen.findByTestId('temperature');
    expect(screen.queryByTestId('edit-profile')).toBeNull();
    expect(screen.queryByTestId('add-purchase')).toBeNull();
    expect(screen.queryByRole('button', { name: 'В архив' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Записать' })).toBeNull();
  });

  it('says so when the client does not exist', async () => {
    api.clients.get.query.mockRejectedValue(apiError('No such client', { code: 'NOT_FOUND' }));
    renderCard();
    expect(await screen.findByRole('heading', { level: 1, name: 'Клиент не найден' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'К списку клиентов' })).toBeTruthy();
  });

  it('shows a load failure with a retry', async () => {
    api.clients.get.query.mockRejectedValueOnce(
      apiError('Internal server error', { code: 'INTERNAL_SERVER_ERROR' }),
    );
    renderCard();
    await userEvent.click(await screen.findByRole('button', { name: 'Повторить' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Иванов Иван' })).toBeTruthy();
  });

  it('edits the profile inline: sends kind and version, and closes the editor after saving', async () => {
    const user = userEvent.setup();
    api.clients.update.mutate.mockResolvedValue({});
    renderCard();
    await user.click(await screen.findByTestId('edit-profile'));
    const city = screen.getByLabelText('Город');
    await user.clear(city);
    await user.type(city, 'Казань');
    await user.click(screen.getByTestId('save-profile'));
    await waitFor(() => expect(api.clients.update.mutate).toHaveBeenCalledTimes(1));
    expect(api.clients.update.mutate.mock.calls[0]?.[0]).toMatchObject({
      kind: 'person',
      id: CLIENT_ID,
      expectedVersion: 3,
      city: 'Казань',
      phones: [{ number: '8 (916) 123-45-67', type: 'mobile', verifiedAt: '2026-01-10T09:00:00.000Z' }],
    });
    expect(await screen.findByTestId('edit-profile')).toBeTruthy();
    expect(api.clients.get.query.mock.calls.length).toBeGreaterThanOrEqual(2);
  });

  it('puts server validation issues next to their fields', async () => {
    const user = userEvent.setup();
    api.clients.update.mutate.mockRejectedValue(
      apiError('phones.0.number: Not a valid phone number', {
        code: 'BAD_REQUEST',
        issues: [
          { field: 'phones.0.number', code: 'phone_invalid', message: 'Not a valid phone number: 1' },
          { field: 'lastName', code: 'too_small', message: 'Too small' },
        ],
      }),
    );
    renderCard();
    await user.click(await screen.findByTestId('edit-profile'));
    await user.click(screen.getByTestId('save-profile'));
    const phone = await screen.findByLabelText('Телефон 1');
    await waitFor(() => expect(phone.getAttribute('aria-invalid')).toBe('true'));
    const phoneError = document.getElementById(phone.getAttribute('aria-describedby')?.split(' ')[0] ?? '');
    expect(phoneError?.textContent).toBe('Это не похоже на действующий номер телефона');
    const lastName = screen.getByLabelText(/Фамилия/);
    expect(lastName.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('alert').textContent).toContain('исправьте отмеченные поля');
  });

  it('offers a reload when someone else saved the client meanwhile', async () => {
    const user = userEvent.setup();
    api.clients.update.mutate.mockRejectedValue(
      apiError('The client was changed by someone else', {
        code: 'CONFLICT',
        conflict: { field: 'expectedVersion', other: null },
      }),
    );
    renderCard();
    await user.click(await screen.findByTestId('edit-profile'));
    await user.click(screen.getByTestId('save-profile'));
    expect(await screen.findByText(/Карточку изменили/)).toBeTruthy();
    api.clients.get.query.mockResolvedValue(cardFixture({ version: 4, city: 'Самара' }));
    api.clients.update.mutate.mockResolvedValue({});
    await user.click(screen.getByRole('button', { name: 'Загрузить заново' }));
    await waitFor(() => expect((screen.getByLabelText('Город') as HTMLInputElement).value).toBe('Самара'));
    await user.click(screen.getByTestId('save-profile'));
    await waitFor(() =>
      expect(api.clients.update.mutate).toHaveBeenLastCalledWith(
        expect.objectContaining({ expectedVersion: 4 }),
      ),
    );
  });

  it('adds a purchase in roubles and refetches the card so the temperature follows', async () => {
    const user = userEvent.setup();
    api.purchases.add.mutate.mockResolvedValue({ id: 'p1' });
    renderCard();
    const form = await screen.findByTestId('add-purchase');
    api.clients.get.query.mockResolvedValue(
      cardFixture({
        temperature: {
          ...cardFixture().temperature!,
          level: 'warm',
          score: 55,
          reasons: [
            {
              signal: 'last_purchase',
              points: 35,
              detail: {},
              text: { ru: 'Последняя покупка сегодня: +35', en: 'Last purchase today: +35' },
            },
          ],
        },
      }),
    );
    await user.type(within(form).getByLabelText('Сумма, ₽'), '1234.50');
    await user.click(within(form).getByRole('button', { name: 'Добавить' }));
    await waitFor(() => expect(api.purchases.add.mutate).toHaveBeenCalledTimes(1));
    const input = api.purchases.add.mutate.mock.calls[0]?.[0];
    expect(input).toMatchObject({ clientId: CLIENT_ID, amount: '1234.50' });
    expect(input.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(await screen.findByText('Последняя покупка сегодня: +35')).toBeTruthy();
    expect(within(screen.getByTestId('temperature')).getByText(/Тёплая/)).toBeTruthy();
  });

  it('shows a refused amount next to the amount field', async () => {
    const user = userEvent.setup();
    api.purchases.add.mutate.mockRejectedValue(
      apiError('amount: An amount in roubles with at most 2 decimals, e.g. 1234.50', {
        code: 'BAD_REQUEST',
        issues: [
          { field: 'amount', code: 'custom', message: 'An amount in roubles with at most 2 decimals' },
        ],
      }),
    );
    renderCard();
    const form = await screen.findByTestId('add-purchase');
    await user.type(within(form).getByLabelText('Сумма, ₽'), '12.345');
    await user.click(within(form).getByRole('button', { name: 'Добавить' }));
    expect(await within(form).findByText(/Сумма в рублях больше нуля/)).toBeTruthy();
  });

  it('completes an open task from the timeline', async () => {
    const user = userEvent.setup();
    api.clients.timeline.query.mockResolvedValue({
      items: [
        {
          type: 'task',
          id: 't1',
          at: '2026-03-01T10:00:00.000Z',
          title: 'Перезвонить',
          dueAt: null,
          doneAt: null,
        },
        {
          type: 'purchase',
          id: 'p1',
          at: '2026-02-01T10:00:00.000Z',
          amountKopecks: 123450,
          currency: 'RUB',
          note: null,
        },
      ],
      nextCursor: null,
    });
    api.tasks.complete.mutate.mockResolvedValue({});
    renderCard();
    await user.click(await screen.findByRole('button', { name: 'Выполнено: Перезвонить' }));
    await waitFor(() => expect(api.tasks.complete.mutate).toHaveBeenCalledWith({ id: 't1' }));
    expect(screen.getByText(/Покупка: 1\s234,50\s₽/)).toBeTruthy();
  });

  it('archives the client', async () => {
    const user = userEvent.setup();
    api.clients.archive.mutate.mockResolvedValue({});
    renderCard();
    await user.click(await screen.findByRole('button', { name: 'В архив' }));
    await waitFor(() =>
      expect(api.clients.archive.mutate).toHaveBeenCalledWith({ id: CLIENT_ID, archived: true }),
    );
  });
});
