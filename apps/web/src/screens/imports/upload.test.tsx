import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { uploadProblem } from './api.ts';
import { FakeXhr, IMPORT_ID, importView, renderImports } from './testing.tsx';

const api = await vi.hoisted(async () => (await import('./testing-api.ts')).makeImportsApi());
vi.mock(import('../../api/trpc.ts'), async (importOriginal) => ({
  ...(await importOriginal()),
  trpc: (await import('./testing-api.ts')).trpcOf(api) as never,
}));

beforeEach(() => {
  vi.clearAllMocks();
  FakeXhr.last = null;
  vi.stubGlobal('XMLHttpRequest', FakeXhr);
  api.get.mockResolvedValue(importView());
  api.fields.mockResolvedValue({ items: [] });
  api.mappings.mockResolvedValue([]);
  api.list.mockResolvedValue({
    items: [
      {
        id: IMPORT_ID,
        fileName: 'база.csv',
        status: 'completed',
        counts: { rowsDone: 10, created: 8, updated: 1, duplicates: 1, invalid: 0 },
        createdAt: '2026-11-20T10:00:00.000Z',
        finishedAt: '2026-11-20T10:01:00.000Z',
        source: null,
        batchId: null,
      },
    ],
    nextCursor: null,
  });
});
afterEach(() => vi.unstubAllGlobals());

const csv = () => new File(['ФИО;Телефон\nИванов;89161234567\n'], 'клиенты.csv', { type: 'text/csv' });

describe('Import upload', () => {
  it('sends the file as the multipart field "file", shows the upload progress, then opens the import', async () => {
    const user = userEvent.setup();
    renderImports('/imports/new');
    await user.upload(screen.getByLabelText('Файл'), csv());
    await user.click(screen.getByRole('button', { name: 'Загрузить' }));

    const xhr = FakeXhr.last;
    expect(xhr?.method).toBe('POST');
    expect(xhr?.url).toBe('/api/imports');
    expect((xhr?.body as FormData | undefined)?.get('file')).toHaveProperty('name', 'клиенты.csv');

    act(() => xhr?.progress(40, 100));
    const bar = screen.getByRole('progressbar', { name: 'Загрузка файла' });
    expect(bar.getAttribute('aria-valuenow')).toBe('40');
    expect(bar.getAttribute('aria-valuemax')).toBe('100');
    expect(bar.getAttribute('aria-valuetext')).toBe('Отправлено 40%');

    act(() => xhr?.respond(201, { importId: IMPORT_ID }));
    await waitFor(() => expect(screen.getByTestId('where').textContent).toBe(`/imports/${IMPORT_ID}`));
  });

  it('shows a refused file by the file field, with the API message', async () => {
    const user = userEvent.setup();
    renderImports('/imports/new');
    await user.upload(screen.getByLabelText('Файл'), csv());
    await user.click(screen.getByRole('button', { name: 'Загрузить' }));
    act(() =>
      FakeXhr.last?.respond(400, {
        error: {
          message: 'The file is empty (0 bytes).',
          data: {
            code: 'BAD_REQUEST',
            httpStatus: 400,
            issues: [{ field: 'file', code: 'empty', message: 'Файл пуст (0 байт).' }],
          },
        },
      }),
    );
    const input = screen.getByLabelText('Файл');
    await waitFor(() => expect(input.getAttribute('aria-invalid')).toBe('true'));
    const described = input.getAttribute('aria-describedby') ?? '';
    expect(described.split(' ').map((id) => document.getElementById(id)?.textContent)).toContain(
      'Файл пуст (0 байт).',
    );
    expect(screen.getByTestId('where').textContent).toBe('/imports/new');
  });

  it('sends the chosen sheet of a workbook, and shows a missing sheet by its field', async () => {
    const user = userEvent.setup();
    renderImports('/imports/new');
    expect(screen.queryByLabelText('Лист')).toBeNull();
    const book = new File([new Uint8Array([0x50, 0x4b, 3, 4])], 'база.xlsx');
    await user.upload(screen.getByLabelText('Файл'), book);
    await user.type(screen.getByLabelText('Лист'), 'Клиенты 2025');
    await user.click(screen.getByRole('button', { name: 'Загрузить' }));
    const body = FakeXhr.last?.body as FormData | undefined;
    expect(body?.get('sheet')).toBe('Клиенты 2025');
    expect(body?.get('file')).toHaveProperty('name', 'база.xlsx');
    act(() =>
      FakeXhr.last?.respond(400, {
        error: {
          message: 'No sheet',
          data: {
            code: 'BAD_REQUEST',
            issues: [
              { field: 'sheet', code: 'sheet_not_found', message: 'В книге нет листа «Клиенты 2025»' },
            ],
          },
        },
      }),
    );
    await waitFor(() => expect(screen.getByLabelText('Лист').getAttribute('aria-invalid')).toBe('true'));
    expect(screen.getByText('В книге нет листа «Клиенты 2025»')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('asks for a file before sending anything, and says so when the server cannot be reached', async () => {
    const user = userEvent.setup();
    renderImports('/imports/new');
    await user.click(screen.getByRole('button', { name: 'Загрузить' }));
    expect(FakeXhr.last).toBeNull();
    expect(screen.getByText('Выберите файл')).toBeTruthy();

    await user.upload(screen.getByLabelText('Файл'), csv());
    await user.click(screen.getByRole('button', { name: 'Загрузить' }));
    act(() => FakeXhr.last?.onerror?.());
    expect((await screen.findByRole('alert')).textContent).toBe('Нет связи с сервером: файл не отправлен');
  });

  it('lists imports with their status and counts, linked to each import', async () => {
    renderImports('/imports');
    const row = await screen.findByTestId('import-row');
    expect(within(row).getByRole('link', { name: 'база.csv' }).getAttribute('href')).toBe(
      `/imports/${IMPORT_ID}`,
    );
    expect(within(row).getByText('Завершён')).toBeTruthy();
    expect(screen.getByTestId('new-import').getAttribute('href')).toBe('/imports/new');
  });

  it('a viewer sees the list without the new import button', async () => {
    renderImports('/imports', 'viewer');
    await screen.findByTestId('import-row');
    expect(screen.queryByTestId('new-import')).toBeNull();
  });
});

describe('uploadProblem', () => {
  it.each([
    [
      400,
      '{"error":{"message":"bad","data":{"code":"BAD_REQUEST","issues":[{"field":"file","message":"bad"}]}}}',
      'BAD_REQUEST',
      { file: 'bad' },
    ],
    [413, '{"error":{"message":"too big","data":{"code":"PAYLOAD_TOO_LARGE"}}}', 'PAYLOAD_TOO_LARGE', {}],
    [502, '<html>Bad gateway</html>', 'HTTP_502', {}],
    [0, '', 'NETWORK', {}],
  ])('status %i reads as %s', (status, body, code, fields) => {
    const problem = uploadProblem(status, body);
    expect(problem.code).toBe(code);
    expect(problem.fields).toEqual(fields);
  });
});
