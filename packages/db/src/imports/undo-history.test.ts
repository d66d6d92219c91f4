import { suggestPurchaseMapping } from '@cb/domain';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../queries/clients.ts';
import type { MutationContext } from '../queries/context.ts';
import { addInteraction, addPayment, addPurchase, addTask, recordConsent } from '../queries/history.ts';
import { addListMembers, createList, removeListMembers } from '../queries/lists.ts';
import { queryRows } from '../raw.ts';
import { type ImportFileInfo, imports } from '../schema/index.ts';
import { openTestDatabase, seedWorkspace, type TestDatabase } from '../testing/index.ts';
import { planClientChunk, writeClientChunk } from './apply.ts';
import { applyPurchaseChunk, undoPurchaseImport } from './purchases.ts';
import { createImport, getImportById, startImport, undoImport } from './records.ts';
import { loadClientChunkContext } from './run-state.ts';
import { type UndoReport, undoImportStep } from './undo.ts';

let handle: TestDatabase;

beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(async () => {
  await handle?.close();
});

const NOW = new Date('2026-06-01T10:00:00Z');
const LATER = new Date('2026-06-02T10:00:00Z');

const HEADERS = ['ФИО', 'Телефон', 'Город'];
const MAPPING = [
  { column: 0, header: 'ФИО', target: { kind: 'field', field: 'fullName' } },
  { column: 1, header: 'Телефон', target: { kind: 'phone' } },
  { column: 2, header: 'Город', target: { kind: 'field', field: 'city' } },
];

const PURCHASE_HEADERS = [
  'InvoiceNo',
  'StockCode',
  'Description',
  'Quantity',
  'InvoiceDate',
  'UnitPrice',
  'CustomerID',
];
const purchaseLine = (invoice: string, customer: string) => [
  invoice,
  'A',
  'Item A',
  '2',
  '2010-12-01 08:26:00',
  '1.50',
  customer,
];

/** Rows numbered from 2, as lines of a file with a header. */
const numbered = (rows: string[][]) => rows.map((cells, i) => ({ rowNumber: 2 + i, cells }));

const FILE: ImportFileInfo = { format: 'csv', encoding: 'utf-8', delimiter: ';', sheet: null, sheets: [] };

/** Stores a client file as the worker's run would (plan and write in one transaction), then marks it completed. */
async function importClients(ctx: MutationContext, rows: string[][]): Promise<string> {
  const created = await createImport(handle.db, ctx, {
    fileName: 'clients.csv',
    fileSize: 0,
    sha256: '',
    file: FILE,
    headers: HEADERS,
    sample: rows.slice(0, 1),
    mapping: MAPPING,
  });
  const started = await startImport(handle.db, ctx, created.id, { matchBy: ['phone'], action: 'fill' });
  if (!started.ok) throw new Error(JSON.stringify(started.error));
  await handle.db.transaction(async (tx) => {
    const chunk = await loadClientChunkContext(tx, started.value, NOW);
    await writeClientChunk(tx, chunk, await planClientChunk(tx, chunk, numbered(rows)));
  });
  await handle.db.update(imports).set({ status: 'completed' }).where(eq(imports.id, created.id));
  return created.id;
}

/** Stores a purchase file (customers by id: the missing ones are created), then marks it completed. */
async function importPurchases(ctx: MutationContext, rows: string[][]): Promise<string> {
  const mapping = suggestPurchaseMapping(PURCHASE_HEADERS);
  const created = await createImport(handle.db, ctx, {
    kind: 'purchases',
    fileName: 'purchases.csv',
    fileSize: 0,
    sha256: '',
    file: FILE,
    headers: PURCHASE_HEADERS,
    sample: rows.slice(0, 1),
    mapping: mapping as unknown[],
  });
  const started = await startImport(handle.db, ctx, created.id);
  if (!started.ok) throw new Error(JSON.stringify(started.error));
  await handle.db.transaction((tx) =>
    applyPurchaseChunk(
      tx,
      { workspaceId: ctx.workspaceId, importId: created.id, batchId: started.value.batchId, now: NOW },
      numbered(rows),
      mapping,
    ),
  );
  await handle.db.update(imports).set({ status: 'completed' }).where(eq(imports.id, created.id));
  return created.id;
}

/**
 * Undoes an import as the worker's `runUndo` does (a purchase import first loses its purchases
 * unless `skipPurchases`), in steps of two clients, and returns the report.
 */
async function undo(ctx: MutationContext, importId: string, options: { skipPurchases?: boolean } = {}) {
  const asked = await undoImport(handle.db, ctx, importId);
  if (!asked.ok) throw new Error(JSON.stringify(asked.error));
  if (asked.value.kind === 'purchases' && !options.skipPurchases) {
    await handle.db.transaction((tx) => undoPurchaseImport(tx, ctx.workspaceId, importId));
  }
  while (!(await undoImportStep(handle.db, importId, 2))) {
    // Each step commits on its own; the loop ends with the step that finds fewer than two changes.
  }
  const row = await getImportById(handle.db, importId);
  expect(row?.status).toBe('undone');
  return row!.undoReport as UndoReport;
}

type Left = { clients: string[]; interactions: number; purchases: number; tasks: number; consents: number };

/** What is left of a workspace: client names, and how many history rows of each kind. */
async function leftIn(workspaceId: string): Promise<Left> {
  const [row] = await queryRows<Left>(
    handle.db,
    sql`select
          array(select display_name from clients where workspace_id = ${workspaceId}::uuid
            order by display_name) as clients,
          (select count(*)::int from interactions where workspace_id = ${workspaceId}::uuid) as interactions,
          (select count(*)::int from purchases where workspace_id = ${workspaceId}::uuid) as purchases,
          (select count(*)::int from tasks where workspace_id = ${workspaceId}::uuid) as tasks,
          (select count(*)::int from consents where workspace_id = ${workspaceId}::uuid) as consents`,
  );
  return row!;
}

async function clientIdNamed(workspaceId: string, displayName: string): Promise<string> {
  const [row] = await queryRows<{ id: string }>(
    handle.db,
    sql`select id::text as id from clients where workspace_id = ${workspaceId}::uuid and display_name = ${displayName}`,
  );
  if (!row) throw new Error(`no client ${displayName}`);
  return row.id;
}

async function listMembers(listId: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    handle.db,
    sql`select count(*)::int as n from segment_members where segment_id = ${listId}::uuid`,
  );
  return row!.n;
}

/** Each way a person adds history to a client: it must survive the undo, and keep the client. */
const addHistory: [string, (ctx: MutationContext, clientId: string) => Promise<Partial<Left>>][] = [
  [
    'a call',
    async (ctx, clientId) => {
      const added = await addInteraction(handle.db, ctx, {
        clientId,
        kind: 'call',
        at: LATER,
        summary: 'Звонок',
      });
      expect(added.ok).toBe(true);
      return { interactions: 1 };
    },
  ],
  [
    'a purchase',
    async (ctx, clientId) => {
      expect((await addPurchase(handle.db, ctx, { clientId, at: LATER, amountKopecks: 100_00 })).ok).toBe(
        true,
      );
      return { purchases: 1 };
    },
  ],
  [
    'a payment',
    async (ctx, clientId) => {
      expect((await addPayment(handle.db, ctx, { clientId, at: LATER, amountKopecks: 50_00 })).ok).toBe(true);
      return {};
    },
  ],
  [
    'a task',
    async (ctx, clientId) => {
      expect((await addTask(handle.db, ctx, { clientId, title: 'Перезвонить' })).ok).toBe(true);
      return { tasks: 1 };
    },
  ],
  [
    'a consent',
    async (ctx, clientId) => {
      const consent = await recordConsent(handle.db, ctx, {
        clientId,
        channel: 'sms',
        purpose: 'marketing',
        granted: true,
        at: LATER,
        proof: { kind: 'signed_paper', documentRef: 'Анкета №12' },
      });
      expect(consent.ok).toBe(true);
      return { consents: 1 };
    },
  ],
];

describe('undo of an import keeps clients that gained history since', () => {
  it.each(addHistory)('keeps a created client with %s added, and the history with it', async (_, add) => {
    const { ctx } = await seedWorkspace(handle.db);
    const importId = await importClients(ctx, [
      ['Иванов Иван', '+79161110001', 'Москва'],
      ['Петров Пётр', '+79161110002', 'Тверь'],
    ]);
    const ivanov = await clientIdNamed(ctx.workspaceId, 'Иванов Иван');
    const expected = await add(ctx, ivanov);

    const report = await undo(ctx, importId);
    expect(report).toMatchObject({
      kept: [{ clientId: ivanov, displayName: 'Иванов Иван', reason: 'edited_since' }],
      keptTotal: 1,
      deleted: 1,
      restored: 0,
    });
    expect(await leftIn(ctx.workspaceId)).toEqual({
      clients: ['Иванов Иван'],
      interactions: 0,
      purchases: 0,
      tasks: 0,
      consents: 0,
      ...expected,
    });
  });

  it('keeps a created client put in a static list, even one it has left since', async () => {
    const { ctx } = await seedWorkspace(handle.db);
    const importId = await importClients(ctx, [
      ['Иванов Иван', '+79161110001', 'Москва'],
      ['Петров Пётр', '+79161110002', 'Тверь'],
      ['Сидоров Сидор', '+79161110003', 'Псков'],
    ]);
    const ivanov = await clientIdNamed(ctx.workspaceId, 'Иванов Иван');
    const petrov = await clientIdNamed(ctx.workspaceId, 'Петров Пётр');
    const list = await createList(handle.db, ctx, { name: 'Позвонить в июне' });
    expect(
      (await addListMembers(handle.db, ctx, { listId: list.id, clientIds: [ivanov, petrov], now: LATER })).ok,
    ).toBe(true);
    expect(
      (await removeListMembers(handle.db, ctx, { listId: list.id, clientIds: [petrov], now: LATER })).ok,
    ).toBe(true);

    const report = await undo(ctx, importId);
    expect(report.kept.map((k) => [k.clientId, k.reason]).sort()).toEqual(
      [
        [ivanov, 'edited_since'],
        [petrov, 'edited_since'],
      ].sort(),
    );
    expect(report).toMatchObject({ keptTotal: 2, deleted: 1 });
    expect((await leftIn(ctx.workspaceId)).clients).toEqual(['Иванов Иван', 'Петров Пётр']);
    expect(await listMembers(list.id)).toBe(2);
  });

  it('still deletes created clients without history, and lists nothing', async () => {
    const { ctx } = await seedWorkspace(handle.db);
    const importId = await importClients(ctx, [
      ['Иванов Иван', '+79161110001', 'Москва'],
      ['Петров Пётр', '+79161110002', 'Тверь'],
      ['Сидоров Сидор', '+79161110003', 'Псков'],
    ]);
    // History of a client the import did not touch is no reason to keep the imported ones.
    const other = await createClient(handle.db, ctx, {
      kind: 'person',
      displayName: 'Другой',
      matchKey: 'другой',
    });
    if (!other.ok) throw new Error('client not created');
    await addInteraction(handle.db, ctx, { clientId: other.value.id, kind: 'note', at: LATER });

    expect(await undo(ctx, importId)).toMatchObject({ kept: [], keptTotal: 0, deleted: 3, restored: 0 });
    expect(await leftIn(ctx.workspaceId)).toMatchObject({ clients: ['Другой'], interactions: 1 });
  });

  it('restores an updated client and leaves the call added to it', async () => {
    const { ctx } = await seedWorkspace(handle.db);
    const stored = await createClient(handle.db, ctx, {
      kind: 'person',
      lastName: 'Старый',
      firstName: 'Клиент',
      displayName: 'Старый Клиент',
      matchKey: 'старый клиент',
      phones: [{ e164: '+79165550099', raw: '+7 916 555-00-99', type: 'mobile', verifiedAt: null }],
    });
    if (!stored.ok) throw new Error('client not created');
    const importId = await importClients(ctx, [['Старый Клиент', '+79165550099', 'Самара']]);
    const [updated] = await queryRows<{ city: string | null }>(
      handle.db,
      sql`select city from clients where id = ${stored.value.id}::uuid`,
    );
    expect(updated?.city).toBe('Самара');
    await addInteraction(handle.db, ctx, { clientId: stored.value.id, kind: 'call', at: LATER });

    expect(await undo(ctx, importId)).toMatchObject({ kept: [], deleted: 0, restored: 1 });
    const [restored] = await queryRows<{ city: string | null }>(
      handle.db,
      sql`select city from clients where id = ${stored.value.id}::uuid`,
    );
    expect(restored?.city).toBeNull();
    expect(await leftIn(ctx.workspaceId)).toMatchObject({ clients: ['Старый Клиент'], interactions: 1 });
  });
});

describe('undo of a purchase import', () => {
  it.each([
    ['after its purchases are deleted (as the worker does)', false],
    ['even when its step runs before they are', true],
  ])('removes the clients it created with its own purchases, %s', async (_, skipPurchases) => {
    const { ctx } = await seedWorkspace(handle.db);
    const importId = await importPurchases(ctx, [
      purchaseLine('1', '17850'),
      purchaseLine('2', '17850'),
      purchaseLine('3', '13047'),
    ]);
    expect(await leftIn(ctx.workspaceId)).toMatchObject({
      clients: ['Клиент 13047', 'Клиент 17850'],
      purchases: 3,
    });

    expect(await undo(ctx, importId, { skipPurchases })).toMatchObject({ kept: [], deleted: 2 });
    expect(await leftIn(ctx.workspaceId)).toMatchObject({ clients: [], purchases: 0 });
  });

  it('keeps a client it created that gained a call or another purchase, and still removes its own purchases', async () => {
    const { ctx } = await seedWorkspace(handle.db);
    const importId = await importPurchases(ctx, [
      purchaseLine('1', '17850'),
      purchaseLine('2', '13047'),
      purchaseLine('3', '14527'),
    ]);
    const called = await clientIdNamed(ctx.workspaceId, 'Клиент 17850');
    const bought = await clientIdNamed(ctx.workspaceId, 'Клиент 13047');
    await addInteraction(handle.db, ctx, { clientId: called, kind: 'call', at: LATER });
    await addPurchase(handle.db, ctx, {
      clientId: bought,
      at: LATER,
      amountKopecks: 700_00,
      note: 'В магазине',
    });

    const report = await undo(ctx, importId);
    expect(report.kept.map((k) => [k.clientId, k.reason]).sort()).toEqual(
      [
        [called, 'edited_since'],
        [bought, 'edited_since'],
      ].sort(),
    );
    expect(report).toMatchObject({ keptTotal: 2, deleted: 1 });
    expect(await leftIn(ctx.workspaceId)).toMatchObject({
      clients: ['Клиент 13047', 'Клиент 17850'],
      interactions: 1,
      // The import's three purchases are gone; the one added by hand stays.
      purchases: 1,
    });
  });
});
