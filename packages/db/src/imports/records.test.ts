import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, seedWorkspace, type TestDatabase } from '../testing/index.ts';
import { writeImportErrors } from './apply.ts';
import {
  createImport,
  getImport,
  IMPORT_FILE_CHUNK_BYTES,
  importProgress,
  iterateImportErrors,
  listImportMappings,
  listImports,
  readImportFile,
  saveImportMapping,
  setImportMapping,
  startImport,
  storeImportFile,
  undoImport,
} from './records.ts';

let handle: TestDatabase;

beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(async () => {
  await handle?.close();
});

const HEADERS = ['ФИО', 'Телефон', 'Город'];
const MAPPING = [
  { column: 0, header: 'ФИО', target: { kind: 'field', field: 'fullName' } },
  { column: 1, header: 'Телефон', target: { kind: 'phone' } },
  { column: 2, header: 'Город', target: { kind: 'field', field: 'city' } },
];

/** A purchase file's mapping: customer id, date and amount (the columns `ZPurchaseMapping` requires). */
const PURCHASE_MAPPING = [
  { column: 0, header: 'Код клиента', target: 'clientExternalId' },
  { column: 1, header: 'Дата', target: 'date' },
  { column: 2, header: 'Сумма', target: 'amount' },
];

async function newImport(
  ctx: Parameters<typeof createImport>[1],
  fileName = 'clients.csv',
  data: Pick<Parameters<typeof createImport>[2], 'kind' | 'mapping'> = { mapping: MAPPING },
) {
  return createImport(handle.db, ctx, {
    fileName,
    fileSize: 0,
    sha256: '',
    file: { format: 'csv', encoding: 'utf-8', delimiter: ';', sheet: null, sheets: [] },
    headers: HEADERS,
    sample: [['Иванов Иван', '+79161234567', 'Москва']],
    totalRows: 1,
    ...data,
  });
}

async function* pieces(sizes: number[]): AsyncGenerator<Uint8Array> {
  let n = 0;
  for (const size of sizes) {
    const bytes = new Uint8Array(size);
    for (let i = 0; i < size; i++) bytes[i] = (n++ * 31) % 251;
    yield bytes;
  }
}

describe('import records', () => {
  it('stores a file in pieces of at most 1 MiB and reads it back whole', async () => {
    const { ctx } = await seedWorkspace(handle.db);
    const row = await newImport(ctx);
    const sizes = [700_000, 1_500_000, 10, 600_000];
    const stored = await storeImportFile(handle.db, row.id, pieces(sizes));
    const total = sizes.reduce((a, b) => a + b, 0);
    expect(stored).toMatchObject({ bytes: total, pieces: Math.ceil(total / IMPORT_FILE_CHUNK_BYTES) });
    const back: Uint8Array[] = [];
    for await (const piece of readImportFile(handle.db, row.id)) {
      expect(piece.length).toBeLessThanOrEqual(IMPORT_FILE_CHUNK_BYTES);
      back.push(piece);
    }
    const whole = Buffer.concat(back);
    expect(whole.length).toBe(total);
    expect(createHash('sha256').update(whole).digest('hex')).toBe(stored.sha256);
    const again = await getImport(handle.db, ctx.workspaceId, row.id);
    expect(again).toMatchObject({ fileSize: total, sha256: stored.sha256, status: 'uploaded' });
  });

  it('is workspace-scoped, and lists newest first in keyset pages', async () => {
    const { ctx } = await seedWorkspace(handle.db);
    const other = await seedWorkspace(handle.db);
    const ids = [];
    for (const name of ['a.csv', 'b.csv', 'c.csv']) ids.push((await newImport(ctx, name)).id);
    expect(await getImport(handle.db, other.ctx.workspaceId, ids[0]!)).toBeNull();
    expect(await getImport(handle.db, ctx.workspaceId, 'not-a-uuid')).toBeNull();
    const first = await listImports(handle.db, ctx.workspaceId, { limit: 2 });
    if (!first.ok) throw new Error('list failed');
    expect(first.value.items.map((i) => i.fileName)).toEqual(['c.csv', 'b.csv']);
    const second = await listImports(handle.db, ctx.workspaceId, {
      limit: 2,
      cursor: first.value.nextCursor,
    });
    if (!second.ok) throw new Error('list failed');
    expect(second.value.items.map((i) => i.fileName)).toEqual(['a.csv']);
    expect(second.value.nextCursor).toBeNull();
    const bad = await listImports(handle.db, ctx.workspaceId, { cursor: 'garbage' });
    expect(bad).toEqual({
      ok: false,
      error: {
        code: 'invalid',
        issues: [{ field: 'cursor', code: 'cursor_invalid', message: 'The cursor is not valid' }],
      },
    });
  });

  it('sets a mapping with issues by path, and refuses once the import started', async () => {
    const { ctx } = await seedWorkspace(handle.db);
    const row = await newImport(ctx);
    const twice = await setImportMapping(handle.db, ctx, row.id, {
      mapping: [MAPPING[0], { column: 1, header: 'Телефон', target: { kind: 'field', field: 'fullName' } }],
    });
    expect(twice.ok).toBe(false);
    expect(!twice.ok && twice.error.code === 'invalid' && twice.error.issues.map((i) => i.field)).toEqual([
      'mapping.1.target',
    ]);
    const badSource = await setImportMapping(handle.db, ctx, row.id, {
      mapping: MAPPING,
      source: { batchKind: 'purchased_list', name: '', costKopecks: -1 },
    });
    expect(
      !badSource.ok && badSource.error.code === 'invalid' && badSource.error.issues.map((i) => i.field),
    ).toEqual(['source.name', 'source.costKopecks']);
    const set = await setImportMapping(handle.db, ctx, row.id, {
      mapping: MAPPING,
      source: {
        batchKind: 'purchased_list',
        name: 'Список от «Базы»',
        vendor: 'База',
        costKopecks: 1_500_000,
      },
      allowPartialRows: true,
    });
    expect(set.ok && set.value).toMatchObject({ allowPartialRows: true, source: { vendor: 'База' } });

    const badPolicy = await startImport(handle.db, ctx, row.id, { matchBy: ['phone'], action: 'merge' });
    expect(
      !badPolicy.ok && badPolicy.error.code === 'invalid' && badPolicy.error.issues.map((i) => i.field),
    ).toEqual(['duplicatePolicy.action']);
    const noMatch = await startImport(handle.db, ctx, row.id, { matchBy: [], action: 'skip' });
    expect(!noMatch.ok && noMatch.error.code === 'invalid' && noMatch.error.issues[0]?.field).toBe(
      'duplicatePolicy.matchBy',
    );
    const started = await startImport(handle.db, ctx, row.id, { matchBy: ['phone'], action: 'skip' });
    expect(started.ok && started.value).toMatchObject({ status: 'queued' });
    const batch = started.ok ? started.value.batchId : null;
    expect(batch).not.toBeNull();

    const late = await setImportMapping(handle.db, ctx, row.id, { mapping: MAPPING });
    expect(!late.ok && late.error).toMatchObject({ code: 'conflict', field: 'status' });
    expect(!(await startImport(handle.db, ctx, row.id, { matchBy: ['phone'], action: 'skip' })).ok).toBe(
      true,
    );
    const undo = await undoImport(handle.db, ctx, row.id);
    expect(!undo.ok && undo.error).toMatchObject({ code: 'conflict', field: 'status' });
    const other = await seedWorkspace(handle.db);
    expect(await setImportMapping(handle.db, other.ctx, row.id, { mapping: MAPPING })).toEqual({
      ok: false,
      error: { code: 'not_found', entity: 'import', id: row.id },
    });
  });

  it.each([
    ['a client import without a policy', 'clients', MAPPING, undefined, 'duplicatePolicy'],
    [
      'a purchase import with a bad policy',
      'purchases',
      PURCHASE_MAPPING,
      { matchBy: [], action: 'skip' },
      'duplicatePolicy.matchBy',
    ],
    ['a purchase import without its purchase mapping', 'purchases', [], undefined, 'mapping'],
  ] as const)('refuses to start %s, naming the field', async (_, kind, mapping, policy, field) => {
    const { ctx } = await seedWorkspace(handle.db);
    const row = await newImport(ctx, 'refused.csv', { kind, mapping: [...mapping] });
    const refused = await startImport(handle.db, ctx, row.id, policy);
    expect(
      !refused.ok && refused.error.code === 'invalid' && refused.error.issues.map((i) => i.field),
    ).toEqual([field]);
    expect((await getImport(handle.db, ctx.workspaceId, row.id))?.status).toBe('uploaded');
  });

  it("takes the workspace's partial-rows setting as an import's default, and a mapping may override it", async () => {
    const strict = (await seedWorkspace(handle.db)).ctx;
    const lenient = (await seedWorkspace(handle.db, { settings: { allowPartialRows: true } })).ctx;
    expect((await newImport(strict)).allowPartialRows).toBe(false);
    const row = await newImport(lenient);
    expect(row.allowPartialRows).toBe(true);
    const set = await setImportMapping(handle.db, lenient, row.id, {
      mapping: MAPPING,
      allowPartialRows: false,
    });
    expect(set.ok && set.value.allowPartialRows).toBe(false);
    expect((await getImport(handle.db, lenient.workspaceId, row.id))?.allowPartialRows).toBe(false);
  });

  it('starts a purchase import without a duplicate policy, and keeps none given to it', async () => {
    const { ctx } = await seedWorkspace(handle.db);
    const bare = await newImport(ctx, 'purchases.csv', { kind: 'purchases', mapping: PURCHASE_MAPPING });
    const started = await startImport(handle.db, ctx, bare.id);
    expect(started.ok && started.value).toMatchObject({ status: 'queued', duplicatePolicy: null });
    expect(started.ok && started.value.batchId).toBeTruthy();
    const given = await newImport(ctx, 'purchases.csv', { kind: 'purchases', mapping: PURCHASE_MAPPING });
    const ignored = await startImport(handle.db, ctx, given.id, { matchBy: ['phone'], action: 'skip' });
    expect(ignored.ok && ignored.value).toMatchObject({ status: 'queued', duplicatePolicy: null });
  });

  it('saves mappings by name (saving again replaces) and lists them', async () => {
    const { ctx } = await seedWorkspace(handle.db);
    const bad = await saveImportMapping(handle.db, ctx, {
      name: ' ',
      headers: HEADERS,
      mapping: [{ column: -1 }],
    });
    expect(!bad.ok && bad.error.code === 'invalid' && bad.error.issues.map((i) => i.field)).toEqual([
      'name',
      'mapping.0.column',
      'mapping.0.header',
      'mapping.0.target',
    ]);
    await saveImportMapping(handle.db, ctx, { name: '1С выгрузка', headers: HEADERS, mapping: MAPPING });
    await saveImportMapping(handle.db, ctx, {
      name: '1С выгрузка',
      headers: HEADERS,
      mapping: MAPPING.slice(0, 2),
    });
    await saveImportMapping(handle.db, ctx, { name: 'Амо', headers: HEADERS, mapping: MAPPING });
    const list = await listImportMappings(handle.db, ctx.workspaceId);
    expect(list.map((m) => [m.name, m.mapping.length])).toEqual([
      ['1С выгрузка', 2],
      ['Амо', 3],
    ]);
  });

  it('reads error rows in file order through keyset pages', async () => {
    const { ctx } = await seedWorkspace(handle.db);
    const row = await newImport(ctx);
    const error = (r: number, code: string) => ({
      row: r,
      column: 1,
      header: 'Телефон',
      value: '=1+1',
      code,
      message: 'bad',
      rowImported: false,
    });
    await writeImportErrors(
      handle.db,
      row.id,
      [error(9, 'a'), error(2, 'b'), error(5, 'c'), error(2, 'd'), error(7, 'e')],
      false,
    );
    await writeImportErrors(handle.db, row.id, [error(3, 'dry')], true);
    const seen = [];
    for await (const e of iterateImportErrors(handle.db, row.id, { pageSize: 2 })) seen.push([e.row, e.code]);
    expect(seen).toEqual([
      [2, 'b'],
      [2, 'd'],
      [5, 'c'],
      [7, 'e'],
      [9, 'a'],
    ]);
    const dry = [];
    for await (const e of iterateImportErrors(handle.db, row.id, { dryRun: true })) dry.push(e.value);
    expect(dry).toEqual(['=1+1']);
  });
});

describe('importProgress', () => {
  const base = {
    counts: { rowsDone: 500, created: 0, updated: 0, duplicates: 0, invalid: 0 },
    totalRows: 2000 as number | null,
    bytesDone: 250,
    fileSize: 1000,
    startedAt: new Date('2026-01-01T00:00:00Z') as Date | null,
    finishedAt: null as Date | null,
    status: 'running' as const,
  };
  const now = new Date('2026-01-01T00:00:10Z');

  it.each([
    ['by rows when the total is known', base, { fraction: 0.25, rowsPerSecond: 50, etaSeconds: 30 }],
    [
      'by bytes when it is not',
      { ...base, totalRows: null },
      { fraction: 0.25, rowsPerSecond: 50, etaSeconds: 30 },
    ],
    ['not started', { ...base, startedAt: null }, { fraction: 0.25, rowsPerSecond: null, etaSeconds: null }],
    [
      'completed',
      { ...base, status: 'completed' as never, finishedAt: new Date('2026-01-01T00:00:05Z') },
      { fraction: 1, rowsPerSecond: 100, etaSeconds: 0 },
    ],
  ])('%s', (_name, row, expected) => {
    expect(importProgress(row, now)).toMatchObject(expected);
  });
});
