import { suggestPurchaseMapping } from '@cb/domain';
import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECOMPUTE_CLIENT } from '../queries/outbox.ts';
import { queryRows } from '../raw.ts';
import { clients, importChanges, imports, outbox, purchases } from '../schema/index.ts';
import { openTestDatabase, seedWorkspace, type TestDatabase } from '../testing/index.ts';
import {
  applyPurchaseChunk,
  newPurchasePlanState,
  type PurchaseChunkContext,
  type PurchaseChunkResult,
  planPurchaseChunk,
  undoPurchaseImport,
} from './purchases.ts';
import { claimImport, commitImportChunk, importCounts } from './run-state.ts';

let handle: TestDatabase;

beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(async () => {
  await handle?.close();
});

const headers = [
  'InvoiceNo',
  'StockCode',
  'Description',
  'Quantity',
  'InvoiceDate',
  'UnitPrice',
  'CustomerID',
  'Country',
];
const mapping = suggestPurchaseMapping(headers);

/** Rows numbered from 2, as lines of a file with a header. */
const numbered = (rows: string[][], first = 2) => rows.map((cells, i) => ({ rowNumber: first + i, cells }));

const line = (
  invoice: string,
  sku: string,
  quantity: string,
  price: string,
  customer: string,
  time = '08:26:00',
) => [invoice, sku, `Item ${sku}`, quantity, `2010-12-01 ${time}`, price, customer, 'United Kingdom'];

async function setup(): Promise<PurchaseChunkContext & { existingId: string }> {
  const { ctx } = await seedWorkspace(handle.db);
  const [row] = await handle.db
    .insert(imports)
    .values({
      workspaceId: ctx.workspaceId,
      kind: 'purchases',
      fileName: 'online-retail.csv',
      fileSize: 1,
      sha256: 'x',
      file: { format: 'csv', encoding: 'utf-8', delimiter: ',', sheet: null, sheets: [] },
      headers,
      mapping,
    })
    .returning({ id: imports.id });
  const [existing] = await handle.db
    .insert(clients)
    .values({
      workspaceId: ctx.workspaceId,
      kind: 'person',
      displayName: 'Иванов Иван',
      matchKey: 'ivanov ivan',
      externalId: '17850',
    })
    .returning({ id: clients.id });
  return {
    workspaceId: ctx.workspaceId,
    importId: row!.id,
    batchId: null,
    currency: 'GBP',
    existingId: existing!.id,
  };
}

const apply = (ctx: PurchaseChunkContext, rows: { rowNumber: number; cells: string[] }[]) =>
  handle.db.transaction((tx) => applyPurchaseChunk(tx, ctx, rows, mapping));

async function storedPurchases(workspaceId: string) {
  return handle.db
    .select({
      clientId: purchases.clientId,
      externalId: purchases.externalId,
      amount: purchases.amountKopecks,
      currency: purchases.currency,
      lines: purchases.lines,
      at: purchases.at,
    })
    .from(purchases)
    .where(eq(purchases.workspaceId, workspaceId))
    .orderBy(asc(purchases.externalId));
}

describe('applyPurchaseChunk', () => {
  it('groups lines per invoice, finds and creates clients, reports bad rows and returns', async () => {
    const ctx = await setup();
    const result = await apply(
      ctx,
      numbered([
        line('536365', '85123A', '6', '2.55', '17850.0'),
        line('536365', '71053', '6', '3.39', '17850.0'),
        line('536366', '22633', '6', '1.85', '13047.0', '08:28:00'),
        line('536367', '84879', '32', '1.69', ''),
        line('C536379', 'D', '-1', '27.50', '14527.0'),
        line('536368', '22960', '6', 'free', '13047.0'),
      ]),
    );
    expect(result).toMatchObject({
      rows: 6,
      lines: 3,
      createdClients: 1,
      purchasesCreated: 2,
      purchasesExtended: 0,
      invalid: 2,
      returns: 1,
    });
    expect(result.issues.map((i) => [i.row, i.header, i.code])).toEqual([
      [5, 'CustomerID', 'client_required'],
      [6, 'Quantity', 'purchase_return'],
      [7, 'UnitPrice', 'price_invalid'],
    ]);

    const [created] = await handle.db
      .select()
      .from(clients)
      .where(and(eq(clients.workspaceId, ctx.workspaceId), eq(clients.externalId, '13047')));
    expect(created).toMatchObject({
      displayName: 'Клиент 13047',
      city: 'United Kingdom',
      sourceChannel: 'import',
    });
    expect(
      await handle.db.select().from(importChanges).where(eq(importChanges.importId, ctx.importId)),
    ).toEqual([
      {
        importId: ctx.importId,
        clientId: created!.id,
        action: 'created',
        before: null,
        versionAfter: 1,
        row: 4,
      },
    ]);

    expect(await storedPurchases(ctx.workspaceId)).toEqual([
      {
        clientId: ctx.existingId,
        externalId: `${ctx.importId}:536365`,
        amount: 6 * 255 + 6 * 339,
        currency: 'GBP',
        lines: [
          { sku: '85123A', name: 'Item 85123A', quantity: 6, priceKopecks: 255, row: 2 },
          { sku: '71053', name: 'Item 71053', quantity: 6, priceKopecks: 339, row: 3 },
        ],
        at: new Date('2010-12-01T08:26:00Z'),
      },
      {
        clientId: created!.id,
        externalId: `${ctx.importId}:536366`,
        amount: 6 * 185,
        currency: 'GBP',
        lines: [{ sku: '22633', name: 'Item 22633', quantity: 6, priceKopecks: 185, row: 4 }],
        at: new Date('2010-12-01T08:28:00Z'),
      },
    ]);
    const recompute = await handle.db
      .select({ payload: outbox.payload })
      .from(outbox)
      .where(and(eq(outbox.workspaceId, ctx.workspaceId), eq(outbox.topic, RECOMPUTE_CLIENT)));
    expect(recompute.map((r) => r.payload.clientId).sort()).toEqual([ctx.existingId, created!.id].sort());
  });

  it('continues an invoice that spans two chunks, and a chunk applied twice changes nothing', async () => {
    const ctx = await setup();
    const first = numbered([line('1001', 'A', '2', '1.00', '500'), line('1001', 'B', '1', '0.50', '500')]);
    const second = numbered(
      [line('1001', 'A', '2', '1.00', '500', '08:20:00'), line('1002', 'C', '1', '9.99', '500')],
      4,
    );
    expect(await apply(ctx, first)).toMatchObject({ purchasesCreated: 1, createdClients: 1 });
    expect(await apply(ctx, second)).toMatchObject({
      purchasesCreated: 1,
      purchasesExtended: 1,
      createdClients: 0,
    });
    const again = await apply(ctx, second);
    expect(again).toMatchObject({ purchasesCreated: 0, purchasesExtended: 0, createdClients: 0, lines: 2 });
    await apply(ctx, first);

    const stored = await storedPurchases(ctx.workspaceId);
    expect(
      stored.map((p) => [p.externalId, p.amount, p.lines?.map((l) => l.sku), p.at.toISOString()]),
    ).toEqual([
      [`${ctx.importId}:1001`, 200 + 50 + 200, ['A', 'B', 'A'], '2010-12-01T08:20:00.000Z'],
      [`${ctx.importId}:1002`, 999, ['C'], '2010-12-01T08:26:00.000Z'],
    ]);
    const counted = await queryRows<{ n: number }>(
      handle.db,
      sql`select count(*)::int as n from clients where workspace_id = ${ctx.workspaceId}::uuid`,
    );
    expect(counted).toEqual([{ n: 2 }]);
  });

  it('keeps an invoice number reused by two customers as two purchases', async () => {
    const ctx = await setup();
    const result = await apply(
      ctx,
      numbered([line('7', 'A', '1', '1', '17850'), line('7', 'B', '1', '2', '900')]),
    );
    expect(result).toMatchObject({ purchasesCreated: 2 });
    const stored = await storedPurchases(ctx.workspaceId);
    expect(stored.map((p) => p.amount).sort()).toEqual([100, 200]);
  });

  it('uses the name column for created clients, the default currency RUB, and can leave recompute to the caller', async () => {
    const ctx = await setup();
    const ruMapping = suggestPurchaseMapping([
      'Номер заказа',
      'Дата',
      'Сумма',
      'Код клиента',
      'Покупатель',
      'Город',
    ]);
    const result = await handle.db.transaction((tx) =>
      applyPurchaseChunk(
        tx,
        { ...ctx, currency: undefined, recompute: false },
        numbered([['З-1', '17.05.2024', '1 234,50', 'K-1', 'Петрова Анна', 'Казань']]),
        ruMapping,
      ),
    );
    expect(result).toMatchObject({ createdClients: 1, purchasesCreated: 1, invalid: 0 });
    const [client] = await handle.db
      .select({ displayName: clients.displayName, city: clients.city, id: clients.id })
      .from(clients)
      .where(and(eq(clients.workspaceId, ctx.workspaceId), eq(clients.externalId, 'K-1')));
    expect(client).toMatchObject({ displayName: 'Петрова Анна', city: 'Казань' });
    const [purchase] = await storedPurchases(ctx.workspaceId);
    expect(purchase).toMatchObject({ clientId: client!.id, amount: 123450, currency: 'RUB' });
    const queued = await handle.db
      .select({ id: outbox.id })
      .from(outbox)
      .where(and(eq(outbox.workspaceId, ctx.workspaceId), eq(outbox.topic, RECOMPUTE_CLIENT)));
    expect(queued).toEqual([]);
  });

  it('writes nothing when the transaction around it fails', async () => {
    const ctx = await setup();
    await expect(
      handle.db.transaction(async (tx) => {
        await applyPurchaseChunk(tx, ctx, numbered([line('1', 'A', '1', '1', '42')]), mapping);
        throw new Error('the checkpoint update failed');
      }),
    ).rejects.toThrow('checkpoint');
    expect(await storedPurchases(ctx.workspaceId)).toEqual([]);
    expect(
      await handle.db.select().from(importChanges).where(eq(importChanges.importId, ctx.importId)),
    ).toEqual([]);
  });

  it('undo removes the purchases of that import only', async () => {
    const ctx = await setup();
    const other = { ...ctx, importId: (await setup()).importId };
    await apply(ctx, numbered([line('1', 'A', '1', '1', '17850'), line('2', 'A', '1', '1', '17850')]));
    await handle.db
      .insert(purchases)
      .values({ workspaceId: ctx.workspaceId, clientId: ctx.existingId, at: new Date(), amountKopecks: 5 });
    expect(await handle.db.transaction((tx) => undoPurchaseImport(tx, ctx.workspaceId, other.importId))).toBe(
      0,
    );
    expect(await handle.db.transaction((tx) => undoPurchaseImport(tx, ctx.workspaceId, ctx.importId))).toBe(
      2,
    );
    expect((await storedPurchases(ctx.workspaceId)).map((p) => p.amount)).toEqual([5]);
  });
});

describe('planPurchaseChunk', () => {
  const countRows = async (workspaceId: string) =>
    (
      await queryRows<{ clients: number; purchases: number; changes: number; outbox: number }>(
        handle.db,
        sql`select (select count(*)::int from clients where workspace_id = ${workspaceId}::uuid) as clients,
                 (select count(*)::int from purchases where workspace_id = ${workspaceId}::uuid) as purchases,
                 (select count(*)::int from import_changes ch join clients c on c.id = ch.client_id
                   where c.workspace_id = ${workspaceId}::uuid) as changes,
                 (select count(*)::int from outbox where workspace_id = ${workspaceId}::uuid) as outbox`,
      )
    )[0];

  it('plans what applyPurchaseChunk then writes, across chunks, and writes nothing itself', async () => {
    const ctx = await setup();
    const chunks = [
      numbered([
        line('536365', '85123A', '6', '2.55', '17850.0'),
        line('536366', '22633', '6', '1.85', '13047.0', '08:28:00'),
        line('536367', '84879', '32', '1.69', ''),
      ]),
      numbered(
        [
          // The invoice of row 3 goes on in this chunk: the same purchase, one more line.
          line('536366', '22634', '2', '4.00', '13047.0', '08:28:00'),
          line('C536379', 'D', '-1', '27.50', '14527.0'),
          line('536368', '22960', '6', '3.00', '900'),
        ],
        5,
      ),
    ];
    const before = await countRows(ctx.workspaceId);
    const state = newPurchasePlanState();
    const plans: Awaited<ReturnType<typeof planPurchaseChunk>>[] = [];
    for (const chunk of chunks) plans.push(await planPurchaseChunk(handle.db, ctx, chunk, mapping, state));
    expect(await countRows(ctx.workspaceId)).toEqual(before);

    expect(plans.map((p) => p.counts)).toEqual([
      { rows: 3, purchases: 2, lines: 2, newClients: 1, existingClients: 1, invalid: 1, returns: 0 },
      { rows: 3, purchases: 1, lines: 2, newClients: 1, existingClients: 0, invalid: 0, returns: 1 },
    ]);
    const rows = plans.flatMap((p) => p.rows);
    expect(rows.map((r) => [r.row, r.action, r.client?.displayName ?? null, r.newPurchase])).toEqual([
      [2, 'line', 'Иванов Иван', true],
      [3, 'line', 'Клиент 13047', true],
      [4, 'invalid', null, false],
      [5, 'line', 'Клиент 13047', false],
      [6, 'return', null, false],
      [7, 'line', 'Клиент 900', true],
    ]);
    expect(rows[0]).toMatchObject({
      client: { id: ctx.existingId, externalId: '17850' },
      line: {
        invoice: '536365',
        at: '2010-12-01T08:26:00Z',
        sku: '85123A',
        name: 'Item 85123A',
        quantity: 6,
        priceKopecks: 255,
        amountKopecks: 1530,
        currency: 'GBP',
      },
    });
    expect(rows[1]?.client?.id).toBeNull();
    expect(plans.flatMap((p) => p.issues).map((i) => [i.row, i.code])).toEqual([
      [4, 'client_required'],
      [6, 'purchase_return'],
    ]);

    const applied: PurchaseChunkResult[] = [];
    for (const chunk of chunks) applied.push(await apply(ctx, chunk));
    const sum = (f: (r: (typeof applied)[number]) => number) => applied.reduce((n, r) => n + f(r), 0);
    const planned = (f: (c: (typeof plans)[number]['counts']) => number) =>
      plans.reduce((n, p) => n + f(p.counts), 0);
    expect({
      purchases: sum((r) => r.purchasesCreated),
      lines: sum((r) => r.lines),
      newClients: sum((r) => r.createdClients),
      invalid: sum((r) => r.invalid),
      returns: sum((r) => r.returns),
    }).toEqual({
      purchases: planned((c) => c.purchases),
      lines: planned((c) => c.lines),
      newClients: planned((c) => c.newClients),
      invalid: planned((c) => c.invalid),
      returns: planned((c) => c.returns),
    });
  });

  it('sends the lines of a merged client to the survivor, as the run does', async () => {
    const ctx = await setup();
    const [survivor] = await handle.db
      .insert(clients)
      .values({ workspaceId: ctx.workspaceId, kind: 'person', displayName: 'Пётр Первый', matchKey: 'petr' })
      .returning({ id: clients.id });
    await handle.db.update(clients).set({ mergedIntoId: survivor!.id }).where(eq(clients.id, ctx.existingId));
    const plan = await planPurchaseChunk(
      handle.db,
      ctx,
      numbered([line('1', 'A', '1', '1', '17850')]),
      mapping,
      newPurchasePlanState(),
    );
    expect(plan.rows[0]?.client).toEqual({
      id: survivor!.id,
      externalId: '17850',
      displayName: 'Пётр Первый',
    });
    await apply(ctx, numbered([line('1', 'A', '1', '1', '17850')]));
    expect((await storedPurchases(ctx.workspaceId)).map((p) => p.clientId)).toEqual([survivor!.id]);
  });
});

describe('the purchases a purchase import added, in its counts', () => {
  /** Applies each chunk and commits its counts as a run does, in one transaction. */
  async function run(ctx: PurchaseChunkContext, chunks: { rowNumber: number; cells: string[] }[][]) {
    await handle.db.update(imports).set({ status: 'queued' }).where(eq(imports.id, ctx.importId));
    const claim = await claimImport(handle.db, ctx.importId);
    if (!claim) throw new Error('the import was not claimed');
    for (const [i, rows] of chunks.entries()) {
      await handle.db.transaction(async (tx) => {
        const result = await applyPurchaseChunk(tx, ctx, rows, mapping);
        await commitImportChunk(tx, ctx.importId, claim.runToken, {
          counts: {
            rows: result.rows,
            created: result.createdClients,
            updated: 0,
            duplicates: 0,
            invalid: result.invalid + result.returns,
            purchases: result.purchasesCreated,
          },
          checkpoint: { afterRow: i },
          bytesDone: 0,
        });
      });
    }
    const [row] = await handle.db
      .select({ counts: imports.counts })
      .from(imports)
      .where(eq(imports.id, ctx.importId));
    return row!.counts;
  }

  it('counts each purchase once, an invoice spanning two chunks included', async () => {
    const ctx = await setup();
    const counts = await run(ctx, [
      numbered([
        line('1001', 'A', '2', '1.00', '17850'),
        line('1001', 'B', '1', '0.50', '17850'),
        line('1002', 'C', '1', '9.99', '500'),
      ]),
      numbered(
        [
          line('1002', 'D', '1', '1.00', '500'),
          line('1003', 'E', '1', '1.00', '500'),
          line('C1004', 'F', '-1', '1.00', '500'),
        ],
        5,
      ),
    ]);
    expect(counts).toEqual({ rowsDone: 6, created: 1, updated: 0, duplicates: 0, invalid: 1, purchases: 3 });
    const [stored] = await queryRows<{ n: number }>(
      handle.db,
      sql`select count(*)::int as n from purchases where workspace_id = ${ctx.workspaceId}::uuid`,
    );
    expect(stored?.n).toBe(3);
  });

  it('adds to counts stored before purchases were counted, which read as 0', async () => {
    const ctx = await setup();
    const old = { rowsDone: 0, created: 0, updated: 0, duplicates: 0, invalid: 0 };
    await handle.db.update(imports).set({ counts: old }).where(eq(imports.id, ctx.importId));
    expect(importCounts(old)).toEqual({ ...old, purchases: 0 });
    const counts = await run(ctx, [numbered([line('2001', 'A', '1', '1.00', '17850')])]);
    expect(counts).toMatchObject({ rowsDone: 1, purchases: 1 });
  });
});
