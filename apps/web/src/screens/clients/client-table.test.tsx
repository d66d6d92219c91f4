import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { renderWithProviders } from '../../testing/render.tsx';
import {
  type ClientPage,
  type ClientRow,
  type ClientSort,
  ClientTable,
  type ColumnKey,
} from './client-table.tsx';

vi.mock('../../api/trpc.ts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../api/trpc.ts')>()),
  trpc: {
    members: {
      list: {
        query: async () => ({
          items: [{ userId: 'owner-1', name: 'Ольга Демидова', email: 'olga@example.ru', role: 'owner' }],
        }),
      },
    },
  },
}));

function client(i: number, patch: Partial<ClientRow> = {}): ClientRow {
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    kind: 'person',
    displayName: `Клиент ${i}`,
    city: 'Москва',
    stage: 'customer',
    temperatureLevel: 'hot',
    temperatureScore: 80,
    tags: ['vip'],
    ownerId: 'owner-1',
    sourceChannel: 'referral',
    sourceBatchId: null,
    externalId: null,
    phone: '+79161234567',
    phoneDisplay: '8 (916) 123-45-67',
    email: `c${i}@example.ru`,
    createdAt: '2026-03-01T10:00:00.000Z',
    updatedAt: '2026-03-02T10:00:00.000Z',
    ...patch,
  };
}

/** A keyset source of `total` clients in pages of `size`; the cursor is the next index. */
function pagedSource(total: number, size: number) {
  const fetchPage = vi.fn(async (cursor: string | null): Promise<ClientPage> => {
    const start = cursor ? Number(cursor) : 0;
    const end = Math.min(start + size, total);
    const items = Array.from({ length: end - start }, (_, k) => client(start + k));
    return { items, nextCursor: end < total ? String(end) : null };
  });
  return fetchPage;
}

const basicColumns: ColumnKey[] = ['name', 'temperature', 'phone', 'owner'];

describe('ClientTable', () => {
  it('renders the first rows with their cells; the name links to the card and renders as text', async () => {
    const fetchPage = vi.fn(
      async (): Promise<ClientPage> => ({
        items: [client(1, { displayName: '<img src=x onerror=alert(1)>', kind: 'company' }), client(2)],
        nextCursor: null,
      }),
    );
    renderWithProviders(
      <ClientTable queryKey={['clients', 't1']} fetchPage={fetchPage} columns={basicColumns} />,
    );
    const rows = await screen.findAllByTestId('client-row');
    expect(rows).toHaveLength(2);
    const link = within(rows[0]!).getByRole('link', { name: '<img src=x onerror=alert(1)>' });
    expect(link.getAttribute('href')).toBe(`/clients/${client(1).id}`);
    expect(document.querySelector('img')).toBeNull();
    expect(within(rows[0]!).getByText('Организация')).toBeTruthy();
    expect(within(rows[1]!).getByText('8 (916) 123-45-67')).toBeTruthy();
    await waitFor(() => expect(within(rows[1]!).getByText('Ольга Демидова')).toBeTruthy());
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent)).toEqual([
      'Имя',
      'Температура',
      'Телефон',
      'Ответственный',
    ]);
    expect(screen.getByRole('status').textContent).toBe('Показаны все 2 клиента');
  });

  it('loads pages as needed, never everything at once', async () => {
    const fetchPage = pagedSource(10_000, 50);
    renderWithProviders(
      <ClientTable queryKey={['clients', 't2']} fetchPage={fetchPage} columns={['name']} />,
    );
    await screen.findAllByTestId('client-row');
    await waitFor(() => expect(fetchPage).toHaveBeenCalledWith('50'));
    // Rows in the DOM are the visible window only, not the loaded rows.
    await new Promise((r) => setTimeout(r, 100));
    expect(fetchPage.mock.calls.length).toBeLessThanOrEqual(3);
    expect(screen.getAllByTestId('client-row').length).toBeLessThan(60);
    expect(screen.getByRole('status').textContent).toMatch(/^Показано 100 клиентов/);
  });

  it('shows the empty title, and an error with a retry', async () => {
    renderWithProviders(
      <ClientTable
        queryKey={['clients', 't3']}
        fetchPage={async () => ({ items: [], nextCursor: null })}
        emptyTitle="В базе пока нет клиентов"
      />,
    );
    expect(await screen.findByText('В базе пока нет клиентов')).toBeTruthy();

    let fail = true;
    const flaky = vi.fn(async (): Promise<ClientPage> => {
      if (fail) throw new Error('boom');
      return { items: [client(7)], nextCursor: null };
    });
    renderWithProviders(<ClientTable queryKey={['clients', 't4']} fetchPage={flaky} columns={['name']} />);
    const alert = await screen.findByRole('alert');
    fail = false;
    await userEvent.click(within(alert).getByRole('button', { name: 'Повторить' }));
    expect(await screen.findByRole('link', { name: 'Клиент 7' })).toBeTruthy();
  });

  it('sorts by clicking a header button, with aria-sort on the header', async () => {
    const onSortChange = vi.fn();
    function Harness() {
      const [sort, setSort] = useState<ClientSort>({ field: 'createdAt', direction: 'desc' });
      return (
        <ClientTable
          queryKey={['clients', 't5', sort]}
          fetchPage={async () => ({ items: [client(1)], nextCursor: null })}
          columns={['name', 'temperature', 'phone', 'createdAt']}
          sort={sort}
          onSortChange={(s) => {
            onSortChange(s);
            setSort(s);
          }}
        />
      );
    }
    renderWithProviders(<Harness />);
    await screen.findAllByTestId('client-row');
    const created = screen.getByRole('columnheader', { name: /Создан/ });
    expect(created.getAttribute('aria-sort')).toBe('descending');
    // The phone is not sortable: a plain header.
    const phone = screen.getByRole('columnheader', { name: 'Телефон' });
    expect(phone.getAttribute('aria-sort')).toBeNull();
    expect(within(phone).queryByRole('button')).toBeNull();

    await userEvent.click(screen.getByRole('button', { name: /Имя/ }));
    expect(onSortChange).toHaveBeenLastCalledWith({ field: 'displayName', direction: 'asc' });
    await screen.findAllByTestId('client-row');
    expect(screen.getByRole('columnheader', { name: /Имя/ }).getAttribute('aria-sort')).toBe('ascending');
    expect(screen.getByRole('columnheader', { name: /Создан/ }).getAttribute('aria-sort')).toBe('none');
    await userEvent.click(screen.getByRole('button', { name: /Имя/ }));
    expect(onSortChange).toHaveBeenLastCalledWith({ field: 'displayName', direction: 'desc' });
  });

  it('selects rows by their labelled checkboxes, and all loaded rows at once', async () => {
    const changes: Set<string>[] = [];
    function Harness() {
      const [selected, setSelected] = useState<Set<string>>(new Set());
      return (
        <ClientTable
          queryKey={['clients', 't6']}
          fetchPage={pagedSource(3, 10)}
          columns={['name']}
          selectable
          selected={selected}
          onSelectedChange={(ids) => {
            changes.push(ids);
            setSelected(ids);
          }}
        />
      );
    }
    renderWithProviders(<Harness />);
    await screen.findAllByTestId('client-row');
    await userEvent.click(screen.getByRole('checkbox', { name: 'Выбрать клиента Клиент 1' }));
    expect([...changes.at(-1)!]).toEqual([client(1).id]);
    expect(screen.getAllByTestId('client-row')[1]!.className).toBe('selected');

    const all = screen.getByRole('checkbox', { name: 'Выбрать всех загруженных клиентов (3)' });
    expect((all as HTMLInputElement).indeterminate).toBe(true);
    await userEvent.click(all);
    expect([...changes.at(-1)!].sort()).toEqual([client(0).id, client(1).id, client(2).id]);
    await userEvent.click(all);
    expect(changes.at(-1)!.size).toBe(0);
  });

  it('moves between rows with the arrow keys from a name link', async () => {
    renderWithProviders(
      <ClientTable queryKey={['clients', 't7']} fetchPage={pagedSource(5, 10)} columns={['name']} />,
    );
    const first = await screen.findByRole('link', { name: 'Клиент 0' });
    first.focus();
    fireEvent.keyDown(first, { key: 'ArrowDown' });
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('link', { name: 'Клиент 1' })));
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowUp' });
    await waitFor(() => expect(document.activeElement).toBe(first));
  });

  it('renders extra columns the segment screen adds', async () => {
    renderWithProviders(
      <ClientTable
        queryKey={['segments', 'members', 't8']}
        fetchPage={async () => ({
          items: [{ ...client(1), enteredAt: '2026-05-01' } as ClientRow],
          nextCursor: null,
        })}
        columns={['name']}
        extraColumns={[{ key: 'enteredAt', header: 'В сегменте с', cell: (row) => String(row.enteredAt) }]}
      />,
    );
    const row = await screen.findByTestId('client-row');
    expect(screen.getByRole('columnheader', { name: 'В сегменте с' })).toBeTruthy();
    expect(within(row).getByText('2026-05-01')).toBeTruthy();
  });
});
