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

const C = '0c000000-0000-4000-8000-00000000000c';
const D = '0c000000-0000-4000-8000-00000000000d';
const E = '0c000000-0000-4000-8000-00000000000e';

/** Three records of one person (three pairs of one cluster), and an unrelated pair of two others. */
const alexander = person({ displayName: 'Фёдоров Александр', firstName: 'Александр' });
const alexanderEn = person({
  id: B,
  displayName: 'Fedorov Alexander',
  lastName: 'Fedorov',
  firstName: 'Alexander',
  createdAt: '2026-05-01T10:00:00.000Z',
});
const sasha = person({
  id: C,
  displayName: 'Федоров Саша',
  lastName: 'Федоров',
  firstName: 'Саша',
  createdAt: '2026-06-01T10:00:00.000Z',
});
const inCluster = (a: PairClient, b: PairClient, score: number): Pair => ({
  ...pair,
  a,
  b,
  score,
  explanation: [`${a.displayName} ~ ${b.displayName}`],
  clusterId: A,
});
const alexanderPair = inCluster(alexander, alexanderEn, 0.95);
const sashaPair = inCluster(alexander, sasha, 0.9);
const sashaEnPair = inCluster(alexanderEn, sasha, 0.85);
const ivanovPair: Pair = {
  ...pair,
  a: person({ id: D, displayName: 'Иванов Пётр', lastName: 'Иванов', firstName: 'Пётр' }),
  b: person({ id: E, displayName: 'Ivanov Petr', lastName: 'Ivanov', firstName: 'Petr' }),
  score: 0.88,
  decision: 'possible',
  explanation: ['Иванов ~ Ivanov'],
  clusterId: D,
};

/** The queue's own entries (not the pairs nested in a group), as their test ids. */
const topLevel = (queue: HTMLElement) =>
  [...queue.children].map(
    (li) => li.getAttribute('data-testid') ?? li.firstElementChild?.getAttribute('data-testid'),
  );

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

  describe('clusters', () => {
    it('groups the pairs of one cluster under a heading naming its records; an unrelated pair stands alone', async () => {
      api.list.mockResolvedValue({
        items: [alexanderPair, ivanovPair, sashaPair, sashaEnPair],
        nextCursor: null,
      });
      renderScreen();
      const group = await screen.findByTestId('duplicate-cluster');
      expect(screen.getAllByTestId('duplicate-cluster')).toHaveLength(1);
      const heading = within(group).getByRole('heading', { level: 3 });
      expect(heading.textContent).toBe(
        'Группа из 3 записей: Фёдоров Александр, Fedorov Alexander, Федоров Саша',
      );
      expect(group.textContent).toContain('3 пары');
      // The group's list is named by its heading; its pairs keep the API's order.
      const pairs = within(group).getByRole('list', { name: heading.textContent ?? '' });
      expect(
        within(pairs)
          .getAllByTestId('duplicate-pair')
          .map((p) => p.textContent),
      ).toEqual([
        expect.stringContaining('Фёдоров Александр и Fedorov Alexander'),
        expect.stringContaining('Фёдоров Александр и Федоров Саша'),
        expect.stringContaining('Fedorov Alexander и Федоров Саша'),
      ]);
      // The group stands where its first pair came; the unrelated pair follows, outside any group.
      const queue = screen.getByTestId('duplicate-queue');
      expect(topLevel(queue)).toEqual(['duplicate-cluster', 'duplicate-pair']);
      const alone = within(queue).getByRole('button', { name: /Иванов Пётр и Ivanov Petr/ });
      expect(alone.closest('[data-testid="duplicate-cluster"]')).toBeNull();
      expect(screen.getAllByTestId('duplicate-pair')).toHaveLength(4);
    });

    it('opens a pair chosen inside a group side by side', async () => {
      const user = userEvent.setup();
      api.list.mockResolvedValue({ items: [alexanderPair, sashaPair, sashaEnPair], nextCursor: null });
      renderScreen();
      const group = await screen.findByTestId('duplicate-cluster');
      const button = within(group).getByRole('button', { name: /Fedorov Alexander и Федоров Саша/ });
      await user.click(button);
      expect(button.getAttribute('aria-pressed')).toBe('true');
      const review = screen.getByTestId('duplicate-review');
      expect(within(review).getByRole('link', { name: 'Fedorov Alexander' }).getAttribute('href')).toBe(
        `/clients/${B}`,
      );
      expect(within(review).getByTestId('duplicate-explanation').textContent).toBe(
        'Fedorov Alexander ~ Федоров Саша',
      );
      expect(
        within(group)
          .getAllByTestId('duplicate-pair')
          .map((p) => p.getAttribute('aria-pressed')),
      ).toEqual(['false', 'false', 'true']);
    });

    it('joins a cluster split across pages into one group once the next page is loaded', async () => {
      const user = userEvent.setup();
      api.list.mockImplementation(async ({ cursor }: { cursor: string | null }) =>
        cursor === null
          ? { items: [alexanderPair, ivanovPair], nextCursor: 'page-2' }
          : { items: [sashaPair, sashaEnPair], nextCursor: null },
      );
      renderScreen();
      await screen.findAllByTestId('duplicate-pair');
      // One pair of the cluster loaded so far: nothing to group yet.
      expect(screen.queryByTestId('duplicate-cluster')).toBeNull();
      expect(screen.getAllByTestId('duplicate-pair')).toHaveLength(2);
      await user.click(screen.getByRole('button', { name: 'Показать ещё' }));
      const group = await screen.findByTestId('duplicate-cluster');
      expect(api.list).toHaveBeenLastCalledWith({
        cursor: 'page-2',
        limit: 50,
        status: 'open',
        locale: 'ru',
      });
      expect(within(group).getAllByTestId('duplicate-pair')).toHaveLength(3);
      expect(within(group).getByRole('heading').textContent).toBe(
        'Группа из 3 записей: Фёдоров Александр, Fedorov Alexander, Федоров Саша',
      );
      expect(topLevel(screen.getByTestId('duplicate-queue'))).toEqual([
        'duplicate-cluster',
        'duplicate-pair',
      ]);
    });

    it('keeps the rest of the cluster listed after a merge inside it', async () => {
      const user = userEvent.setup();
      api.list.mockResolvedValue({ items: [alexanderPair, sashaPair, sashaEnPair], nextCursor: null });
      api.merge.mockResolvedValue({ mergeId: MERGE, survivor: { id: A, displayName: 'Фёдоров Александр' } });
      renderScreen();
      const group = await screen.findByTestId('duplicate-cluster');
      await user.click(within(group).getByRole('button', { name: /Фёдоров Александр и Fedorov Alexander/ }));
      await user.click(
        within(screen.getByTestId('duplicate-review')).getByRole('button', { name: 'Объединить' }),
      );
      // The merged record's pairs leave the queue; the survivor's pair with Саша stays.
      api.list.mockResolvedValue({ items: [sashaPair], nextCursor: null });
      await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Объединить' }));
      expect(api.merge).toHaveBeenCalledWith(expect.objectContaining({ survivorId: A, mergedId: B }));
      await screen.findByTestId('review-notice');
      await waitFor(() => expect(screen.queryByTestId('duplicate-cluster')).toBeNull());
      expect(screen.getByTestId('duplicate-pair').textContent).toContain('Фёдоров Александр и Федоров Саша');
    });

    it('does not group decided pairs: two "not a duplicate" decisions are not one person', async () => {
      const user = userEvent.setup();
      renderScreen();
      await screen.findByTestId('duplicate-pair');
      api.list.mockResolvedValue({
        items: [alexanderPair, sashaPair].map((p) => ({ ...p, status: 'dismissed' as const })),
        nextCursor: null,
      });
      await user.selectOptions(screen.getByRole('combobox', { name: 'Показать' }), 'dismissed');
      await waitFor(() => expect(screen.getAllByTestId('duplicate-pair')).toHaveLength(2));
      expect(screen.queryByTestId('duplicate-cluster')).toBeNull();
    });
  });
});
