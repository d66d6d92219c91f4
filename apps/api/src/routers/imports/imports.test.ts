import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execute } from '@cb/db';
import { suggestPurchaseMapping } from '@cb/domain';
import { runImport, runUndo, startWorker } from '@cb/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../log.ts';
import { addMember, type Caller, failure, openTestApp, signUp, type TestApp } from '../../testing/harness.ts';

/*
 * The import flow through the typed client over HTTP, on a real database: upload → get →
 * setMapping (bad input by field) → dryRun → start → the run (the worker's `runImport`, in this
 * process) → status → errors.csv → undo → undone; saved mappings, the list, roles, other workspaces.
 */

let t: TestApp;
let owner: Caller;
let viewer: Caller;
let outsider: Caller;
/** Where this file's direct `runImport` calls copy the stored file (the worker's job removes its own). */
let spoolDir: string;

beforeAll(async () => {
  spoolDir = await mkdtemp(join(tmpdir(), 'cb-imports-test-'));
  t = await openTestApp();
  owner = (await signUp(t.app, { workspaceName: 'Flow A' })).caller;
  viewer = (await addMember(t.app, owner, 'viewer')).caller;
  outsider = (await signUp(t.app, { workspaceName: 'Flow B' })).caller;
});
afterAll(async () => {
  await t?.close();
  if (spoolDir) await rm(spoolDir, { recursive: true, force: true });
});

async function upload(caller: Caller, csv: string, name: string): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([csv]), name);
  const response = await caller.fetch('http://test.local/api/imports', { method: 'POST', body: form });
  const body = (await response.json()) as { importId?: string };
  expect(response.status, JSON.stringify(body)).toBe(201);
  return body.importId!;
}

const FILE = [
  'ФИО,Телефон,E-mail,Город,Внешний ID',
  'Иванов Иван Иванович,+7 916 123-45-67,ivan@example.ru,Москва,A-1',
  'Петрова Анна,8 (903) 111-22-33,,Казань,A-2',
  'Сидоров Пётр,=1+1,not-an-email,,A-3',
  '',
].join('\r\n');

describe('an import from upload to undo', () => {
  let importId: string;
  let existingId: string;

  beforeAll(async () => {
    const existing = await owner.trpc.clients.create.mutate({
      kind: 'person',
      lastName: 'Петрова',
      firstName: 'Анна',
      phones: [{ number: '+79031112233' }],
    });
    existingId = existing.id;
    importId = await upload(owner, FILE, 'клиенты.csv');
  });

  it('shows the uploaded file with its suggested mapping', async () => {
    const view = await viewer.trpc.imports.get.query({ id: importId });
    expect(view).toMatchObject({
      id: importId,
      status: 'uploaded',
      kind: 'clients',
      totalRows: 3,
      errorCount: 0,
      dryRun: null,
      counts: { rowsDone: 0, created: 0 },
      progress: { rowsDone: 0, totalRows: 3, fraction: 0 },
    });
    expect(view.mapping[4]).toEqual({
      column: 4,
      header: 'Внешний ID',
      target: { kind: 'field', field: 'externalId' },
    });
    // As uploaded, the stored mapping is the one the headers suggest.
    expect(view.kind === 'clients' && view.suggestedMapping).toEqual(view.mapping);
  });

  it('refuses a bad mapping with an issue per field', async () => {
    const bad = await failure(
      owner.trpc.imports.setMapping.mutate({
        id: importId,
        mapping: [
          { column: 0, header: 'ФИО', target: { kind: 'field', field: 'fullName' } },
          { column: 2, header: 'E-mail', target: { kind: 'field', field: 'shoeSize' } },
        ],
      }),
      'BAD_REQUEST',
    );
    expect(bad.issues!.map((i) => i.field)).toEqual(['mapping.1.target.field']);
    const twice = await failure(
      owner.trpc.imports.setMapping.mutate({
        id: importId,
        mapping: [
          { column: 0, header: 'ФИО', target: { kind: 'field', field: 'fullName' } },
          { column: 0, header: 'Телефон', target: { kind: 'phone' } },
        ],
      }),
      'BAD_REQUEST',
    );
    expect(twice.issues!.map((i) => i.field)).toEqual(['mapping.1.column']);
    const missing = await failure(
      owner.trpc.imports.setMapping.mutate({
        id: importId,
        mapping: [{ column: 40, header: '?', target: { kind: 'email' } }],
      }),
      'BAD_REQUEST',
    );
    expect(missing.issues!.map((i) => i.field)).toEqual(['mapping.0.column']);
    const badSource = await failure(
      owner.trpc.imports.setMapping.mutate({
        id: importId,
        mapping: [],
        source: { batchKind: 'purchased_list', name: 'Список', acquiredOn: '2026-13-01' },
      }),
      'BAD_REQUEST',
    );
    expect(badSource.issues!.map((i) => i.field)).toEqual(['source.acquiredOn']);
    const empty = await failure(
      owner.trpc.imports.setMapping.mutate({ id: importId, mapping: [] }),
      'BAD_REQUEST',
    );
    expect(empty.issues!.map((i) => i.field)).toEqual(['mapping']);
    expect((await owner.trpc.imports.get.query({ id: importId })).mapping[4]?.target).not.toBeNull();
  });

  it('sets the mapping and the source, and saves the mapping by name', async () => {
    const view = await owner.trpc.imports.get.query({ id: importId });
    const updated = await owner.trpc.imports.setMapping.mutate({
      id: importId,
      mapping: view.mapping,
      source: {
        batchKind: 'purchased_list',
        name: 'Список от ООО Базы',
        vendor: 'ООО Базы',
        costKopecks: 1_500_000,
        acquiredOn: '2026-11-01',
      },
      allowPartialRows: false,
      saveAs: 'Клиенты (CSV)',
    });
    expect(updated.source).toMatchObject({ batchKind: 'purchased_list', vendor: 'ООО Базы' });
    const saved = await viewer.trpc.imports.mappings.query({});
    expect(saved.map((m) => m.name)).toEqual(['Клиенты (CSV)']);
    expect(saved[0]!.headers).toEqual(view.headers);
  });

  it('dry-runs: counts, a preview as stored, and the report of the dry run', async () => {
    const dry = await owner.trpc.imports.dryRun.mutate({ id: importId });
    if (dry.kind !== 'clients') throw new Error(`a client dry run, not ${dry.kind}`);
    expect(dry).toMatchObject({ rowsChecked: 3, complete: true, counts: { create: 1, invalid: 1 } });
    expect(dry.counts.update + dry.counts.duplicate).toBe(1);
    expect(dry.preview[0]).toMatchObject({
      action: 'create',
      client: { displayName: 'Иванов Иван Иванович', phones: ['+79161234567'], emails: ['ivan@example.ru'] },
    });
    expect(dry.preview.find((p) => p.action === 'invalid')?.issues.map((i) => i.header)).toEqual(
      expect.arrayContaining(['Телефон', 'E-mail']),
    );
    expect(dry.errorCount).toBeGreaterThanOrEqual(2);
    const view = await owner.trpc.imports.get.query({ id: importId });
    if (view.dryRun?.kind !== 'clients') throw new Error('the stored dry run is of a client file');
    expect(view.dryRun).toMatchObject({ rowsChecked: 3, counts: dry.counts });
    expect(view.dryRun.preview[0]?.client?.phones).toEqual(['+79161234567']);
    expect(view.status).toBe('uploaded');
    const report = await (
      await owner.fetch(`http://test.local/api/imports/${importId}/errors.csv?dryRun=1`)
    ).text();
    expect(report).toContain("'=1+1");
  });

  it('refuses a start without a way to match duplicates, naming the field', async () => {
    const bad = await failure(
      owner.trpc.imports.start.mutate({ id: importId, duplicatePolicy: { matchBy: [], action: 'fill' } }),
      'BAD_REQUEST',
    );
    expect(bad.issues!.map((i) => i.field)).toEqual(['duplicatePolicy.matchBy']);
  });

  it('starts (queued), runs, and reports status, counts and the error report', async () => {
    const started = await owner.trpc.imports.start.mutate({
      id: importId,
      duplicatePolicy: { matchBy: ['phone', 'externalId'], action: 'fill' },
    });
    expect(started).toMatchObject({ status: 'queued', duplicatePolicy: { action: 'fill' } });
    expect(started.batchId).toBeTruthy();
    await failure(
      owner.trpc.imports.start.mutate({
        id: importId,
        duplicatePolicy: { matchBy: ['phone'], action: 'skip' },
      }),
      'CONFLICT',
    );
    await failure(
      owner.trpc.imports.setMapping.mutate({ id: importId, mapping: started.mapping }),
      'CONFLICT',
    );

    const outcome = await runImport(t.database, importId, { tempDir: spoolDir });
    expect(outcome.status).toBe('completed');
    expect(await readdir(spoolDir)).toHaveLength(1);

    const status = await viewer.trpc.imports.status.query({ id: importId });
    expect(status).toMatchObject({
      id: importId,
      status: 'completed',
      counts: { rowsDone: 3, created: 1, updated: 1, invalid: 1 },
      progress: { rowsDone: 3, fraction: 1, etaSeconds: 0 },
      error: null,
    });
    const view = await owner.trpc.imports.get.query({ id: importId });
    expect(view.errorCount).toBeGreaterThanOrEqual(2);
    expect(view.finishedAt).not.toBeNull();

    const batch = (await owner.trpc.batches.list.query()).items.find((b) => b.id === started.batchId);
    expect(batch).toMatchObject({ name: 'Список от ООО Базы', kind: 'purchased_list', vendor: 'ООО Базы' });
    const fromBatch = await owner.trpc.clients.list.query({ filter: { batchId: started.batchId! } });
    expect(fromBatch.items.map((c) => c.displayName)).toEqual([expect.stringContaining('Иванов')]);
    const filled = await owner.trpc.clients.get.query({ id: existingId });
    expect(filled.city).toBe('Казань');
    // The card of a client the import updated names its batch, with vendor and cost.
    expect(filled.source.batches.items).toEqual([
      expect.objectContaining({
        id: started.batchId,
        action: 'updated',
        vendor: 'ООО Базы',
        cost: { kopecks: 1_500_000, currency: 'RUB' },
      }),
    ]);

    const response = await viewer.fetch(`http://test.local/api/imports/${importId}/errors.csv`);
    expect(response.headers.get('content-disposition')).toContain('-errors.csv"');
    const lines = (await response.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('row,column,header,value,code,message');
    expect(lines.find((l) => l.includes('=1+1'))).toMatch(/^4,2,Телефон,'=1\+1,phone_invalid,/);
  });

  it('undoes: the created client goes, the updated one is restored', async () => {
    await failure(viewer.trpc.imports.undo.mutate({ id: importId }), 'FORBIDDEN');
    const undoing = await owner.trpc.imports.undo.mutate({ id: importId });
    expect(undoing.status).toBe('undoing');
    await runUndo(t.database, importId);
    const status = await owner.trpc.imports.status.query({ id: importId });
    expect(status.status).toBe('undone');
    expect(status.undoReport).toMatchObject({ kept: [], keptTotal: 0 });
    // A report stored before kept clients were capped lists them all: its total is their number.
    await execute(
      t.database,
      `update imports set undo_report = jsonb_build_object('kept', jsonb_build_array(
         jsonb_build_object('clientId', $2::text, 'displayName', 'Петрова Анна', 'reason', 'edited_since')),
         'deleted', 1, 'restored', 0, 'cursor', null) where id = $1::uuid`,
      [importId, existingId],
    );
    expect((await owner.trpc.imports.get.query({ id: importId })).undoReport).toMatchObject({
      kept: [{ clientId: existingId }],
      keptTotal: 1,
    });
    const restored = await owner.trpc.clients.get.query({ id: existingId });
    expect(restored.city).toBeNull();
    const batchId = (await owner.trpc.imports.get.query({ id: importId })).batchId!;
    expect((await owner.trpc.clients.list.query({ filter: { batchId } })).items).toEqual([]);
    await failure(owner.trpc.imports.undo.mutate({ id: importId }), 'CONFLICT');
  });
});

/** The UCI Online Retail file's header row and lines: two of one invoice, one without a customer, a return. */
const RETAIL = [
  'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country',
  '536365,85123A,WHITE HANGING HEART,6,2010-12-01 08:26,2.55,17850,United Kingdom',
  '536365,71053,WHITE METAL LANTERN,6,2010-12-01 08:26,3.39,17850,United Kingdom',
  '536367,22632,NO CUSTOMER,1,2010-12-01 08:29,1.00,,United Kingdom',
  'C536379,D,Discount,-1,2010-12-01 09:41,27.50,14527,United Kingdom',
  '',
].join('\n');

describe('a purchase file', () => {
  it('is set as purchases and dry-runs: counts, stored lines, and the report of the dry run', async () => {
    const id = await upload(owner, RETAIL, 'retail.csv');
    const uploaded = await owner.trpc.imports.get.query({ id });
    const bad = await failure(
      owner.trpc.imports.setMapping.mutate({ id, kind: 'purchases', mapping: [] }),
      'BAD_REQUEST',
    );
    expect(bad.issues!.map((i) => i.field)).toContain('mapping');
    const set = await owner.trpc.imports.setMapping.mutate({
      id,
      kind: 'purchases',
      mapping: suggestPurchaseMapping(uploaded.headers),
      source: { batchKind: 'import', name: 'Online Retail', currency: 'GBP' },
    });
    expect(set.kind).toBe('purchases');
    const clientsBefore = (await owner.trpc.clients.list.query({})).items.length;

    const dry = await owner.trpc.imports.dryRun.mutate({ id });
    if (dry.kind !== 'purchases') throw new Error(`a purchase dry run, not ${dry.kind}`);
    expect(dry).toMatchObject({
      rowsChecked: 4,
      complete: true,
      counts: { purchases: 1, lines: 2, newClients: 1, existingClients: 0, invalid: 1, returns: 1 },
      errorCount: 2,
    });
    expect(dry.preview[0]).toMatchObject({
      row: 2,
      action: 'line',
      client: { id: null, externalId: '17850', displayName: 'Клиент 17850' },
      line: { invoice: '536365', at: '2010-12-01T08:26:00Z', priceKopecks: 255, currency: 'GBP' },
      newPurchase: true,
    });
    const view = await viewer.trpc.imports.get.query({ id });
    expect(view.dryRun).toEqual(dry);
    expect((await owner.trpc.clients.list.query({})).items).toHaveLength(clientsBefore);
    const report = await (
      await owner.fetch(`http://test.local/api/imports/${id}/errors.csv?dryRun=1`)
    ).text();
    const lines = report.trimEnd().split('\r\n');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 5).join(','))).toEqual([
      '4,7,CustomerID,,client_required',
      '5,4,Quantity,-1,purchase_return',
    ]);
    const runReport = await (await owner.fetch(`http://test.local/api/imports/${id}/errors.csv`)).text();
    expect(runReport.trimEnd().split('\r\n')).toHaveLength(1);
  });
});

describe('the web app’s path: start and undo go through a real worker', () => {
  /** Polls the status the way the web app does, until it leaves the busy states. */
  async function settled(id: string) {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const status = await owner.trpc.imports.status.query({ id });
      if (!['queued', 'running', 'undoing'].includes(status.status)) return status;
      if (Date.now() > deadline) throw new Error(`import ${id} still ${status.status}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  it('imports and undoes through the outbox, the relay and the job queue', async () => {
    const rows = Array.from(
      { length: 30 },
      (_, i) => `Клиентов${i} Клиент,+7 926 000-00-${String(i).padStart(2, '0')},W-${i}`,
    );
    const id = await upload(owner, `ФИО,Телефон,Код клиента\n${rows.join('\n')}\n`, 'worker.csv');
    const worker = await startWorker({
      database: t.database,
      logger: createLogger('silent'),
      pollIntervalSeconds: 0.5,
      relay: { intervalMs: 100 },
      fullRecomputeCron: null,
      outboxPruneCron: null,
    });
    try {
      await owner.trpc.imports.start.mutate({
        id,
        duplicatePolicy: { matchBy: ['externalId'], action: 'skip' },
      });
      worker.wake();
      const done = await settled(id);
      expect(done).toMatchObject({ status: 'completed', counts: { rowsDone: 30, created: 30, invalid: 0 } });
      await owner.trpc.imports.undo.mutate({ id });
      worker.wake();
      const undone = await settled(id);
      expect(undone).toMatchObject({ status: 'undone', undoReport: { kept: [] } });
      const batchId = (await owner.trpc.imports.get.query({ id })).batchId!;
      expect((await owner.trpc.clients.list.query({ filter: { batchId } })).items).toEqual([]);
    } finally {
      await worker.stop();
    }
  });
});

describe('saved mappings, the list, and who may see what', () => {
  let movedId: string;

  beforeAll(async () => {
    // The same columns in another order, plus one the saved mapping does not know.
    movedId = await upload(
      owner,
      'Внешний ID,Комментарий,Телефон,ФИО\nB-1,звонить,89265554433,Орлов Олег\n',
      'moved.csv',
    );
  });

  it('applies a saved mapping by header, wherever the columns moved', async () => {
    const mappingId = (await owner.trpc.imports.mappings.query({}))[0]?.id;
    expect(mappingId).toBeTruthy();
    const view = await owner.trpc.imports.applyMapping.mutate({ id: movedId, mappingId: mappingId! });
    expect(view.mapping.map((c) => c.target)).toEqual([
      { kind: 'field', field: 'externalId' },
      null,
      { kind: 'phone' },
      { kind: 'field', field: 'fullName' },
    ]);
    await failure(
      owner.trpc.imports.applyMapping.mutate({
        id: movedId,
        mappingId: '00000000-0000-4000-8000-000000000000',
      }),
      'NOT_FOUND',
    );
  });

  it('lists imports newest first, page by page', async () => {
    const first = await viewer.trpc.imports.list.query({ limit: 1 });
    expect(first.items.map((i) => i.id)).toEqual([movedId]);
    expect(first.nextCursor).toBeTruthy();
    const second = await viewer.trpc.imports.list.query({ limit: 1, cursor: first.nextCursor });
    expect(second.items).toHaveLength(1);
    expect(second.items[0]!.id).not.toBe(movedId);
    const bad = await failure(viewer.trpc.imports.list.query({ cursor: 'garbage' }), 'BAD_REQUEST');
    expect(bad.issues!.map((i) => i.field)).toEqual(['cursor']);
  });

  it('is NOT_FOUND from another workspace, whatever the procedure', async () => {
    const policy = { matchBy: ['phone' as const], action: 'skip' as const };
    await failure(outsider.trpc.imports.get.query({ id: movedId }), 'NOT_FOUND');
    await failure(outsider.trpc.imports.status.query({ id: movedId }), 'NOT_FOUND');
    await failure(outsider.trpc.imports.setMapping.mutate({ id: movedId, mapping: [] }), 'NOT_FOUND');
    await failure(outsider.trpc.imports.dryRun.mutate({ id: movedId }), 'NOT_FOUND');
    await failure(outsider.trpc.imports.start.mutate({ id: movedId, duplicatePolicy: policy }), 'NOT_FOUND');
    await failure(outsider.trpc.imports.undo.mutate({ id: movedId }), 'NOT_FOUND');
    expect((await outsider.trpc.imports.list.query({})).items).toEqual([]);
    expect(await outsider.trpc.imports.mappings.query({})).toEqual([]);
    expect((await owner.trpc.imports.get.query({ id: movedId })).status).toBe('uploaded');
  });

  it('lets a viewer read but not change', async () => {
    expect((await viewer.trpc.imports.get.query({ id: movedId })).fileName).toBe('moved.csv');
    await failure(viewer.trpc.imports.dryRun.mutate({ id: movedId }), 'FORBIDDEN');
    await failure(
      viewer.trpc.imports.start.mutate({ id: movedId, duplicatePolicy: { matchBy: [], action: 'create' } }),
      'FORBIDDEN',
    );
  });
});

describe('purchase imports: the view by kind, saved mappings of either kind, a start without a policy', () => {
  /** The retail file's columns moved and renamed in case and spacing, with a city column added. */
  const MOVED = [
    'Customer ID,Country,invoice date,UNIT PRICE,InvoiceNo,Город,Quantity',
    '17850,United Kingdom,2010-12-01 08:26,2.55,536365,Лондон,6',
    '',
  ].join('\n');
  let retailId: string;
  let movedId: string;
  let purchaseMappingId: string;
  let clientMappingId: string;

  beforeAll(async () => {
    retailId = await upload(owner, RETAIL, 'retail-saved.csv');
    movedId = await upload(owner, MOVED, 'retail-moved.csv');
  });

  it('shows a purchase import with its purchase mapping and the one its headers suggest', async () => {
    const uploaded = await owner.trpc.imports.get.query({ id: retailId });
    const suggested = suggestPurchaseMapping(uploaded.headers);
    // Country is left out on purpose: a saved mapping keeps a known column unmapped.
    const mapping = suggested.map((c) => (c.target === 'country' ? { ...c, target: null } : c));
    await owner.trpc.imports.setMapping.mutate({
      id: retailId,
      kind: 'purchases',
      mapping,
      saveAs: 'Покупки (Online Retail)',
    });
    const view = await viewer.trpc.imports.get.query({ id: retailId });
    if (view.kind !== 'purchases') throw new Error(`a purchase import, not ${view.kind}`);
    expect(view.mapping).toEqual(mapping);
    expect(view.suggestedMapping).toEqual(suggested);
    expect(view.suggestedMapping.find((c) => c.header === 'CustomerID')?.target).toBe('clientExternalId');

    const saved = await viewer.trpc.imports.mappings.query({});
    const purchase = saved.find((m) => m.name === 'Покупки (Online Retail)');
    const client = saved.find((m) => m.kind === 'clients');
    if (purchase?.kind !== 'purchases' || !client) throw new Error('a saved mapping of each kind');
    expect(purchase.mapping).toEqual(mapping);
    purchaseMappingId = purchase.id;
    clientMappingId = client.id;
  });

  it('applies a saved purchase mapping by header to a file whose columns moved', async () => {
    const view = await owner.trpc.imports.applyMapping.mutate({
      id: movedId,
      mappingId: purchaseMappingId,
      kind: 'purchases',
    });
    if (view.kind !== 'purchases') throw new Error(`a purchase import, not ${view.kind}`);
    expect(view.mapping.map((c) => c.target)).toEqual([
      'clientExternalId',
      // Known to the saved mapping, which left it out: not taken from the suggestion.
      null,
      'date',
      'unitPrice',
      'invoice',
      // Unknown to the saved mapping: suggested from its header.
      'city',
      'quantity',
    ]);
    expect((await owner.trpc.imports.get.query({ id: movedId })).kind).toBe('purchases');
    // Applied again to the import now stored as purchases, without naming the kind: the same.
    const again = await owner.trpc.imports.applyMapping.mutate({ id: movedId, mappingId: purchaseMappingId });
    expect(again.mapping).toEqual(view.mapping);
  });

  it('refuses a saved mapping of the other kind, or one the file does not fit, by mappingId', async () => {
    const client = await failure(
      owner.trpc.imports.applyMapping.mutate({ id: movedId, mappingId: clientMappingId }),
      'BAD_REQUEST',
    );
    expect(client.issues).toEqual([expect.objectContaining({ field: 'mappingId', code: 'mapping_kind' })]);
    const purchase = await failure(
      owner.trpc.imports.applyMapping.mutate({ id: movedId, mappingId: purchaseMappingId, kind: 'clients' }),
      'BAD_REQUEST',
    );
    expect(purchase.issues!.map((i) => i.field)).toEqual(['mappingId']);
    expect((await owner.trpc.imports.get.query({ id: movedId })).kind).toBe('purchases');

    const noDate = await upload(owner, 'CustomerID,Amount\n17850,15.30\n', 'no-date.csv');
    const unfit = await failure(
      owner.trpc.imports.applyMapping.mutate({ id: noDate, mappingId: purchaseMappingId, kind: 'purchases' }),
      'BAD_REQUEST',
    );
    expect(unfit.issues!.map((i) => i.field)).toEqual(['mappingId']);
    expect(unfit.issues![0]!.message).toContain('date');
    expect((await owner.trpc.imports.get.query({ id: noDate })).kind).toBe('clients');
  });

  it('starts a purchase import without a duplicate policy; a client import needs one', async () => {
    const started = await owner.trpc.imports.start.mutate({ id: movedId });
    expect(started).toMatchObject({ kind: 'purchases', status: 'queued', duplicatePolicy: null });
    expect(started.batchId).toBeTruthy();

    const clientsId = await upload(owner, 'ФИО,Телефон\nОрлова Ольга,89265550001\n', 'no-policy.csv');
    const refused = await failure(owner.trpc.imports.start.mutate({ id: clientsId }), 'BAD_REQUEST');
    expect(refused.issues).toEqual([
      expect.objectContaining({ field: 'duplicatePolicy', code: 'duplicate_policy_required' }),
    ]);
    expect((await owner.trpc.imports.get.query({ id: clientsId })).status).toBe('uploaded');
  });
});
