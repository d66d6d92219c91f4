import type { Role } from '@cb/domain/vocabulary';
import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { TRPCClientError } from '@trpc/client';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type Me, SessionProvider } from '../../app/session.tsx';
import { renderWithProviders } from '../../testing/render.tsx';
import type { MergeRecord, Pair, PairClient } from './api.ts';
import DuplicatesScreen from './index.tsx';

configure({ asyncUtilTimeout: 4000 });

const api = await vi.hoisted(async () => (await import('./testing-api.ts')).makeDuplicatesApi());
vi.mock(import('../../api/trpc.ts'), async (importOriginal) => ({
  ...(await importOriginal()),
  trpc: (await import('./testing-api.ts')).trpcOf(api) as never,
}));

const A = '0c000000-0000-4000-8000-00000000000a';
const B = '0c000000-0000-4000-8000-00000000000b';
const MERGE = '0d000000-0000-4000-8000-000000000001';

function person(patch: Partial<PairClient>): PairClient {
  return {
    id: A,
    displayName: 'Фёдоров Алексей',
    lastName: 'Фёдоров',
    firstName: 'Алексей',
    patronymic: null,
    legalName: null,
    kind: 'person',
    externalId: null,
    phones: ['+79161234567'],
    emails: [],
    birthday: null,
    city: 'Москва',
    address: null,
    inn: null,
    createdAt: '2026-01-10T10:00:00.000Z',
    version: 3,
    ...patch,
  };
}

const pair: Pair = {
  a: person({}),
  b: person({
    id: B,
    displayName: 'Fedorov Alexey',
    lastName: 'Fedorov',
    firstName: 'Alexey',
    emails: ['fedorov@example.ru'],
    city: null,
    externalId: 'EXT-7',
    createdAt: '2026-05-01T10:00:00.000Z',
    version: 7,
  }),
  score: 0.93,
  decision: 'duplicate',
  reasons: [],
  explanation: ['Имя совпадает после транслитерации (0,97)', 'Телефон совпадает'],
  clusterId: A,
  status: 'open',
};

const apiError = (code: string, message: string) =>
  TRPCClientError.from({ error: { code: -32600, message, data: { code, httpStatus: 409 } } });

function renderScreen(role: Role = 'manager') {
  const me = {
    user: { id: 'u1', email: 'olga@example.com', name: 'Ольга' },
    workspace: { id: 'w1', name: 'Ромашка' },
    role,
    memberships: [],
    via: 'session',
  } as unknown as Me;
  return renderWithProviders(
    <SessionProvider value={me}>
      <DuplicatesScreen />
    </SessionProvider>,
  );
}

beforeEach(() => {
  for (const fn of Object.values(api)) fn.mockReset();
  api.list.mockResolvedValue({ items: [pair], nextCursor: null });
  api.merges.mockResolvedValue({ items: [], nextCursor: null });
});

async function openPair(user: ReturnType<typeof userEvent.setup>) {
  await user.click(await screen.findByRole('button', { name: /Фёдоров Алексей и Fedorov Alexey/ }));
  return screen.getByTestId('duplicate-review');
}

describe('duplicates review queue', () => {
  it('lists pairs with their score and decision; a chosen pair explains itself side by side', async () => {
    const user = userEvent.setup();
    renderScreen();
    const item = await screen.findByTestId('duplicate-pair');
    expect(item.textContent).toContain('Сходство 93%');
    expect(item.textContent).toContain('Дубликат');
    expect(api.list).toHaveBeenCalledWith({ cursor: null, limit: 50, status: 'open', locale: 'ru' });
    const review = await openPair(user);
    expect(item.getAttribute('aria-pressed')).toBe('true');
    expect(within(review).getByTestId('duplicate-explanation').textContent).toContain('Телефон совпадает');
    // Only fields that differ get a choice; the phone is the same on both.
    expect(within(review).getAllByRole('radio', { name: /^Фамилия/ })).toHaveLength(2);
    expect(within(review).queryByRole('radio', { name: /^Телефоны/ })).toBeNull();
    // The older record is kept by default, and an empty value gives way to the other record's.
    expect(within(review).getByRole('radio', { name: 'Запись 1: Фёдоров Алексей' })).toHaveProperty(
      'checked',
      true,
    );
    // E-mail addresses are not chosen: both records' addresses stay with the survivor.
    expect(within(review).queryByRole('radio', { name: /^E-mail/ })).toBeNull();
    expect(within(review).getByTestId('contacts-joined').textContent).toContain('останутся');
  });

  it('merges with the picked values and the versions it saw, after a confirmation', async () => {
    const user = userEvent.setup();
    api.merge.mockResolvedValue({ mergeId: MERGE, survivor: { id: A, displayName: 'Фёдоров Алексей' } });
    renderScreen();
    const review = await openPair(user);
    await user.click(within(review).getByRole('radio', { name: 'Имя: взять «Alexey» из записи 2' }));
    await user.click(within(review).getByRole('button', { name: 'Объединить' }));
    const dialog = screen.getByRole('dialog', { name: 'Объединить клиентов?' });
    expect(dialog.textContent).toContain('«Fedorov Alexey» будет объединён с «Фёдоров Алексей»');
    expect(api.merge).not.toHaveBeenCalled();
    api.list.mockResolvedValue({ items: [], nextCursor: null });
    await user.click(within(dialog).getByRole('button', { name: 'Объединить' }));
    expect(api.merge).toHaveBeenCalledWith({
      survivorId: A,
      mergedId: B,
      expectedVersions: { survivor: 3, merged: 7 },
      pick: {
        lastName: 'survivor',
        firstName: 'merged',
        city: 'survivor',
        externalId: 'merged',
      },
    });
    expect((await screen.findByTestId('review-notice')).textContent).toContain('Клиенты объединены.');
    expect(screen.getByRole('link', { name: 'Открыть «Фёдоров Алексей»' }).getAttribute('href')).toBe(
      `/clients/${A}`,
    );
    await waitFor(() => expect(api.merges).toHaveBeenCalledTimes(2));
  });

  it('keeps the other record when it is chosen as the survivor', async () => {
    const user = userEvent.setup();
    api.merge.mockResolvedValue({ mergeId: MERGE, survivor: { id: B, displayName: 'Fedorov Alexey' } });
    renderScreen();
    const review = await openPair(user);
    await user.click(within(review).getByRole('radio', { name: 'Запись 2: Fedorov Alexey' }));
    await user.click(within(review).getByRole('button', { name: 'Объединить' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Объединить' }));
    expect(api.merge).toHaveBeenCalledWith(
      expect.objectContaining({
        survivorId: B,
        mergedId: A,
        expectedVersions: { survivor: 7, merged: 3 },
        // The survivor's own values by default; the city it lacks comes from the merged record.
        pick: expect.objectContaining({ lastName: 'survivor', city: 'merged' }),
      }),
    );
  });

  it('says when a record changed meanwhile and reloads the pair', async () => {
    const user = userEvent.setup();
    api.merge.mockRejectedValue(apiError('CONFLICT', 'version mismatch'));
    renderScreen();
    const review = await openPair(user);
    await user.click(within(review).getByRole('button', { name: 'Объединить' }));
    api.list.mockResolvedValue({ items: [{ ...pair, b: { ...pair.b, version: 8 } }], nextCursor: null });
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Объединить' }));
    expect((await screen.findByTestId('merge-conflict')).textContent).toBe(
      'Одна из записей изменилась, пока вы её смотрели. Данные обновлены — проверьте и повторите.',
    );
    expect(screen.queryByRole('dialog')).toBeNull();
    await waitFor(() => expect(api.list).toHaveBeenCalledTimes(2));
    // The next attempt sends the version now on screen.
    api.merge.mockResolvedValue({ mergeId: MERGE, survivor: { id: A, displayName: 'Фёдоров Алексей' } });
    await user.click(
      within(screen.getByTestId('duplicate-review')).getByRole('button', { name: 'Объединить' }),
    );
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Объединить' }));
    expect(api.merge).toHaveBeenLastCalledWith(
      expect.objectContaining({ expectedVersions: { survivor: 3, merged: 8 } }),
    );
  });

  it('marks a pair "not a duplicate"', async () => {
    const user = userEvent.setup();
    api.dismiss.mockResolvedValue({});
    renderScreen();
    const review = await openPair(user);
    api.list.mockResolvedValue({ items: [], nextCursor: null });
    await user.click(within(review).getByRole('button', { name: 'Не дубликат' }));
    expect(api.dismiss).toHaveBeenCalledWith({ a: A, b: B });
    expect((await screen.findByTestId('review-notice')).textContent).toBe('Пара отмечена как «не дубликат».');
    expect(await screen.findByText('Пар для проверки нет')).toBeTruthy();
  });

  it('unmerges from the history after a confirmation', async () => {
    const user = userEvent.setup();
    api.merges.mockResolvedValue({
      items: [
        {
          id: MERGE,
          survivor: { id: A, displayName: 'Фёдоров Алексей' },
          merged: { id: B, displayName: 'Fedorov Alexey' },
          by: null,
          createdAt: '2026-11-21T09:00:00.000Z',
          undoneAt: null,
          moved: {},
        } satisfies MergeRecord,
      ],
      nextCursor: null,
    });
    api.unmerge.mockResolvedValue({});
    renderScreen();
    const row = await screen.findByTestId('merge-row');
    expect(within(row).getByText('Действует')).toBeTruthy();
    const at = row.querySelector('time');
    expect(at?.getAttribute('datetime')).toBe('2026-11-21T09:00:00.000Z');
    expect(at?.textContent).not.toBe('—');
    await user.click(
      within(row).getByRole('button', { name: 'Разъединить «Фёдоров Алексей» и «Fedorov Alexey»' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Разъединить клиентов?' });
    await user.click(within(dialog).getByRole('button', { name: 'Разъединить' }));
    expect(api.unmerge).toHaveBeenCalledWith({ mergeId: MERGE });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('scans the base and says what it found; a viewer can read but not merge', async () => {
    const user = userEvent.setup();
    api.scan.mockResolvedValue({ status: 'done', clientsScanned: 1200, pairs: 14 });
    const first = renderScreen();
    await user.click(await screen.findByRole('button', { name: 'Найти дубликаты' }));
    expect((await screen.findByText(/Проверено клиентов/)).textContent).toBe(
      'Проверено клиентов: 1\u00a0200, найдено пар: 14.',
    );
    expect(screen.getByTestId('duplicates-csv').getAttribute('href')).toBe('/api/duplicates.csv');
    first.unmount();

    renderScreen('viewer');
    const review = await openPair(user);
    expect(within(review).queryByRole('radio')).toBeNull();
    expect(within(review).queryByRole('button', { name: 'Объединить' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Найти дубликаты' })).toBeNull();
  });
});
