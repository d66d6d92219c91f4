import type { PurchaseMapping } from '@cb/domain';
import { act, cleanup, configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { i18next } from '../../i18n/index.ts';
import type { ImportStatusView } from './api.ts';
import {
  apiError,
  BATCH_ID,
  dryRunResult,
  IMPORT_ID,
  importView,
  purchaseDryRunResult,
  renderImports,
  retailImportView,
  retailPurchaseView,
} from './testing.tsx';

configure({ asyncUtilTimeout: 4000 });

const api = await vi.hoisted(async () => (await import('./testing-api.ts')).makeImportsApi());
vi.mock(import('../../api/trpc.ts'), async (importOriginal) => ({
  ...(await importOriginal()),
  trpc: (await import('./testing-api.ts')).trpcOf(api) as never,
}));

const route = `/imports/${IMPORT_ID}`;

/** The select of a purchase field, by the field's name. */
const purchaseSelect = (field: string) =>
  screen.getByRole<HTMLSelectElement>('combobox', { name: `Столбец для поля «${field}»` });
const chosenColumn = (field: string) => purchaseSelect(field).selectedOptions[0]?.textContent;
/** The texts an element is described by (its hint, its error). */
const describedBy = (element: HTMLElement) =>
  (element.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .map((id) => document.getElementById(id)?.textContent ?? '');

/** The UCI file as the purchase editor suggests it, column by column. */
const retailPurchaseMapping: PurchaseMapping = [
  { column: 0, header: 'InvoiceNo', target: 'invoice' },
  { column: 1, header: 'StockCode', target: 'sku' },
  { column: 2, header: 'Description', target: 'description' },
  { column: 3, header: 'Quantity', target: 'quantity' },
  { column: 4, header: 'InvoiceDate', target: 'date' },
  { column: 5, header: 'UnitPrice', target: 'unitPrice' },
  { column: 6, header: 'CustomerID', target: 'clientExternalId' },
  { column: 7, header: 'Country', target: 'country' },
];

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
  counts: { rowsDone, created: rowsDone, updated: 0, duplicates: 0, invalid: 0, purchases: 0 },
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
      kind: 'clients',
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
      dateOrder: 'dmy',
      allowPartialRows: true,
    });
    await waitFor(() =>
      expect(api.dryRun).toHaveBeenCalledWith({
        id: IMPORT_ID,
        duplicatePolicy: { matchBy: ['externalId', 'phone', 'email'], action: 'skip' },
      }),
    );
  });

  it('shows the date order the API suggests for the file, and sends the one chosen', async () => {
    const user = userEvent.setup();
    const usMapping = importView().mapping.map((c) => ({ ...c, dateOrder: 'mdy' as const }));
    api.get.mockResolvedValue(
      importView({ mapping: usMapping, dateOrder: 'mdy', suggestedDateOrder: 'mdy' }),
    );
    renderImports(route);
    const dates = await screen.findByRole<HTMLSelectElement>('combobox', { name: 'Даты' });
    expect(dates.value).toBe('mdy');
    expect([...dates.options].map((o) => o.textContent)).toEqual(['ДД.ММ.ГГГГ', 'ММ/ДД/ГГГГ']);
    expect(describedBy(dates)).toEqual([
      'Как в файле записаны даты: день первым (31.12.2010) или месяц первым, как в США (12/31/2010).',
    ]);
    await user.selectOptions(dates, 'ДД.ММ.ГГГГ');
    await user.click(screen.getByRole('button', { name: 'Проверить файл' }));
    await waitFor(() => expect(api.setMapping).toHaveBeenCalledTimes(1));
    expect(api.setMapping).toHaveBeenCalledWith(
      expect.objectContaining({ kind: 'clients', mapping: usMapping, dateOrder: 'dmy' }),
    );
  });

  it("reads a purchase file's dates month first when its sample does", async () => {
    const user = userEvent.setup();
    const us = retailImportView().sample.map((row) => row.map((v, i) => (i === 4 ? '12/13/2010 8:26' : v)));
    api.get.mockResolvedValue(retailImportView({ sample: us }));
    api.setMapping.mockImplementation(async () => retailPurchaseView({ dateOrder: 'mdy' }));
    api.dryRun.mockResolvedValue(purchaseDryRunResult);
    renderImports(route);
    const dates = await screen.findByRole<HTMLSelectElement>('combobox', { name: 'Даты' });
    // Nothing in the client columns tells: the client mapping reads day first.
    expect(dates.value).toBe('dmy');
    await user.click(screen.getByRole('radio', { name: 'Покупки' }));
    expect(screen.getByRole<HTMLSelectElement>('combobox', { name: 'Даты' }).value).toBe('mdy');
    await user.click(screen.getByRole('button', { name: 'Проверить файл' }));
    await waitFor(() => expect(api.setMapping).toHaveBeenCalledTimes(1));
    expect(api.setMapping).toHaveBeenCalledWith(
      expect.objectContaining({ kind: 'purchases', dateOrder: 'mdy' }),
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

describe('a purchase file', () => {
  it('previews its dry run as purchase lines: counts, clients found or created, returns skipped', async () => {
    api.get.mockResolvedValue(retailPurchaseView({ dryRun: purchaseDryRunResult }));
    renderImports(route);
    const preview = await screen.findByTestId('dry-run');
    const figure = (id: string) => within(screen.getByTestId(id)).getByRole('definition').textContent;
    expect([
      figure('dry-purchases'),
      figure('dry-lines'),
      figure('dry-new-clients'),
      figure('dry-existing-clients'),
      figure('dry-invalid'),
      figure('dry-returns'),
    ]).toEqual(['2', '2', '1', '1', '0', '1']);
    const rows = within(preview).getAllByTestId('preview-row');
    expect(rows.map((r) => r.getAttribute('data-action'))).toEqual(['line', 'line', 'return']);
    expect(within(rows[0]!).getByRole('link', { name: 'Иванов Иван' }).getAttribute('href')).toBe(
      '/clients/0c000000-0000-4000-8000-000000000001',
    );
    expect(within(rows[0]!).getByText('WHITE HANGING HEART')).toBeTruthy();
    expect(within(rows[0]!).getByText('6 × 2,55 £')).toBeTruthy();
    expect(within(rows[1]!).getByText('будет создан')).toBeTruthy();
    expect(within(rows[2]!).getByText('Возврат')).toBeTruthy();
    expect(
      within(preview).getByRole('link', { name: 'Скачать отчёт об ошибках (CSV)' }).getAttribute('href'),
    ).toBe(`/api/imports/${IMPORT_ID}/errors.csv?dryRun=1`);
    // Purchases attach by the customer id: there is no duplicate policy to choose.
    expect(screen.queryByRole('heading', { name: 'Дубликаты' })).toBeNull();
  });
});

describe('setting up a purchase file', () => {
  it('suggests the purchase columns of the UCI file once "Purchases" is chosen, and sends them with the kind and the currency', async () => {
    const user = userEvent.setup();
    api.get.mockResolvedValue(retailImportView());
    api.setMapping.mockImplementation(async (input: { mapping: unknown; source: unknown }) =>
      retailPurchaseView({ mapping: input.mapping as never, source: input.source as never }),
    );
    api.dryRun.mockResolvedValue(purchaseDryRunResult);
    api.start.mockResolvedValue(retailPurchaseView({ status: 'queued' }));
    api.status.mockResolvedValue(running(0));
    renderImports(route);
    const clients = await screen.findByRole('radio', { name: 'Клиенты' });
    expect(clients).toHaveProperty('checked', true);
    expect(screen.getByTestId('import-mapping')).toBeTruthy();

    const purchases = screen.getByRole('radio', { name: 'Покупки' });
    expect(describedBy(purchases)).toEqual([
      'Каждая строка — товар в заказе или заказ целиком: покупки привязываются к клиентам по коду клиента, клиенты без карточки создаются.',
    ]);
    await user.click(purchases);
    expect(screen.queryByTestId('import-mapping')).toBeNull();
    expect(screen.getByTestId('purchase-mapping')).toBeTruthy();
    expect(
      ['Код клиента', 'Номер заказа', 'Дата покупки', 'Цена за единицу', 'Сумма', 'Имя клиента'].map(
        chosenColumn,
      ),
    ).toEqual(['CustomerID', 'InvoiceNo', 'InvoiceDate', 'UnitPrice', '— нет в файле —', '— нет в файле —']);
    // Required fields say so, in words and to assistive technology; the sample shows the column's values.
    expect(purchaseSelect('Код клиента').getAttribute('aria-required')).toBe('true');
    expect(purchaseSelect('Сумма').getAttribute('aria-required')).toBeNull();
    const customerRow = screen
      .getAllByTestId('purchase-row')
      .find((row) => row.getAttribute('data-field') === 'clientExternalId');
    expect(within(customerRow!).getByText('обязательно')).toBeTruthy();
    expect(within(customerRow!).getAllByText('17850')).toHaveLength(2);
    // Neither partial rows nor a duplicate policy apply to purchases.
    expect(screen.queryByLabelText(/Импортировать строку без неверных значений/)).toBeNull();
    expect(screen.queryByRole('heading', { name: 'Дубликаты' })).toBeNull();

    await user.selectOptions(purchaseSelect('Страна'), '— нет в файле —');
    await user.type(screen.getByLabelText('Валюта по умолчанию'), 'gbp');
    await user.click(screen.getByRole('button', { name: 'Проверить файл' }));
    await waitFor(() => expect(api.setMapping).toHaveBeenCalledTimes(1));
    expect(api.setMapping).toHaveBeenCalledWith({
      id: IMPORT_ID,
      kind: 'purchases',
      mapping: retailPurchaseMapping.map((c) => (c.target === 'country' ? { ...c, target: null } : c)),
      source: {
        batchKind: 'import',
        name: 'online-retail.csv',
        vendor: null,
        costKopecks: null,
        acquiredOn: null,
        currency: 'GBP',
      },
      dateOrder: 'dmy',
    });
    await waitFor(() => expect(api.dryRun).toHaveBeenCalledWith({ id: IMPORT_ID }));
    expect(await screen.findByTestId('dry-purchases')).toBeTruthy();
    const start = screen.getByRole('button', { name: 'Начать импорт' });
    await waitFor(() => expect(start).toHaveProperty('disabled', false));
    await user.click(start);
    // A purchase run has no duplicate policy: none is sent.
    expect(api.start).toHaveBeenCalledWith({ id: IMPORT_ID });
    // Its progress is counted in purchase words.
    await screen.findByTestId('import-running');
    expect(screen.getByTestId('count-lines')).toBeTruthy();
    expect(screen.queryByTestId('count-duplicates')).toBeNull();
  });

  it('asks for the required columns and refuses a column chosen twice before sending; API issues land on their fields', async () => {
    const user = userEvent.setup();
    api.get.mockResolvedValue(retailImportView());
    renderImports(route);
    await user.click(await screen.findByRole('radio', { name: 'Покупки' }));
    await user.selectOptions(purchaseSelect('Код клиента'), '— нет в файле —');
    await user.selectOptions(purchaseSelect('Цена за единицу'), '— нет в файле —');
    await user.selectOptions(purchaseSelect('Имя клиента'), 'InvoiceDate');
    // A column chosen twice is shown at once, on both fields.
    expect(purchaseSelect('Имя клиента').getAttribute('aria-invalid')).toBe('true');
    expect(describedBy(purchaseSelect('Имя клиента'))).toContain(
      'Этот столбец уже выбран для поля «Дата покупки»',
    );
    expect(describedBy(purchaseSelect('Дата покупки'))).toContain(
      'Этот столбец уже выбран для поля «Имя клиента»',
    );
    expect(purchaseSelect('Код клиента').getAttribute('aria-invalid')).toBeNull();
    await user.type(screen.getByLabelText('Валюта по умолчанию'), 'фунты');
    await user.click(screen.getByRole('button', { name: 'Проверить файл' }));
    expect(describedBy(purchaseSelect('Код клиента'))).toContain(
      'Выберите столбец: без этого поля покупку не импортировать',
    );
    expect(describedBy(purchaseSelect('Цена за единицу'))).toContain(
      'Выберите столбец с ценой за единицу или с суммой',
    );
    expect(screen.getByText('Три латинские буквы кода валюты, например RUB или EUR')).toBeTruthy();
    expect(api.setMapping).not.toHaveBeenCalled();

    await user.selectOptions(purchaseSelect('Код клиента'), 'CustomerID');
    await user.selectOptions(purchaseSelect('Сумма'), 'UnitPrice');
    await user.selectOptions(purchaseSelect('Имя клиента'), '— нет в файле —');
    await user.clear(screen.getByLabelText('Валюта по умолчанию'));
    expect(purchaseSelect('Код клиента').getAttribute('aria-invalid')).toBeNull();
    expect(purchaseSelect('Цена за единицу').getAttribute('aria-invalid')).toBeNull();
    api.setMapping.mockRejectedValue(
      apiError('BAD_REQUEST', 'Сопоставление не принято', [
        { field: 'mapping.4.target', code: 'custom', message: 'Даты в столбце не читаются' },
        { field: 'mapping', code: 'custom', message: 'Нужен столбец с кодом клиента' },
        { field: 'source.name', code: 'too_small', message: 'Укажите название партии' },
      ]),
    );
    await user.click(screen.getByRole('button', { name: 'Проверить файл' }));
    await waitFor(() => expect(purchaseSelect('Дата покупки').getAttribute('aria-invalid')).toBe('true'));
    expect(describedBy(purchaseSelect('Дата покупки'))).toContain('Даты в столбце не читаются');
    expect(purchaseSelect('Код клиента').getAttribute('aria-invalid')).toBeNull();
    expect(screen.getByTestId('mapping-issues').textContent).toBe('Нужен столбец с кодом клиента');
    expect(screen.getByLabelText('Название партии').getAttribute('aria-invalid')).toBe('true');
    expect(api.setMapping).toHaveBeenCalledWith(
      expect.objectContaining({
        kind: 'purchases',
        source: expect.objectContaining({ currency: null }),
      }),
    );
    expect(api.dryRun).not.toHaveBeenCalled();
  });

  it('opens a purchase import with the purchase editor and its stored columns; a stored dry run lets it start', async () => {
    const user = userEvent.setup();
    const stored = retailPurchaseMapping.map((c): PurchaseMapping[number] =>
      c.target === 'unitPrice'
        ? { ...c, target: null }
        : c.target === 'quantity'
          ? { ...c, target: 'amount' }
          : c,
    );
    api.get.mockResolvedValue(
      retailPurchaseView({
        mapping: stored,
        source: { batchKind: 'other_system', name: 'Магазин', currency: 'GBP' } as never,
        dryRun: purchaseDryRunResult,
      }),
    );
    renderImports(route);
    expect(await screen.findByRole('radio', { name: 'Покупки' })).toHaveProperty('checked', true);
    expect(screen.queryByTestId('import-mapping')).toBeNull();
    expect(['Сумма', 'Количество', 'Цена за единицу'].map(chosenColumn)).toEqual([
      'Quantity',
      '— нет в файле —',
      '— нет в файле —',
    ]);
    expect(screen.getByLabelText('Валюта по умолчанию')).toHaveProperty('value', 'GBP');
    // The setup form passes axe-core as the e2e runs it (colour contrast needs a real browser).
    const audit = await axe.run(screen.getByTestId('import-setup'), {
      resultTypes: ['violations'],
      rules: { 'color-contrast': { enabled: false } },
    });
    expect(
      audit.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    ).toEqual([]);
    const start = screen.getByRole('button', { name: 'Начать импорт' });
    expect(start).toHaveProperty('disabled', false);

    // Back to clients: the client editor, with a mapping suggested from the headers, and a new check.
    await user.click(screen.getByRole('radio', { name: 'Клиенты' }));
    expect(screen.queryByTestId('purchase-mapping')).toBeNull();
    expect(screen.getByRole('combobox', { name: 'Поле для столбца «CustomerID»' })).toBeTruthy();
    expect(screen.queryByLabelText('Валюта по умолчанию')).toBeNull();
    expect(start).toHaveProperty('disabled', true);
    await user.click(screen.getByRole('radio', { name: 'Покупки' }));
    expect(start).toHaveProperty('disabled', false);
  });

  it('offers the saved mappings of the chosen kind and applies one through the API, as that kind', async () => {
    const user = userEvent.setup();
    const saved = (id: string, kind: 'clients' | 'purchases', name: string) => ({
      id,
      kind,
      name,
      headers: [],
      mapping: [],
      createdAt: '2026-11-01T10:00:00.000Z',
      updatedAt: '2026-11-01T10:00:00.000Z',
    });
    const clientMappingId = '0d000000-0000-4000-8000-000000000001';
    const purchaseMappingId = '0d000000-0000-4000-8000-000000000002';
    api.get.mockResolvedValue(retailImportView());
    api.mappings.mockResolvedValue([
      saved(clientMappingId, 'clients', 'Клиенты из 1С'),
      saved(purchaseMappingId, 'purchases', 'Продажи магазина'),
    ]);
    // The API matched the saved columns to this file's headers: the city from Country, no item.
    api.applyMapping.mockResolvedValue(
      retailPurchaseView({
        mapping: retailPurchaseMapping.map((c): PurchaseMapping[number] =>
          c.target === 'description'
            ? { ...c, target: null }
            : c.target === 'country'
              ? { ...c, target: 'city' }
              : c,
        ),
      }),
    );
    renderImports(route);
    const list = await screen.findByRole('combobox', { name: 'Сохранённые сопоставления' });
    expect(
      within(list)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['— выберите —', 'Клиенты из 1С']);
    await user.click(screen.getByRole('radio', { name: 'Покупки' }));
    const purchaseList = screen.getByRole('combobox', { name: 'Сохранённые сопоставления' });
    expect(
      within(purchaseList)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['— выберите —', 'Продажи магазина']);
    await user.selectOptions(purchaseList, 'Продажи магазина');
    await user.click(screen.getByRole('button', { name: 'Применить' }));
    // The file is stored as clients: the import takes the kind chosen here with the mapping.
    expect(api.applyMapping).toHaveBeenCalledWith({
      id: IMPORT_ID,
      mappingId: purchaseMappingId,
      kind: 'purchases',
    });
    await waitFor(() => expect(chosenColumn('Город')).toBe('Country'));
    expect(['Код клиента', 'Товар', 'Страна', 'Дата покупки'].map(chosenColumn)).toEqual([
      'CustomerID',
      '— нет в файле —',
      '— нет в файле —',
      'InvoiceDate',
    ]);

    // A file stored as purchases turned back to clients: a client mapping, applied as clients.
    cleanup();
    api.get.mockResolvedValue(retailPurchaseView({ mapping: retailPurchaseMapping }));
    api.applyMapping.mockResolvedValue(
      retailImportView({
        mapping: retailPurchaseMapping.map((c) => ({
          ...c,
          target: c.header === 'Country' ? { kind: 'field', field: 'city' } : null,
        })),
      }),
    );
    renderImports(route);
    await user.click(await screen.findByRole('radio', { name: 'Клиенты' }));
    await user.selectOptions(
      await screen.findByRole('combobox', { name: 'Сохранённые сопоставления' }),
      'Клиенты из 1С',
    );
    await user.click(screen.getByRole('button', { name: 'Применить' }));
    expect(api.applyMapping).toHaveBeenLastCalledWith({
      id: IMPORT_ID,
      mappingId: clientMappingId,
      kind: 'clients',
    });
    await waitFor(() =>
      expect(screen.getByRole('combobox', { name: 'Поле для столбца «Country»' })).toHaveProperty(
        'value',
        'field:city',
      ),
    );
  });

  it('shows why the API refused a saved mapping', async () => {
    const user = userEvent.setup();
    api.get.mockResolvedValue(retailImportView());
    api.mappings.mockResolvedValue([
      {
        id: '0d000000-0000-4000-8000-000000000002',
        kind: 'purchases',
        name: 'Продажи магазина',
        headers: [],
        mapping: [],
        createdAt: '2026-11-01T10:00:00.000Z',
        updatedAt: '2026-11-01T10:00:00.000Z',
      },
    ]);
    api.applyMapping.mockRejectedValue(
      apiError('BAD_REQUEST', 'Не подходит', [
        {
          field: 'mappingId',
          code: 'custom',
          message: '«Продажи магазина» не подходит к этому файлу: нужен столбец с датой',
        },
      ]),
    );
    renderImports(route);
    await user.click(await screen.findByRole('radio', { name: 'Покупки' }));
    await user.selectOptions(
      screen.getByRole('combobox', { name: 'Сохранённые сопоставления' }),
      'Продажи магазина',
    );
    await user.click(screen.getByRole('button', { name: 'Применить' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Не подходит');
    // The assignment is as suggested: nothing was applied.
    expect(chosenColumn('Код клиента')).toBe('CustomerID');
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
        counts: { rowsDone: 10_000, created: 9000, updated: 500, duplicates: 497, invalid: 3, purchases: 0 },
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

  it.each([
    [
      'ru',
      [
        'Прочитано строк',
        'Покупок добавлено',
        'Загружено строк покупок',
        'Новых клиентов',
        'Не загружено строк (ошибки и возвраты)',
      ],
    ],
    [
      'en',
      [
        'Rows read',
        'Purchases added',
        'Purchase lines imported',
        'New clients',
        'Rows not imported (errors and returns)',
      ],
    ],
  ] as const)('counts a finished purchase import in purchase words (%s)', async (locale, labels) => {
    api.get.mockResolvedValue(
      retailPurchaseView({
        status: 'completed',
        batchId: BATCH_ID,
        counts: {
          rowsDone: 541_909,
          created: 4372,
          updated: 0,
          duplicates: 0,
          invalid: 145_000,
          purchases: 18_532,
        },
      }),
    );
    await act(() => i18next.changeLanguage(locale));
    onTestFinished(async () => {
      await act(() => i18next.changeLanguage('ru'));
    });
    renderImports(route);
    const counts = within(await screen.findByTestId('import-completed')).getByTestId('import-counts');
    expect(
      within(counts)
        .getAllByRole('term')
        .map((term) => term.textContent),
    ).toEqual(labels);
    // The rows that were neither rejected nor returns became purchase lines.
    const figure = (id: string) => within(screen.getByTestId(id)).getByRole('definition').textContent;
    expect(
      [
        figure('count-purchases'),
        figure('count-lines'),
        figure('count-created'),
        figure('count-invalid'),
      ].map((v) => v?.replace(/\D/g, '')),
    ).toEqual(['18532', '396909', '4372', '145000']);
    expect(screen.queryByTestId('count-updated')).toBeNull();
    expect(screen.queryByTestId('count-duplicates')).toBeNull();
  });

  it('undoes a completed import after a confirmation, then lists the clients it kept', async () => {
    const user = userEvent.setup();
    api.get.mockResolvedValueOnce(importView({ status: 'completed', batchId: BATCH_ID }));
    api.undo.mockResolvedValue(importView({ status: 'undoing' }));
    api.status.mockResolvedValue({
      ...running(0, { status: 'undone' }),
      undoReport: {
        kept: [{ clientId: 'c1', displayName: 'Иванов Иван', reason: 'edited_since' }],
        keptTotal: 1,
      },
    });
    api.get.mockResolvedValue(
      importView({
        status: 'undone',
        undoReport: {
          kept: [
            { clientId: 'c1', displayName: 'Иванов Иван', reason: 'edited_since' },
            { clientId: 'c2', displayName: 'Петрова Анна', reason: 'merged' },
          ],
          // The API lists the first kept clients only; the rest are counted.
          keptTotal: 1002,
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
    expect(within(kept).getAllByRole('link')).toHaveLength(2);
    expect(screen.getByTestId('undo-kept-more').textContent).toBe(
      'И ещё 1\u00a0000 — в списке только первые 2.',
    );
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
