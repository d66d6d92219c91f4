import { suggestPurchaseMapping } from '@cb/domain';
import type { Role } from '@cb/domain/vocabulary';
import { TRPCClientError } from '@trpc/client';
import { Route, Routes, useLocation } from 'react-router';
import { type Me, SessionProvider } from '../../app/session.tsx';
import { renderWithProviders } from '../../testing/render.tsx';
import type { ClientImportView, DryRun, PurchaseImportView } from './api.ts';
import ImportScreen from './detail.tsx';
import ImportList from './index.tsx';
import NewImport from './new.tsx';

/** Test helpers for the import screens (only tests import this). */

export const IMPORT_ID = '0a000000-0000-4000-8000-000000000001';
export const BATCH_ID = '0b000000-0000-4000-8000-000000000001';

export function apiError(
  code: string,
  message: string,
  issues?: { field: string; code?: string; message: string }[],
) {
  return new TRPCClientError(message, {
    result: { error: { code: -32600, message, data: { code, httpStatus: 400, path: null, issues } } },
  } as never);
}

export const me = (role: Role = 'manager') =>
  ({
    user: { id: 'u1', email: 'olga@example.com', name: 'Ольга' },
    workspace: { id: 'w1', name: 'Ромашка' },
    role,
    memberships: [],
    via: 'session',
  }) as unknown as Me;

const CLIENT_MAPPING: ClientImportView['mapping'] = [
  { column: 0, header: 'ФИО', target: { kind: 'field', field: 'fullName' } },
  { column: 1, header: 'Телефон', target: { kind: 'phone' } },
  { column: 2, header: 'Город', target: null },
];

/** A client import as the API shows it: its mapping as stored, and the one its headers suggest. */
export function importView(patch: Partial<ClientImportView> = {}): ClientImportView {
  return {
    id: IMPORT_ID,
    kind: 'clients',
    mapping: CLIENT_MAPPING,
    suggestedMapping: CLIENT_MAPPING,
    dateOrder: 'dmy',
    suggestedDateOrder: 'dmy',
    fileName: 'клиенты.csv',
    fileSize: 20_480,
    status: 'uploaded',
    file: { format: 'csv', encoding: 'windows-1251', delimiter: ';', sheet: null, sheets: [] },
    headers: ['ФИО', 'Телефон', 'Город'],
    sample: [
      ['Иванов Иван Иванович', '8 916 123-45-67', 'Москва'],
      ['Петрова Анна', 'abc', 'Тверь'],
    ],
    source: null,
    allowPartialRows: true,
    duplicatePolicy: null,
    batchId: null,
    totalRows: 2,
    counts: { rowsDone: 0, created: 0, updated: 0, duplicates: 0, invalid: 0, purchases: 0 },
    progress: {
      rowsDone: 0,
      totalRows: 2,
      bytesDone: 0,
      fileSize: 20_480,
      fraction: 0,
      rowsPerSecond: null,
      etaSeconds: null,
    },
    dryRun: null,
    error: null,
    undoReport: null,
    errorCount: 0,
    createdAt: '2026-11-20T10:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    ...patch,
  };
}

/** The UCI Online Retail file's header row and first lines. */
export const retailHeaders = [
  'InvoiceNo',
  'StockCode',
  'Description',
  'Quantity',
  'InvoiceDate',
  'UnitPrice',
  'CustomerID',
  'Country',
];

/** The UCI file's first lines. */
const retailSample = [
  [
    '536365',
    '85123A',
    'WHITE HANGING HEART T-LIGHT HOLDER',
    '6',
    '2010-12-01 08:26',
    '2.55',
    '17850',
    'United Kingdom',
  ],
  ['536366', '22633', 'HAND WARMER UNION JACK', '6', '2010-12-01 08:28', '1.85', '17850', 'United Kingdom'],
];

/** A purchase file as uploaded: the API gave it a client mapping, as it does to every file. */
export function retailImportView(patch: Partial<ClientImportView> = {}): ClientImportView {
  const mapping: ClientImportView['mapping'] = retailHeaders.map((header, column) => ({
    column,
    header,
    target: header === 'CustomerID' ? { kind: 'field', field: 'externalId' } : null,
  }));
  return importView({
    fileName: 'online-retail.csv',
    file: { format: 'csv', encoding: 'utf-8', delimiter: ',', sheet: null, sheets: [] },
    headers: retailHeaders,
    sample: retailSample,
    mapping,
    suggestedMapping: mapping,
    totalRows: 541_909,
    ...patch,
  });
}

/** A purchase import as the API shows it: the UCI file stored as purchases, with the suggested columns. */
export function retailPurchaseView(patch: Partial<PurchaseImportView> = {}): PurchaseImportView {
  const { kind: _kind, mapping: _mapping, suggestedMapping: _suggested, ...common } = retailImportView();
  return {
    ...common,
    kind: 'purchases',
    mapping: suggestPurchaseMapping(retailHeaders),
    suggestedMapping: suggestPurchaseMapping(retailHeaders),
    ...patch,
  };
}

export const dryRunResult: DryRun = {
  kind: 'clients',
  rowsChecked: 2,
  totalRows: 2,
  complete: true,
  counts: { create: 1, update: 0, duplicate: 0, invalid: 1, partial: 0 },
  preview: [
    {
      row: 2,
      action: 'create',
      client: {
        displayName: 'Иванов Иван Иванович',
        kind: 'person',
        lastName: 'Иванов',
        firstName: 'Иван',
        patronymic: 'Иванович',
        legalName: null,
        inn: null,
        kpp: null,
        birthday: null,
        phones: ['+79161234567'],
        emails: [],
        city: 'Москва',
        address: null,
        tags: [],
        custom: {},
        externalId: null,
      },
      matchedClient: null,
      matchedBy: null,
      issues: [],
    },
    {
      row: 3,
      action: 'invalid',
      client: null,
      matchedClient: null,
      matchedBy: null,
      issues: [
        {
          row: 3,
          column: 1,
          header: 'Телефон',
          value: 'abc',
          code: 'phone_invalid',
          message: 'не похоже на номер телефона',
        },
      ],
    },
  ],
  errorCount: 1,
  duplicatePolicy: { matchBy: ['externalId', 'phone', 'email'], action: 'skip' },
  checkedAt: '2026-11-20T10:01:00.000Z',
};

/** A purchase file's dry run: a line for a stored client, one for a client to create, a return. */
export const purchaseDryRunResult: DryRun = {
  kind: 'purchases',
  rowsChecked: 3,
  totalRows: 3,
  complete: true,
  counts: { purchases: 2, lines: 2, newClients: 1, existingClients: 1, invalid: 0, returns: 1 },
  preview: [
    {
      row: 2,
      action: 'line',
      line: {
        invoice: '536365',
        at: '2010-12-01T08:26:00Z',
        sku: '85123A',
        name: 'WHITE HANGING HEART',
        quantity: 6,
        priceKopecks: 255,
        amountKopecks: 1530,
        currency: 'GBP',
      },
      client: { id: '0c000000-0000-4000-8000-000000000001', externalId: '17850', displayName: 'Иванов Иван' },
      newPurchase: true,
      issues: [],
    },
    {
      row: 3,
      action: 'line',
      line: {
        invoice: '536366',
        at: '2010-12-01T08:28:00Z',
        sku: null,
        name: 'HAND WARMER',
        quantity: 2,
        priceKopecks: 185,
        amountKopecks: 370,
        currency: 'GBP',
      },
      client: { id: null, externalId: '13047', displayName: 'Клиент 13047' },
      newPurchase: true,
      issues: [],
    },
    {
      row: 4,
      action: 'return',
      line: null,
      client: null,
      newPurchase: false,
      issues: [
        {
          row: 4,
          column: 3,
          header: 'Quantity',
          value: '-1',
          code: 'purchase_return',
          message: 'A return or cancellation: not imported as a purchase',
        },
      ],
    },
  ],
  errorCount: 1,
  checkedAt: '2026-11-20T10:01:00.000Z',
};

function Where() {
  return <output data-testid="where">{useLocation().pathname}</output>;
}

export function renderImports(route: string, role: Role = 'manager') {
  return renderWithProviders(
    <SessionProvider value={me(role)}>
      <Routes>
        <Route path="/imports" element={<ImportList />} />
        <Route path="/imports/new" element={<NewImport />} />
        <Route path="/imports/:id" element={<ImportScreen />} />
        <Route path="*" element={null} />
      </Routes>
      <Where />
    </SessionProvider>,
    { route },
  );
}

/** A stand-in for XMLHttpRequest: the test drives the upload's progress and answer. */
export class FakeXhr {
  static last: FakeXhr | null = null;
  method = '';
  url = '';
  body: unknown = null;
  status = 0;
  responseText = '';
  withCredentials = false;
  upload: { onprogress: ((e: { lengthComputable: boolean; loaded: number; total: number }) => void) | null } =
    {
      onprogress: null,
    };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  constructor() {
    FakeXhr.last = this;
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  send(body: unknown) {
    this.body = body;
  }
  abort() {
    this.onabort?.();
  }
  progress(loaded: number, total: number) {
    this.upload.onprogress?.({ lengthComputable: true, loaded, total });
  }
  respond(status: number, body: unknown) {
    this.status = status;
    this.responseText = JSON.stringify(body);
    this.onload?.();
  }
}
