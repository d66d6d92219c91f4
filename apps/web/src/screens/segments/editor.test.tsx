import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { apiError, renderSegments } from './testing.tsx';

const api = await vi.hoisted(async () => (await import('./testing-api.ts')).makeApi());
vi.mock(import('../../api/trpc.ts'), async (importOriginal) => ({
  ...(await importOriginal()),
  trpc: (await import('./testing-api.ts')).trpcOf(api) as never,
}));

const SEGMENT_ID = '5e9d7c1a-1111-4222-8333-444455556666';
const hostile = '<img src=x onerror=alert(1)>';

const segment = (overrides: Record<string, unknown> = {}) => ({
  id: SEGMENT_ID,
  workspaceId: 'w1',
  name: 'Горячие',
  kind: 'rule',
  // As stored: a bare condition at the root, keys in jsonb's order.
  rule: { op: 'in', type: 'condition', field: 'temperature', values: ['hot'] },
  createdAt: '2026-11-01T10:00:00.000Z',
  updatedAt: '2026-11-20T10:00:00.000Z',
  memberCount: 2,
  ...overrides,
});

const memberRow = (id: string, displayName: string) => ({
  id,
  kind: 'person',
  displayName,
  city: 'Казань',
  stage: 'customer',
  temperatureLevel: 'hot',
  temperatureScore: 80,
  tags: [],
  ownerId: null,
  sourceChannel: 'web_form',
  sourceBatchId: null,
  externalId: null,
  phone: null,
  email: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  enteredAt: '2026-11-15T09:00:00.000Z',
});

beforeEach(() => {
  for (const fn of Object.values(api)) fn.mockReset();
  api.preview.mockImplementation(async () => ({
    count: 2000,
    sample: [
      { id: 'c1', displayName: hostile },
      { id: 'c2', displayName: 'Анна Петрова' },
    ],
  }));
  api.membersList.mockResolvedValue({ items: [] });
  api.fieldsList.mockResolvedValue({ items: [] });
  api.get.mockResolvedValue(segment());
  api.members.mockResolvedValue({
    items: [memberRow('m1', 'Борис Иванов'), memberRow('m2', hostile)],
    nextCursor: null,
  });
  api.sizeHistory.mockResolvedValue({
    points: [
      { day: '2026-11-20', size: 0 },
      { day: '2026-11-21', size: 5 },
      { day: '2026-11-22', size: 2 },
    ],
  });
});

const previewedRules = () => api.preview.mock.calls.map(([input]) => input.rule);
const condition = (n: string) => screen.getByRole('group', { name: `Условие ${n}` });

describe('new segment', () => {
  it('shows the live count and a sample for the rule as it stands', async () => {
    renderSegments('/segments/new');
    const count = await screen.findByTestId('live-count');
    expect(count.textContent).toBe('Подходит 2000 клиентов');
    expect(count.dataset.count).toBe('2000');
    expect(api.preview).toHaveBeenCalledWith({ rule: { type: 'and', rules: [] }, sampleSize: 10 });
    // Names are data: shown literally, linked to the client's card.
    expect(screen.getByRole('link', { name: hostile }).getAttribute('href')).toBe('/clients/c1');
    expect(screen.getByText('и ещё 1998')).toBeTruthy();
  });

  it('asks for a count only for a valid rule, once it has settled (debounced)', async () => {
    const user = userEvent.setup();
    renderSegments('/segments/new');
    await screen.findByTestId('live-count');
    api.preview.mockClear();
    await user.click(screen.getByRole('button', { name: '+ Добавить условие в Правило' }));
    // No stage picked yet: the domain refuses the rule, so nothing is asked and the reason shows.
    expect(
      await screen.findByText('Исправьте правило, чтобы увидеть, сколько клиентов подходит.'),
    ).toBeTruthy();
    await user.selectOptions(within(condition('1')).getByLabelText('Поле'), 'purchaseCount');
    const value = within(condition('1')).getByLabelText('Значение');
    await user.clear(value);
    api.preview.mockResolvedValue({ count: 7, sample: [] });
    await user.type(value, '125');
    await waitFor(() => expect(screen.getByTestId('live-count').textContent).toBe('Подходит 7 клиентов'));
    // Typing 1, 12, 125 within the debounce window asks once, for the final rule.
    expect(previewedRules()).toEqual([
      { type: 'and', rules: [{ type: 'condition', metric: 'purchaseCount', op: 'gte', value: 125 }] },
    ]);
    expect(screen.getByText('Под правило не подходит ни один клиент.')).toBeTruthy();
  });

  it('requires a name and does not save a rule the domain refuses', async () => {
    const user = userEvent.setup();
    renderSegments('/segments/new');
    await user.click(await screen.findByRole('button', { name: 'Создать сегмент' }));
    const name = screen.getByLabelText('Название сегмента');
    expect(name.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('Введите название')).toBeTruthy();

    await user.type(name, 'VIP');
    await user.click(screen.getByRole('button', { name: '+ Добавить условие в Правило' }));
    await user.click(screen.getByRole('button', { name: 'Создать сегмент' }));
    expect(screen.getByRole('alert').textContent).toBe('В правиле есть ошибки — они отмечены у условий.');
    expect(within(condition('1')).getByText('Выберите хотя бы одно значение')).toBeTruthy();
    expect(api.create).not.toHaveBeenCalled();
  });

  it('creates the segment with the rule built and opens it', async () => {
    const user = userEvent.setup();
    api.create.mockResolvedValue(segment({ id: SEGMENT_ID, name: 'VIP' }));
    api.get.mockResolvedValue(segment({ name: 'VIP' }));
    renderSegments('/segments/new');
    await user.type(await screen.findByLabelText('Название сегмента'), '  VIP ');
    await user.click(screen.getByRole('button', { name: '+ Добавить условие в Правило' }));
    await user.selectOptions(within(condition('1')).getByLabelText('Поле'), 'temperature');
    await user.click(within(condition('1')).getByRole('checkbox', { name: 'Горячая' }));
    await user.click(screen.getByRole('button', { name: 'Создать сегмент' }));
    expect(api.create).toHaveBeenCalledWith({
      name: 'VIP',
      rule: { type: 'and', rules: [{ type: 'condition', field: 'temperature', op: 'in', values: ['hot'] }] },
    });
    await waitFor(() => expect(screen.getByTestId('where').textContent).toBe(`/segments/${SEGMENT_ID}`));
    expect(await screen.findByRole('heading', { level: 1, name: 'VIP' })).toBeTruthy();
  });

  it('shows server issues next to the name and at the offending condition', async () => {
    const user = userEvent.setup();
    api.create.mockRejectedValue(
      apiError('BAD_REQUEST', 'name: Too big; rule.rules.0.values.0: Invalid', [
        { field: 'name', code: 'too_big', message: 'Too big: expected string to have <=200 characters' },
        { field: 'rule.rules.0.values.0', code: 'invalid_value', message: 'Invalid option' },
      ]),
    );
    renderSegments('/segments/new');
    await user.type(await screen.findByLabelText('Название сегмента'), 'Очень длинное');
    await user.click(screen.getByRole('button', { name: '+ Добавить условие в Правило' }));
    await user.click(within(condition('1')).getByRole('checkbox', { name: 'Клиент' }));
    await user.click(screen.getByRole('button', { name: 'Создать сегмент' }));
    expect(await screen.findByText('Too big: expected string to have <=200 characters')).toBeTruthy();
    expect(screen.getByLabelText('Название сегмента').getAttribute('aria-invalid')).toBe('true');
    expect(within(condition('1')).getByText('Недопустимое значение')).toBeTruthy();
    // Once the rule changes, the server's verdict on the old one no longer applies.
    await user.click(within(condition('1')).getByRole('checkbox', { name: 'Ушедший' }));
    expect(within(condition('1')).queryByText('Недопустимое значение')).toBeNull();
  });
});

describe('existing segment', () => {
  it('opens the stored rule, its members with the date they entered, and its size over time', async () => {
    renderSegments(`/segments/${SEGMENT_ID}`);
    expect(await screen.findByRole('heading', { level: 1, name: 'Горячие' })).toBeTruthy();
    expect(within(condition('1')).getByRole('checkbox', { name: 'Горячая' })).toHaveProperty('checked', true);
    expect(api.get).toHaveBeenCalledWith({ id: SEGMENT_ID });

    const table = await screen.findByRole('table', { name: 'Клиенты в сегменте' });
    expect(within(table).getByRole('columnheader', { name: 'В сегменте с' })).toBeTruthy();
    expect(within(table).getByRole('link', { name: hostile }).getAttribute('href')).toBe('/clients/m2');
    expect(within(table).getAllByText('15 нояб. 2026 г.')).toHaveLength(2);
    expect(api.members).toHaveBeenCalledWith({ id: SEGMENT_ID, cursor: null });

    // The chart loads lazily (its library is a chunk of its own), then asks for 90 days.
    expect(
      await screen.findByText(
        'Размер сегмента за 90 дней: с 20 нояб. 2026 г. по 22 нояб. 2026 г. — от 0 до 2 клиентов; минимум 0, максимум 5.',
      ),
    ).toBeTruthy();
    expect(api.sizeHistory).toHaveBeenCalledWith({ id: SEGMENT_ID, days: 90 });
    expect(screen.getByRole('table', { name: 'Размер сегмента по дням' })).toBeTruthy();
  });

  it('sends only what changed: a rename leaves the rule (and its members) alone', async () => {
    const user = userEvent.setup();
    let stored = segment();
    api.get.mockImplementation(async () => stored);
    api.update.mockImplementation(async ({ id: _id, ...patch }) => {
      stored = { ...stored, ...patch };
      return stored;
    });
    renderSegments(`/segments/${SEGMENT_ID}`);
    const name = await screen.findByLabelText('Название сегмента');
    await user.clear(name);
    await user.type(name, 'Очень горячие');
    await user.click(screen.getByRole('button', { name: 'Сохранить сегмент' }));
    expect(api.update).toHaveBeenLastCalledWith({ id: SEGMENT_ID, name: 'Очень горячие' });
    expect(await screen.findByText('Сегмент сохранён')).toBeTruthy();

    await user.click(within(condition('1')).getByRole('checkbox', { name: 'Тёплая' }));
    await user.click(screen.getByRole('button', { name: 'Сохранить сегмент' }));
    expect(api.update).toHaveBeenLastCalledWith({
      id: SEGMENT_ID,
      rule: {
        type: 'and',
        rules: [{ type: 'condition', field: 'temperature', op: 'in', values: ['warm', 'hot'] }],
      },
    });
    // Nothing left to change: saving again does not call the API.
    await waitFor(() => expect(screen.getByText('Сегмент сохранён')).toBeTruthy());
    await user.click(screen.getByRole('button', { name: 'Сохранить сегмент' }));
    expect(api.update).toHaveBeenCalledTimes(2);
  });

  it('shows a static list as its name and members, without a rule', async () => {
    api.get.mockResolvedValue(segment({ kind: 'static', rule: null, name: 'Выставка 2026' }));
    renderSegments(`/segments/${SEGMENT_ID}`);
    expect(await screen.findByRole('heading', { level: 1, name: 'Выставка 2026' })).toBeTruthy();
    expect(await screen.findByRole('table', { name: 'Клиенты в сегменте' })).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'Правило' })).toBeNull();
    expect(screen.queryByTestId('live-count')).toBeNull();
  });

  it('lets a viewer look but not change', async () => {
    renderSegments(`/segments/${SEGMENT_ID}`, 'viewer');
    await screen.findByRole('heading', { level: 1, name: 'Горячие' });
    expect(screen.queryByRole('button', { name: 'Сохранить сегмент' })).toBeNull();
    expect(within(condition('1')).getByRole('checkbox', { name: 'Горячая' })).toHaveProperty(
      'disabled',
      true,
    );
    expect(screen.getByText('У вас доступ только на просмотр.')).toBeTruthy();
    expect(await screen.findByTestId('live-count')).toBeTruthy();
  });

  it('does not save when Enter is pressed in a value of the rule, only from the name', async () => {
    const user = userEvent.setup();
    api.update.mockResolvedValue(segment());
    renderSegments(`/segments/${SEGMENT_ID}`);
    await screen.findByRole('heading', { level: 1, name: 'Горячие' });
    await user.click(screen.getByRole('button', { name: '+ Добавить условие в Правило' }));
    await user.selectOptions(within(condition('2')).getByLabelText('Поле'), 'openTaskCount');
    await user.type(within(condition('2')).getByLabelText('Значение'), '{Backspace}3{Enter}');
    expect(api.update).not.toHaveBeenCalled();
    await user.type(screen.getByLabelText('Название сегмента'), '!{Enter}');
    expect(api.update).toHaveBeenCalledWith({
      id: SEGMENT_ID,
      name: 'Горячие!',
      rule: {
        type: 'and',
        rules: [
          { type: 'condition', field: 'temperature', op: 'in', values: ['hot'] },
          { type: 'condition', metric: 'openTaskCount', op: 'gt', value: 3 },
        ],
      },
    });
  });

  it('does not ask the API about an address that cannot be a segment', async () => {
    renderSegments('/segments/not-a-uuid');
    expect(await screen.findByText('Сегмент не найден')).toBeTruthy();
    expect(api.get).not.toHaveBeenCalled();
  });

  it('says so when the segment does not exist', async () => {
    api.get.mockRejectedValue(apiError('NOT_FOUND', 'No such segment'));
    renderSegments(`/segments/${SEGMENT_ID}`);
    expect(await screen.findByText('Сегмент не найден')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Все сегменты' }).getAttribute('href')).toBe('/segments');
  });
});
