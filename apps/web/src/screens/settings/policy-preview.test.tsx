import type { PolicyChangePreview } from '@cb/domain';
import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { PolicyPreview } from './policy-preview.tsx';

/** Intl puts no-break spaces in "2 000"; compare text as a reader sees it. */
const text = (el: HTMLElement) => (el.textContent ?? '').replace(/[\u00a0\u202f]/g, ' ').trim();

const preview: PolicyChangePreview = {
  total: 2000,
  changed: 203,
  before: { cold: 635, warm: 801, hot: 564 },
  after: { cold: 826, warm: 598, hot: 576 },
  moves: {
    cold: { cold: 635, warm: 0, hot: 0 },
    warm: { cold: 191, warm: 598, hot: 12 },
    hot: { cold: 0, warm: 0, hot: 564 },
  },
};

function countsRow(level: string) {
  const table = screen.getByRole('table', { name: 'Клиентов по уровням' });
  const row = table.querySelector<HTMLElement>(`tr[data-level="${level}"]`);
  if (!row) throw new Error(`no row for ${level}`);
  return within(row)
    .getAllByRole('cell')
    .map((c) => text(c));
}

describe('PolicyPreview', () => {
  it('says how many clients change level out of all, in an announced status line', () => {
    render(<PolicyPreview preview={preview} />);
    expect(text(screen.getByRole('status'))).toBe('203 клиента из 2 000 сменят температуру.');
  });

  it('shows each level before and after, with the signed difference', () => {
    render(<PolicyPreview preview={preview} />);
    expect(countsRow('cold')).toEqual(['635', '826', '+191']);
    expect(countsRow('warm')).toEqual(['801', '598', '−203']);
    expect(countsRow('hot')).toEqual(['564', '576', '+12']);
  });

  it('lays the moves out as a matrix: rows are the level now, columns the level after', () => {
    render(<PolicyPreview preview={preview} />);
    const matrix = screen.getByRole('table', { name: /Переходы/ });
    const headers = within(matrix)
      .getAllByRole('columnheader')
      .map((h) => text(h));
    expect(headers).toEqual(['Сейчас \\ после', 'Холодная', 'Тёплая', 'Горячая']);
    const rows = within(matrix).getAllByRole('row').slice(1);
    const grid = rows.map((row) => [
      text(within(row).getByRole('rowheader')),
      ...within(row)
        .getAllByRole('cell')
        .map((c) => text(c)),
    ]);
    expect(grid).toEqual([
      ['Холодная', '635', '0', '0'],
      ['Тёплая', '191', '598', '12'],
      ['Горячая', '0', '0', '564'],
    ]);
    // the clients that move stand out; staying put is the quiet diagonal
    const warmToCold = matrix.querySelector('td[data-from="warm"][data-to="cold"]');
    const warmToWarm = matrix.querySelector('td[data-from="warm"][data-to="warm"]');
    const coldToHot = matrix.querySelector('td[data-from="cold"][data-to="hot"]');
    expect(warmToCold?.className).toContain('policy-move-move');
    expect(warmToWarm?.className).toContain('policy-move-stay');
    expect(coldToHot?.className).toContain('policy-move-none');
  });

  it.each([
    [1, '1 клиент из 2 000 сменит температуру.'],
    [3, '3 клиента из 2 000 сменят температуру.'],
    [11, '11 клиентов из 2 000 сменят температуру.'],
    [1021, '1 021 клиент из 2 000 сменит температуру.'],
  ])('words %i changed clients in Russian plural', (changed, expected) => {
    render(<PolicyPreview preview={{ ...preview, changed }} />);
    expect(text(screen.getByRole('status'))).toBe(expected);
  });

  it('says nothing changes, or that there are no clients at all', () => {
    const same: PolicyChangePreview = { ...preview, changed: 0, after: preview.before };
    const { unmount } = render(<PolicyPreview preview={same} />);
    expect(text(screen.getByRole('status'))).toBe(
      'Температура не изменится ни у одного клиента (всего 2 000).',
    );
    expect(countsRow('warm')).toEqual(['801', '801', '0']);
    unmount();
    const zero = { cold: 0, warm: 0, hot: 0 };
    render(
      <PolicyPreview
        preview={{
          total: 0,
          changed: 0,
          before: zero,
          after: zero,
          moves: { cold: zero, warm: zero, hot: zero },
        }}
      />,
    );
    expect(text(screen.getByRole('status'))).toBe(
      'В базе пока нет клиентов — предпросмотру нечего показать.',
    );
  });

  it('marks itself busy while a newer preview is on its way', () => {
    render(<PolicyPreview preview={preview} updating />);
    expect(screen.getByTestId('policy-preview').getAttribute('aria-busy')).toBe('true');
    expect(text(screen.getByRole('status'))).toContain('обновляется…');
  });
});
