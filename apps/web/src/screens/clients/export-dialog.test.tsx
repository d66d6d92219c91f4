import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderWithProviders } from '../../testing/render.tsx';
import { ExportButton, type ExportSource, exportUrl } from './export-dialog.tsx';

const SEGMENT = '0e000000-0000-4000-8000-000000000001';
const VIEW = '0f000000-0000-4000-8000-000000000001';

const query = (url: string) => Object.fromEntries(new URL(url, 'http://x').searchParams);

describe('exportUrl', () => {
  it.each<[string, ExportSource, Record<string, string>]>([
    ['a segment', { kind: 'segment', segmentId: SEGMENT }, { segmentId: SEGMENT }],
    ['a saved view', { kind: 'view', viewId: VIEW }, { viewId: VIEW }],
    [
      'the list as filtered now',
      {
        kind: 'list',
        filter: { temperature: ['hot'], ownerId: null },
        sort: { field: 'displayName', direction: 'asc' },
        q: ' Фёдоров ',
      },
      {
        filter: '{"temperature":["hot"],"ownerId":null}',
        sort: '{"field":"displayName","direction":"asc"}',
        q: 'Фёдоров',
      },
    ],
    [
      'the whole list',
      { kind: 'list', sort: { field: 'createdAt', direction: 'desc' } },
      {
        sort: '{"field":"createdAt","direction":"desc"}',
      },
    ],
  ])('names %s as the source', (_name, source, expected) => {
    const url = exportUrl({
      format: 'csv',
      encoding: 'cp1251',
      columns: ['phones', 'displayName'],
      lang: 'ru',
      source,
    });
    expect(url.startsWith('/api/exports/clients?')).toBe(true);
    expect(query(url)).toEqual({
      format: 'csv',
      encoding: 'cp1251',
      // In the table's order, whatever the order of choosing.
      columns: 'displayName,phones',
      lang: 'ru',
      ...expected,
    });
  });

  it('leaves the encoding out of an XLSX file', () => {
    const url = exportUrl({
      format: 'xlsx',
      encoding: 'cp1251',
      columns: ['displayName'],
      lang: 'en',
      source: { kind: 'segment', segmentId: SEGMENT },
    });
    expect(query(url)).toEqual({ format: 'xlsx', columns: 'displayName', lang: 'en', segmentId: SEGMENT });
  });

  it('passes the time zone of the created / updated times', () => {
    const url = exportUrl({
      format: 'csv',
      encoding: 'utf8',
      columns: ['createdAt'],
      lang: 'ru',
      source: { kind: 'segment', segmentId: SEGMENT },
      timeZone: 'Asia/Vladivostok',
    });
    expect(query(url)).toMatchObject({ columns: 'createdAt', timeZone: 'Asia/Vladivostok' });
  });
});

describe('export dialog', () => {
  it('builds the download link from the chosen columns, format and encoding', async () => {
    const user = userEvent.setup();
    renderWithProviders(<ExportButton source={{ kind: 'segment', segmentId: SEGMENT }} />);
    await user.click(screen.getByRole('button', { name: 'Экспорт' }));
    const dialog = screen.getByRole('dialog', { name: 'Экспорт клиентов' });
    expect(dialog.textContent).toContain('Будут выгружены все клиенты сегмента.');
    const link = () => within(dialog).getByRole('link', { name: 'Скачать' });
    expect(query(link().getAttribute('href') ?? '')).toEqual({
      format: 'csv',
      encoding: 'utf8',
      columns: 'displayName,phones,emails,city,tags,stage,temperature,createdAt',
      lang: 'ru',
      // Times in the zone the browser shows them in.
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      segmentId: SEGMENT,
    });
    expect(link().hasAttribute('download')).toBe(true);

    await user.click(within(dialog).getByRole('button', { name: 'Снять все' }));
    expect(within(dialog).queryByRole('link', { name: 'Скачать' })).toBeNull();
    expect(within(dialog).getByRole('alert').textContent).toBe('Выберите хотя бы один столбец');
    await user.click(within(dialog).getByLabelText('ИНН'));
    await user.click(within(dialog).getByLabelText('Внешний идентификатор'));
    await user.click(within(dialog).getByLabelText('Windows-1251'));
    expect(query(link().getAttribute('href') ?? '')).toMatchObject({
      columns: 'inn,externalId',
      encoding: 'cp1251',
    });

    await user.click(within(dialog).getByLabelText('XLSX (Excel)'));
    expect(within(dialog).queryByLabelText('Windows-1251')).toBeNull();
    expect(query(link().getAttribute('href') ?? '')).toEqual({
      format: 'xlsx',
      columns: 'inn,externalId',
      lang: 'ru',
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      segmentId: SEGMENT,
    });

    // jsdom cannot download; the link is followed by the browser, the dialog closes itself.
    const stopNavigation = (e: Event) => e.preventDefault();
    document.addEventListener('click', stopNavigation);
    await user.click(link());
    document.removeEventListener('click', stopNavigation);
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});
