import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ImportStatusView } from './api.ts';
import { apiError, BATCH_ID, dryRunResult, IMPORT_ID, importView, renderImports } from './testing.tsx';

configure({ asyncUtilTimeout: 4000 });

const api = await vi.hoisted(async () => (await import('./testing-api.ts')).makeImportsApi());
vi.mock(import('../../api/trpc.ts'), async (importOriginal) => ({
  ...(await importOriginal()),
  trpc: (await import('./testing-api.ts')).trpcOf(api) as never,
}));

const route = `/imports/${IMPORT_ID}`;

beforeEach(() => {
  for (const fn of Object.values(api)) fn.mockReset();
  api.get.mockResolvedValue(importView());
  api.fields.mockResolvedValue({ items: [{ key: 'loyalty_card', label: 'Номер карты', type: 'text' }] });
  api.mappings.mockResolvedValue([]);
  api.setMapping.mockImplementation(async (input: { mapping: unknown }) => importView(input as never));
  api.dryRun.mockResolvedValue(dryRunResult);
});

const running = (rowsDone: number, patch: Partial<ImportStatusView> = {}): ImportStatusView => ({
  id: IMPORT_ID,
  status: 'running',
  counts: { rowsDone, created: rowsDone, updated: 0, duplicates: 0, invalid: 0 },
  progress: {
    rowsDone,
    totalRows: 10_000,
    bytesDone: 0,
    fileSize: 20_480,
    fraction: rowsDone / 10_000,
    rowsPerSecond: 2500,
    etaSeconds: 200,
  },
  error: null,
  undoReport: null,
  ...patch,
});

describe('import setup', () => {
  it('shows the detected file and the suggested mapping; a changed target is what is sent', async () => {
    const user = userEvent.setup();
    renderImports(route);
    expect(await screen.findByRole('heading', { level: 1, name: 'клиенты.csv' })).toBeTruthy();
    expect(screen.getByText('windows-1251')).toBeTruthy();
    const city = screen.getByRole('combobox', { name: 'Поле для столбца «Город»' });
    expect(city).toHaveProperty('value', '');
    // The custom fields of the workspace are offered too.
    await waitFor(() => expect(within(city).getByRole('option', { name: 'Номер карты' })).toBeTruthy());
    await user.selectOptions(city, 'Город');
    await user.selectOptions(
      screen.getByRole('combobox', { name: 'Поле для столбца «Телефон»' }),
      'Телефон: Мобильный',
    );
    await user.type(screen.getByLabelText('Стоимость, ₽'), '15 000,50');
    await user.click(screen.getByRole('button', { name: 'Проверить файл' }));

    await waitFor(() => expect(api.setMapping).toHaveBeenCalledTimes(1));
    expect(api.setMapping).toHaveBeenCalledWith({
      id: IMPORT_ID,
      mapping: [
        { column: 0, header: 'ФИО', target: { kind: 'field', field: 'fullName' } },
        { column: 1, header: 'Телефон', target: { kind: 'phone', type: 'mobile' } },
        { column: 2, header: 'Город', target: { kind: 'field', field: 'city' } },
      ],
      source: {
        batchKind: 'import',
        name: 'клиенты.csv',
        vendor: null,
        costKopecks: 1_500_050,
        acquiredOn: null,
      },
      allowPartialRows: true,
    });
    await waitFor(() =>
      expect(api.dryRun).toHaveBeenCalledWith({
        id: IMPORT_ID,
        duplicatePolicy: { matchBy: ['externalId', 'phone', 'email'], action: 'skip' },
      }),
    );
  });

  it('puts a refused mapping by its row, and a refused source by its field', async () => {
    const user = userEvent.setup();
    api.setMapping.mockRejectedValue(
      apiError('BAD_REQUEST', 'Сопоставление не принято', [
        {
          field: 'mapping.0.target',
          code: 'duplicate_target',
          message: 'Поле «ФИО целиком» уже занято столбцом 2',
        },
        { field: 'source.name', code: 'too_small', message: 'Укажите название партии' },
      ]),
    );
    renderImports(route);
    await user.click(await screen.findByRole('button', { name: 'Проверить файл' }));
    const fio = screen.getByRole('combobox', { name: 'Поле для столбца «ФИО»' });
    await waitFor(() => expect(fio.getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById(fio.getAttribute('aria-describedby') ?? '')?.textContent).toBe(
      'Поле «ФИО целиком» уже занято столбцом 2',
    );
    expect(
      screen.getByRole('combobox', { name: 'Поле для столбца «Телефон»' }).getAttribute('aria-invalid'),
    ).toBeNull();
    expect(screen.getByLabelText('Название партии').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('Укажите название партии')).toBeTruthy();
    expect(api.dryRun).not.toHaveBeenCalled();
  });

  it('refuses a cost that is not a sum before asking the API', async () => {
    const user = userEvent.setup();
    renderImports(route);
    await user.type(await screen.findByLabelText('Стоимость, ₽'), 'дорого');
    await user.click(screen.getByRole('button', { name: 'Проверить файл' }));
    expect(screen.getByText('Введите сумму в рублях, например 15000 или 15000,50')).toBeTruthy();
    expect(api.setMapping).not.toHaveBeenCalled();
  });

  it('previews the dry run: counts, rows as stored, an invalid row with its reason, and the error report', async () => {
    const user = userEvent.setup();
    renderImports(route);
    const start = await screen.findByTestId('import-start');
    expect(start).toHaveProperty('disabled', true);
    await user.click(screen.getByRole('button', { name: 'Проверить файл' }));
    const preview = await screen.findByTestId('dry-run');
    expect(within(screen.getByTestId('dry-create')).getByRole('definition').textContent).toBe('1');
    expect(within(screen.getByTestId('dry-invalid')).getByRole('definition').textContent).toBe('1');
    const rows = within(preview).getAllByTestId('preview-row');
    expect(rows.map((r) => r.getAttribute('data-action'))).toEqual(['create', 'invalid']);
    expect(within(rows[0]!).getByText('+79161234567')).toBeTruthy();
    expect(within(rows[1]!).getByText('«Телефон»: «abc» — не похоже на номер телефона')).toBeTruthy();
    expect(
      within(preview).getByRole('link', { name: 'Скачать отчёт об ошибках (CSV)' }).getAttribute('href'),
    ).toBe(`/api/imports/${IMPORT_ID}/errors.csv?dryRun=1`);
    expect(start).toHaveProperty('disabled', false);

    // A change after the check asks for a new one before the import can start.
    await user.click(screen.getByLabelText(/Импортировать строку без неверных значений/));
    expect(screen.getByText('Настройки изменились после проверки: проверьте файл ещё раз.')).toBeTruthy();
    expect(start).toHaveProperty('disabled', true);
  });

  it('checks and starts with the chosen duplicate policy, then shows the progress bar with rows, rate and ETA', async () => {
    const user = userEvent.setup();
    api.get.mockResolvedValue(importView({ dryRun: dryRunResult }));
    api.start.mockResolvedValue(importView({ status: 'queued' }));
    api.status.mockResolvedValue(running(2500));
    renderImports(route);
    const start = await screen.findByRole('button', { name: 'Начать импорт' });
    // A dry run stored with the import speaks for the settings it was made with.
    expect(start).toHaveProperty('disabled', false);
    await user.click(screen.getByLabelText('по e-mail'));
    await user.click(screen.getByLabelText('по похожему имени (нечёткое сравнение)'));
    await user.click(screen.getByLabelText('Дополнить пустые поля'));
    // The counts depend on the policy: a changed policy needs a new check.
    expect(start).toHaveProperty('disabled', true);
    await user.click(screen.getByRole('button', { name: 'Проверить файл' }));
    const policy = { matchBy: ['externalId', 'phone', 'fuzzy'], action: 'fill' };
    await waitFor(() => expect(api.dryRun).toHaveBeenCalledWith({ id: IMPORT_ID, duplicatePolicy: policy }));
    await waitFor(() => expect(start).toHaveProperty('disabled', false));
    await user.click(start);
    expect(api.start).toHaveBeenCalledWith({ id: IMPORT_ID, duplicatePolicy: policy });

    const bar = await screen.findByRole('progressbar', { name: 'Обработано строк' });
    await waitFor(() => expect(bar.getAttribute('aria-valuenow')).toBe('2500'));
    expect(bar.getAttribute('aria-valuemin')).toBe('0');
    expect(bar.getAttribute('aria-valuemax')).toBe('10000');
    expect(bar.getAttribute('aria-valuetext')).toBe('2\u00a0500 из 10\u00a0000 строк');
    expect(screen.getByTestId('import-rate').textContent).toBe(
      '2\u00a0500 строк/с · осталось около 3 мин 20 с',
    );
    expect(screen.getByTestId('import-status').textContent).toBe('Идёт');
  });

  it('asks for a way to match unless the action is "create anyway"', async () => {
    const user = userEvent.setup();
    api.get.mockResolvedValue(
      importView({ dryRun: dryRunResult, duplicatePolicy: { matchBy: ['phone'], action: 'skip' } }),
    );
    renderImports(route);
    await user.click(await screen.findByLabelText('по телефону'));
    await user.click(screen.getByRole('button', { name: 'Проверить файл' }));
    expect(screen.getByText('Выберите хотя бы один признак совпадения')).toBeTruthy();
    expect(api.setMapping).not.toHaveBeenCalled();
    await user.click(screen.getByLabelText('Всё равно создать нового'));
    await user.click(screen.getByRole('button', { name: 'Проверить файл' }));
    await waitFor(() =>
      expect(api.dryRun).toHaveBeenCalledWith({
        id: IMPORT_ID,
        duplicatePolicy: { matchBy: [], action: 'create' },
      }),
    );
  });
});

describe('a running and a finished import', () => {
  it('polls while running and shows the result when the worker is done', async () => {
    api.get.mockResolvedValueOnce(importView({ status: 'running' }));
    api.status
      .mockResolvedValueOnce(running(4000))
      .mockResolvedValue(running(10_000, { status: 'completed' }));
    api.get.mockResolvedValue(
      importView({
        status: 'completed',
        batchId: BATCH_ID,
        errorCount: 3,
        counts: { rowsDone: 10_000, created: 9000, updated: 500, duplicates: 497, invalid: 3 },
      }),
    );
    renderImports(route);
    const bar = await screen.findByRole('progressbar', { name: 'Обработано строк' });
    await waitFor(() => expect(bar.getAttribute('aria-valuenow')).toBe('4000'));
    const done = await screen.findByTestId('import-completed');
    expect(api.status.mock.calls.length).toBeGreaterThanOrEqual(2);
    expect(within(screen.getByTestId('count-created')).getByRole('definition').textContent).toBe(
      '9\u00a0000',
    );
    expect(
      within(done).getByRole('link', { name: 'Показать клиентов из этого импорта' }).getAttribute('href'),
    ).toBe(`/clients?batch=${BATCH_ID}`);
    expect(
      within(done).getByRole('link', { name: 'Скачать отчёт об ошибках (CSV)' }).getAttribute('href'),
    ).toBe(`/api/imports/${IMPORT_ID}/errors.csv`);
  });

  it('undoes a completed import after a confirmation, then lists the clients it kept', async () => {
    const user = userEvent.setup();
    api.get.mockResolvedValueOnce(importView({ status: 'completed', batchId: BATCH_ID }));
    api.undo.mockResolvedValue(importView({ status: 'undoing' }));
    api.status.mockResolvedValue({
      ...running(0, { status: 'undone' }),
      undoReport: { kept: [{ clientId: 'c1', displayName: 'Иванов Иван', reason: 'edited_since' }] },
    });
    api.get.mockResolvedValue(
      importView({
        status: 'undone',
        undoReport: {
          kept: [{ clientId: 'c1', displayName: 'Иванов Иван', reason: 'edited_since' }],
          deleted: 41,
          restored: 7,
        },
      }),
    );
    renderImports(route);
    await user.click(await screen.findByRole('button', { name: 'Отменить импорт' }));
    const dialog = screen.getByRole('dialog', { name: 'Отменить импорт?' });
    expect(api.undo).not.toHaveBeenCalled();
    await user.click(within(dialog).getByRole('button', { name: 'Отменить импорт' }));
    expect(api.undo).toHaveBeenCalledWith({ id: IMPORT_ID });

    const report = await screen.findByTestId('import-undone');
    expect(screen.queryByRole('dialog')).toBeNull();
    const kept = within(report).getByTestId('undo-kept');
    expect(within(kept).getByRole('link', { name: 'Иванов Иван' }).getAttribute('href')).toBe('/clients/c1');
    expect(within(kept).getByText('Изменён после импорта')).toBeTruthy();
    expect(screen.getByTestId('undo-totals').textContent).toBe(
      'Удалено созданных клиентов: 41, восстановлено изменённых: 7.',
    );
    expect(screen.getByTestId('import-status').textContent).toBe('Отменён');
  });

  it('keeps the confirmation open with the reason when the undo is refused', async () => {
    const user = userEvent.setup();
    api.get.mockResolvedValue(importView({ status: 'completed' }));
    api.undo.mockRejectedValue(apiError('CONFLICT', 'Импорт уже отменяется'));
    renderImports(route);
    await user.click(await screen.findByRole('button', { name: 'Отменить импорт' }));
    const dialog = screen.getByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Отменить импорт' }));
    expect((await within(dialog).findByRole('alert')).textContent).toBe('Импорт уже отменяется');
  });

  it('hides the undo from a viewer, and says when the import does not exist', async () => {
    api.get.mockResolvedValueOnce(importView({ status: 'completed' }));
    const first = renderImports(route, 'viewer');
    await screen.findByTestId('import-completed');
    expect(screen.queryByTestId('import-undo')).toBeNull();
    first.unmount();
    api.get.mockRejectedValue(apiError('NOT_FOUND', 'Импорт не найден'));
    renderImports(route);
    expect(await screen.findByText('Импорт не найден')).toBeTruthy();
  });
});
