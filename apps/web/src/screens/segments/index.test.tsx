import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { apiError, renderSegments } from './testing.tsx';

const api = await vi.hoisted(async () => (await import('./testing-api.ts')).makeApi());
vi.mock(import('../../api/trpc.ts'), async (importOriginal) => ({
  ...(await importOriginal()),
  trpc: (await import('./testing-api.ts')).trpcOf(api) as never,
}));

const item = (id: string, name: string, kind: 'rule' | 'static', memberCount: number) => ({
  id,
  workspaceId: 'w1',
  name,
  kind,
  rule: kind === 'rule' ? { type: 'and', rules: [] } : null,
  createdAt: '2026-11-01T10:00:00.000Z',
  updatedAt: '2026-11-20T10:00:00.000Z',
  memberCount,
});

beforeEach(() => {
  for (const fn of Object.values(api)) fn.mockReset();
});

describe('segment list', () => {
  it('lists each segment with its kind, size and last change, linked to its editor', async () => {
    api.list.mockResolvedValue({
      items: [item('s1', 'Горячие', 'rule', 1234), item('s2', '<b>Выставка</b>', 'static', 7)],
    });
    renderSegments('/segments');
    const table = await screen.findByRole('table', { name: 'Сегменты рабочего пространства' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(
      rows.map((r) =>
        within(r)
          .getAllByRole('cell')
          .map((c) => c.textContent),
      ),
    ).toEqual([
      ['Горячие', 'По правилу', '1\u00a0234', '20 нояб. 2026 г.'],
      ['<b>Выставка</b>', 'Статический список', '7', '20 нояб. 2026 г.'],
    ]);
    expect(within(table).getByRole('link', { name: 'Горячие' }).getAttribute('href')).toBe('/segments/s1');
    expect(screen.getByRole('link', { name: 'Новый сегмент' }).getAttribute('href')).toBe('/segments/new');
  });

  it('hides "New segment" from a viewer', async () => {
    api.list.mockResolvedValue({ items: [item('s1', 'Горячие', 'rule', 1)] });
    renderSegments('/segments', 'viewer');
    await screen.findByRole('table');
    expect(screen.queryByRole('link', { name: 'Новый сегмент' })).toBeNull();
  });

  it('explains segments when there are none, and offers to create one', async () => {
    api.list.mockResolvedValue({ items: [] });
    renderSegments('/segments');
    expect(await screen.findByText('Сегментов пока нет')).toBeTruthy();
    expect(screen.getAllByRole('link', { name: 'Новый сегмент' })).toHaveLength(2);
  });

  it('shows a failed load with a retry that loads again', async () => {
    const user = userEvent.setup();
    api.list.mockRejectedValueOnce(apiError('INTERNAL_SERVER_ERROR', 'Internal server error'));
    api.list.mockResolvedValueOnce({ items: [item('s1', 'Горячие', 'rule', 1)] });
    renderSegments('/segments');
    expect(await screen.findByRole('alert')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Повторить' }));
    expect(await screen.findByRole('link', { name: 'Горячие' })).toBeTruthy();
  });
});
