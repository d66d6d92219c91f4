import { configure, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { apiError, OTHER_ID, renderAt, USER_ID } from './fake-api.tsx';
import NewClient from './new-client.tsx';

const api = vi.hoisted(() => ({
  clients: { create: { mutate: vi.fn() }, search: { query: vi.fn() } },
  members: { list: { query: vi.fn() } },
  fields: { list: { query: vi.fn() } },
  workspace: { getSettings: { query: vi.fn() } },
}));

vi.mock('../../api/trpc.ts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../api/trpc.ts')>()),
  trpc: api,
}));

configure({ asyncUtilTimeout: 5000 });

const NEW_ID = '77777777-2222-4333-8444-555555555555';

function renderForm(role: 'manager' | 'viewer' = 'manager') {
  return renderAt(<NewClient />, { route: '/clients/new', path: '/clients/new', role });
}

beforeEach(() => {
  vi.clearAllMocks();
  api.members.list.query.mockResolvedValue({
    items: [
      { userId: USER_ID, email: 'olga@example.com', name: 'Ольга', role: 'owner', since: '2026-01-01' },
    ],
  });
  api.fields.list.query.mockResolvedValue({
    items: [{ id: 'f1', key: 'size', label: 'Размер', type: 'one_of', options: ['S', 'M'], required: false }],
  });
  api.workspace.getSettings.query.mockResolvedValue({
    id: 'w1',
    name: 'Демо',
    settings: { defaultRegion: 'RU' },
  });
});

describe('new client', () => {
  it('previews the phone as the domain will store it, and the domain’s issue for a bad one', async () => {
    const user = userEvent.setup();
    renderForm();
    const phone = await screen.findByLabelText('Телефон 1');
    await user.type(phone, '8 (916) 123-45-67');
    expect(screen.getByText(/Сохранится как \+7 916 123 45 67/).textContent).toContain('+79161234567');
    await user.clear(phone);
    await user.type(phone, '8 916 12');
    expect(screen.getByText('Это не похоже на действующий номер телефона')).toBeTruthy();
  });

  it('creates the client from the form and opens its card', async () => {
    const user = userEvent.setup();
    api.clients.create.mutate.mockResolvedValue({ id: NEW_ID });
    renderForm();
    await user.type(await screen.findByLabelText('ФИО одной строкой'), 'Петрова Анна Сергеевна');
    expect((screen.getByLabelText(/Отчество/) as HTMLInputElement).value).toBe('Сергеевна');
    await user.type(screen.getByLabelText('Телефон 1'), '8 (916) 123-45-67');
    await user.type(screen.getByLabelText('Метки'), 'vip, опт');
    await user.selectOptions(await screen.findByLabelText('Размер'), 'M');
    await user.click(screen.getByTestId('save-client'));
    await waitFor(() => expect(api.clients.create.mutate).toHaveBeenCalledTimes(1));
    expect(api.clients.create.mutate.mock.calls[0]?.[0]).toEqual({
      kind: 'person',
      lastName: 'Петрова',
      firstName: 'Анна',
      patronymic: 'Сергеевна',
      phones: [{ number: '8 (916) 123-45-67' }],
      tags: ['vip', 'опт'],
      custom: { size: 'M' },
    });
    expect(await screen.findByText('landed on card')).toBeTruthy();
  });

  it('shows a duplicate phone at the phone, naming the other client with a link to it', async () => {
    const user = userEvent.setup();
    api.clients.create.mutate.mockRejectedValue(
      apiError('Phone +79161234567 already belongs to Петров Пётр', {
        code: 'CONFLICT',
        conflict: {
          field: 'phones.0.number',
          other: { entity: 'client', id: OTHER_ID, name: 'Петров Пётр' },
        },
      }),
    );
    renderForm();
    await user.type(await screen.findByLabelText('Фамилия', { exact: false }), 'Петров');
    await user.type(screen.getByLabelText('Имя'), 'Пётр');
    // An empty first row is not sent: the issue for phones.0 belongs to the second row.
    await user.click(screen.getByRole('button', { name: 'Добавить телефон' }));
    await user.type(screen.getByLabelText('Телефон 2'), '+7 916 123 45 67');
    await user.click(screen.getByTestId('save-client'));
    const second = await screen.findByLabelText('Телефон 2');
    await waitFor(() => expect(second.getAttribute('aria-invalid')).toBe('true'));
    expect(screen.getByLabelText('Телефон 1').getAttribute('aria-invalid')).toBeNull();
    expect(screen.getAllByText(/Этот номер уже принадлежит клиенту «Петров Пётр»/).length).toBe(2);
    expect(screen.getByRole('link', { name: 'Открыть карточку «Петров Пётр»' }).getAttribute('href')).toBe(
      `/clients/${OTHER_ID}`,
    );
  });

  it('shows ИНН and other field issues of a company next to their fields', async () => {
    const user = userEvent.setup();
    api.clients.create.mutate.mockRejectedValue(
      apiError('inn: INN has a wrong check digit', {
        code: 'BAD_REQUEST',
        issues: [{ field: 'inn', code: 'inn_checksum', message: 'INN 7707083894 has a wrong check digit' }],
      }),
    );
    renderForm();
    await user.click(await screen.findByLabelText('Организация'));
    await user.type(screen.getByLabelText(/Название/), 'ООО «Тест»');
    await user.type(screen.getByLabelText('ИНН'), '7707083894');
    await user.click(screen.getByTestId('save-client'));
    await waitFor(() => expect(screen.getByLabelText('ИНН').getAttribute('aria-invalid')).toBe('true'));
    expect(api.clients.create.mutate.mock.calls[0]?.[0]).toEqual({
      kind: 'company',
      legalName: 'ООО «Тест»',
      inn: '7707083894',
    });
  });

  it('is not offered to a viewer', async () => {
    renderForm('viewer');
    expect(await screen.findByText(/Добавлять клиентов может менеджер/)).toBeTruthy();
    expect(screen.queryByTestId('save-client')).toBeNull();
  });
});
