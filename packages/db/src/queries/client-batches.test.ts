import type { BatchKind } from '@cb/domain';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Executor } from '../client.ts';
import { batches } from '../schema/batches.ts';
import { clients } from '../schema/clients.ts';
import { type ImportStatus, importChanges, imports } from '../schema/imports.ts';
import { openTestDatabase, seedWorkspace, type TestDatabase } from '../testing/index.ts';
import { CLIENT_BATCHES_MAX, type ClientWrite, createClient, getClient } from './clients.ts';
import type { MutationContext } from './context.ts';

let handle: TestDatabase;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(async () => {
  await handle?.close();
});

function unwrap<T>(result: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value;
}

const ivanov: ClientWrite = {
  kind: 'person',
  lastName: 'Иванов',
  firstName: 'Иван',
  displayName: 'Иванов Иван',
  matchKey: 'иванов иван',
};

type BatchSpec = { kind: BatchKind; name: string; vendor?: string | null; costKopecks?: number | null };

/**
 * A batch with the import that made it, as `startImport` leaves them: the import points at its
 * batch. The import's rows in `import_changes` are added with `touch`.
 */
async function importBatch(
  db: Executor,
  workspaceId: string,
  spec: BatchSpec,
  run: { status: ImportStatus; startedAt: Date },
): Promise<{ batchId: string; importId: string }> {
  const [batch] = await db
    .insert(batches)
    .values({
      workspaceId,
      kind: spec.kind,
      name: spec.name,
      vendor: spec.vendor ?? null,
      costKopecks: spec.costKopecks ?? null,
    })
    .returning({ id: batches.id });
  const [row] = await db
    .insert(imports)
    .values({
      workspaceId,
      fileName: `${spec.name}.csv`,
      fileSize: 100,
      sha256: '',
      file: { format: 'csv', encoding: 'utf-8', delimiter: ';', sheet: null, sheets: [] },
      batchId: batch!.id,
      status: run.status,
      startedAt: run.startedAt,
    })
    .returning({ id: imports.id });
  return { batchId: batch!.id, importId: row!.id };
}

async function touch(db: Executor, importId: string, clientId: string, action: 'created' | 'updated') {
  await db.insert(importChanges).values({ importId, clientId, action, versionAfter: 2, row: 1 });
}

/** A client as an import creates it: from the batch, on the day the import ran. */
async function clientFrom(ctx: MutationContext, batchId: string | null, createdAt: Date): Promise<string> {
  const client = unwrap(
    await createClient(handle.db, ctx, {
      ...ivanov,
      source: batchId ? { channel: 'purchased_list', batchId } : { channel: 'walk_in' },
    }),
  );
  await handle.db.update(clients).set({ createdAt }).where(eq(clients.id, client.id));
  return client.id;
}

const JANUARY = new Date('2026-01-15T10:00:00Z');
const MARCH = new Date('2026-03-10T10:00:00Z');
const MAY = new Date('2026-05-20T10:00:00Z');

describe('getClient: the batches that touched the client', () => {
  it('lists the creating batch and the batch of a later import, newest first, with vendor and cost', async () => {
    const { ctx } = await seedWorkspace(handle.db);
    const db = handle.db;
    const a = await importBatch(
      db,
      ctx.workspaceId,
      { kind: 'purchased_list', name: 'База застройщика', vendor: 'ООО Лиды', costKopecks: 1_250_000 },
      { status: 'completed', startedAt: JANUARY },
    );
    const b = await importBatch(
      db,
      ctx.workspaceId,
      { kind: 'import', name: 'Выгрузка из 1С', vendor: null, costKopecks: null },
      { status: 'completed', startedAt: MARCH },
    );
    const clientId = await clientFrom(ctx, a.batchId, JANUARY);
    await touch(db, a.importId, clientId, 'created');
    await touch(db, b.importId, clientId, 'updated');

    const detail = await getClient(db, { workspaceId: ctx.workspaceId }, clientId);
    expect(detail?.batches).toEqual({
      total: 2,
      items: [
        {
          id: b.batchId,
          kind: 'import',
          name: 'Выгрузка из 1С',
          vendor: null,
          cost: null,
          action: 'updated',
          at: MARCH,
        },
        {
          id: a.batchId,
          kind: 'purchased_list',
          name: 'База застройщика',
          vendor: 'ООО Лиды',
          cost: { kopecks: 1_250_000, currency: 'RUB' },
          action: 'created',
          at: JANUARY,
        },
      ],
    });
  });

  it.each<{ status: ImportStatus; listed: boolean }>([
    { status: 'undone', listed: false },
    { status: 'running', listed: true },
    { status: 'failed', listed: true },
  ])('the batch of an import $status is listed: $listed', async ({ status, listed }) => {
    const { ctx } = await seedWorkspace(handle.db);
    const db = handle.db;
    const a = await importBatch(
      db,
      ctx.workspaceId,
      { kind: 'paper', name: 'Анкеты с выставки' },
      { status: 'completed', startedAt: JANUARY },
    );
    const later = await importBatch(
      db,
      ctx.workspaceId,
      { kind: 'purchased_list', name: 'Список от брокера', vendor: 'ИП Петров', costKopecks: 500_000 },
      { status, startedAt: MAY },
    );
    const clientId = await clientFrom(ctx, a.batchId, JANUARY);
    await touch(db, a.importId, clientId, 'created');
    await touch(db, later.importId, clientId, 'updated');

    const detail = await getClient(db, { workspaceId: ctx.workspaceId }, clientId);
    const ids = detail?.batches.items.map((item) => item.id);
    expect(ids).toEqual(listed ? [later.batchId, a.batchId] : [a.batchId]);
    expect(detail?.batches.total).toBe(listed ? 2 : 1);
  });

  it('lists a client made by hand and updated by an import as updated only', async () => {
    const { ctx } = await seedWorkspace(handle.db);
    const db = handle.db;
    const b = await importBatch(
      db,
      ctx.workspaceId,
      { kind: 'other_system', name: 'Перенос из amoCRM' },
      { status: 'completed', startedAt: MARCH },
    );
    const clientId = await clientFrom(ctx, null, JANUARY);
    await touch(db, b.importId, clientId, 'updated');

    const detail = await getClient(db, { workspaceId: ctx.workspaceId }, clientId);
    expect(detail?.batch).toBeNull();
    expect(detail?.batches.items.map((item) => [item.name, item.action])).toEqual([
      ['Перенос из amoCRM', 'updated'],
    ]);
  });

  it('lists a batch once when it both created the client and its import wrote the change', async () => {
    const { ctx } = await seedWorkspace(handle.db);
    const db = handle.db;
    const a = await importBatch(
      db,
      ctx.workspaceId,
      { kind: 'import', name: 'clients.csv' },
      { status: 'completed', startedAt: JANUARY },
    );
    const clientId = await clientFrom(ctx, a.batchId, JANUARY);
    await touch(db, a.importId, clientId, 'created');

    const detail = await getClient(db, { workspaceId: ctx.workspaceId }, clientId);
    expect(detail?.batches).toMatchObject({ total: 1, items: [{ id: a.batchId, action: 'created' }] });
  });

  it('lists a client no batch touched with none', async () => {
    const { ctx } = await seedWorkspace(handle.db);
    const clientId = await clientFrom(ctx, null, JANUARY);
    const detail = await getClient(handle.db, { workspaceId: ctx.workspaceId }, clientId);
    expect(detail?.batches).toEqual({ items: [], total: 0 });
  });

  it(`caps the list at ${CLIENT_BATCHES_MAX} newest and counts them all`, async () => {
    const { ctx } = await seedWorkspace(handle.db);
    const db = handle.db;
    const clientId = await clientFrom(ctx, null, JANUARY);
    const made: string[] = [];
    for (let day = 1; day <= CLIENT_BATCHES_MAX + 5; day++) {
      const run = await importBatch(
        db,
        ctx.workspaceId,
        { kind: 'import', name: `day-${day}` },
        { status: 'completed', startedAt: new Date(Date.UTC(2026, 1, day)) },
      );
      await touch(db, run.importId, clientId, 'updated');
      made.push(`day-${day}`);
    }
    const detail = await getClient(db, { workspaceId: ctx.workspaceId }, clientId);
    expect(detail?.batches.total).toBe(CLIENT_BATCHES_MAX + 5);
    expect(detail?.batches.items.map((item) => item.name)).toEqual(
      made.reverse().slice(0, CLIENT_BATCHES_MAX),
    );
  });
});
