import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import {
  claimImport,
  convertClientRows,
  createClient,
  createImport,
  execute,
  type ImportDuplicatePolicy,
  iterateImportErrors,
  loadClientChunkContext,
  type MutationContext,
  setImportMapping,
  startImport,
  storeImportFile,
  undoImport,
  updateClient,
} from '@cb/db';
import { openTestDatabase, seedWorkspace, type TestDatabase } from '@cb/db/testing';
import { suggestPurchaseMapping } from '@cb/domain';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversionThread } from './converter.ts';
import { registerImport } from './inspect.ts';
import { dryRunImport, ImportRefusedError, runImport } from './run.ts';
import { encodeWindows1251 } from './test-support.ts';
import { runUndo } from './undo.ts';

let handle: TestDatabase;

async function q<T>(text: string, values: unknown[] = []): Promise<T[]> {
  return (await execute(handle, text, values)).rows as T[];
}
let dir = '';
let fileNo = 0;

beforeAll(async () => {
  handle = await openTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'cb-import-run-'));
});
afterAll(async () => {
  await handle?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const NOW = new Date('2026-06-01T10:00:00Z');
const HEADER = 'ID;ФИО;Телефон;E-mail;Город;Дата рождения';

async function workspace(settings: Record<string, unknown> = {}) {
  const { ctx } = await seedWorkspace(handle.db, { settings: { defaultRegion: 'RU', ...settings } });
  return ctx;
}

async function register(ctx: MutationContext, content: string | Uint8Array, name = 'clients.csv') {
  fileNo++;
  const path = join(dir, `${fileNo}-${name}`);
  await writeFile(path, content);
  return registerImport(handle, ctx, { path, fileName: name });
}

type ImportOptions = {
  policy?: ImportDuplicatePolicy;
  allowPartialRows?: boolean;
  chunkRows?: number;
  name?: string;
};

async function importFile(ctx: MutationContext, content: string | Uint8Array, options: ImportOptions = {}) {
  const row = await register(ctx, content, options.name);
  if (options.allowPartialRows !== undefined) {
    const set = await setImportMapping(handle.db, ctx, row.id, {
      mapping: row.mapping,
      allowPartialRows: options.allowPartialRows,
    });
    expect(set.ok).toBe(true);
  }
  const started = await startImport(
    handle.db,
    ctx,
    row.id,
    options.policy ?? { matchBy: ['externalId', 'phone', 'email'], action: 'skip' },
  );
  if (!started.ok) throw new Error(JSON.stringify(started.error));
  const outcome = await runImport(handle, row.id, {
    tempDir: dir,
    chunkRows: options.chunkRows ?? 2000,
    now: () => NOW,
  });
  expect(outcome.status).toBe('completed');
  return outcome.import!;
}

const csv = (...lines: string[]) => `${[HEADER, ...lines].join('\n')}\n`;

type StoredClient = {
  id: string;
  external_id: string | null;
  display_name: string;
  city: string | null;
  birthday: string | null;
  version: number;
  source_channel: string;
  source_batch_id: string | null;
  phones: string[];
  emails: string[];
};

async function clientsOf(workspaceId: string): Promise<StoredClient[]> {
  return q<StoredClient>(
    `select c.id::text as id, c.external_id, c.display_name, c.city, c.birthday::text as birthday, c.version,
          c.source_channel, c.source_batch_id::text as source_batch_id,
          array(select e164 from client_phones p where p.client_id = c.id order by p.position) as phones,
          array(select address from client_emails e where e.client_id = c.id order by e.position) as emails
        from clients c where c.workspace_id = $1::uuid order by c.external_id nulls last, c.display_name`,
    [workspaceId],
  );
}

async function errorsOf(importId: string, dryRun = false) {
  const out = [];
  for await (const e of iterateImportErrors(handle.db, importId, { dryRun })) out.push(e);
  return out;
}

async function existing(
  ctx: MutationContext,
  data: { phone?: string; email?: string; city?: string; externalId?: string },
) {
  const created = await createClient(handle.db, ctx, {
    kind: 'person',
    lastName: 'Старый',
    firstName: 'Клиент',
    displayName: 'Старый Клиент',
    matchKey: 'staryi klient',
    city: data.city ?? null,
    externalId: data.externalId ?? null,
    phones: data.phone ? [{ e164: data.phone, raw: data.phone, type: 'mobile', verifiedAt: null }] : [],
    emails: data.email ? [{ address: data.email, type: 'personal', verifiedAt: null }] : [],
  });
  if (!created.ok) throw new Error(JSON.stringify(created.error));
  return created.value;
}

describe('runImport: a client file end to end', () => {
  it('creates clients with their contacts, batch, keys, changes and one audit row', async () => {
    const ctx = await workspace();
    const done = await importFile(
      ctx,
      csv(
        'A1;Иванов Иван Иванович;8 (916) 123-45-67;Ivan@Example.com;Москва;02.03.1985',
        'A2;Петрова Анна;+7 903 111 22 33;;Казань;',
      ),
    );
    expect(done.status).toBe('completed');
    expect(done.counts).toEqual({ rowsDone: 2, created: 2, updated: 0, duplicates: 0, invalid: 0 });
    expect(done.totalRows).toBe(2);
    const clients = await clientsOf(ctx.workspaceId);
    expect(
      clients.map((c) => [c.external_id, c.display_name, c.phones, c.emails, c.city, c.birthday]),
    ).toEqual([
      ['A1', 'Иванов Иван Иванович', ['+79161234567'], ['ivan@example.com'], 'Москва', '1985-03-02'],
      ['A2', 'Петрова Анна', ['+79031112233'], [], 'Казань', null],
    ]);
    expect(clients.every((c) => c.source_batch_id === done.batchId && c.source_channel === 'import')).toBe(
      true,
    );
    const [batch] = await q<{ kind: string; name: string }>(
      `select kind, name from batches where id = $1::uuid`,
      [done.batchId],
    );
    expect(batch).toEqual({ kind: 'import', name: 'clients.csv' });
    const [keys] = await q<{ n: number }>(
      `select count(distinct client_id)::int as n from client_dup_keys where workspace_id = $1::uuid`,
      [ctx.workspaceId],
    );
    expect(keys?.n).toBe(2);
    const changes = await q<{ action: string; version_after: number }>(
      `select action, version_after from import_changes where import_id = $1::uuid`,
      [done.id],
    );
    expect(changes).toEqual([
      { action: 'created', version_after: 1 },
      { action: 'created', version_after: 1 },
    ]);
    const audits = await q<{ action: string }>(
      `select action from audit_log where workspace_id = $1::uuid and action like 'import.%' order by id`,
      [ctx.workspaceId],
    );
    expect(audits.map((a) => a.action)).toEqual(['import.start', 'import.completed']);
  });

  it.each([
    ['phone', 'A9;Сидоров Пётр;+7 916 555-00-11;;;', { phone: '+79165550011' }],
    ['email', 'A9;Сидоров Пётр;;OLD@example.com;;', { email: 'old@example.com' }],
    ['externalId', 'X1;Сидоров Пётр;;;;', { externalId: 'X1' }],
  ] as const)('skip by %s leaves the stored client as it is', async (by, line, data) => {
    const ctx = await workspace();
    const before = await existing(ctx, data);
    const done = await importFile(ctx, csv(line), { policy: { matchBy: [by], action: 'skip' } });
    expect(done.counts).toMatchObject({ rowsDone: 1, created: 0, duplicates: 1 });
    const [after] = await clientsOf(ctx.workspaceId);
    expect(after?.version).toBe(before.version);
  });

  it('fill sets only empty fields and adds new contacts; overwrite replaces given fields', async () => {
    const ctx = await workspace();
    const a = await existing(ctx, { phone: '+79160000001', city: 'Тверь' });
    const filled = await importFile(
      ctx,
      csv('F1;Старый Клиент;+7 916 000-00-01;new@example.com;Москва;01.01.1990'),
      {
        policy: { matchBy: ['phone'], action: 'fill' },
      },
    );
    expect(filled.counts).toMatchObject({ created: 0, updated: 1 });
    let [after] = await clientsOf(ctx.workspaceId);
    expect(after).toMatchObject({
      id: a.id,
      city: 'Тверь',
      external_id: 'F1',
      birthday: '1990-01-01',
      version: 2,
    });
    expect(after?.emails).toEqual(['new@example.com']);
    const [change] = await q<{
      before: { fields: Record<string, unknown>; emailIds: string[] };
      version_after: number;
    }>(`select before, version_after from import_changes where import_id = $1::uuid`, [filled.id]);
    expect(change?.version_after).toBe(2);
    expect(change?.before.fields).toEqual({ birthday: null, external_id: null });
    expect(change?.before.emailIds).toHaveLength(1);

    const overwritten = await importFile(ctx, csv('F1;Старый Клиент;+7 916 000-00-01;;Москва;'), {
      policy: { matchBy: ['externalId'], action: 'overwrite' },
    });
    expect(overwritten.counts).toMatchObject({ updated: 1 });
    [after] = await clientsOf(ctx.workspaceId);
    expect(after).toMatchObject({ city: 'Москва', version: 3 });
  });

  it('create makes a new client even when one matches; the external id stays unique', async () => {
    const ctx = await workspace();
    await existing(ctx, { phone: '+79160000002', externalId: 'E1' });
    const done = await importFile(ctx, csv('N1;Новый Клиент;+7 916 000-00-02;;;', 'E1;Другой Клиент;;;;'), {
      policy: { matchBy: [], action: 'create' },
    });
    expect(done.counts).toMatchObject({ created: 1, invalid: 1 });
    const errors = await errorsOf(done.id);
    expect(errors.map((e) => [e.row, e.header, e.value, e.code])).toEqual([
      [3, 'ID', 'E1', 'external_id_taken'],
    ]);
  });

  it('refuses a new client a phone another has when the workspace wants phones unique', async () => {
    const ctx = await workspace({ uniquePhones: true });
    await existing(ctx, { phone: '+79160000003' });
    const done = await importFile(
      ctx,
      csv(
        'U1;Новый Клиент;+7 916 000-00-03;;;',
        'U2;Другой Клиент;+7 916 000-00-04;;;',
        'U3;Третий Клиент;8 916 000 00 04;;;',
      ),
      { policy: { matchBy: [], action: 'create' } },
    );
    expect(done.counts).toMatchObject({ created: 1, invalid: 2 });
    expect((await errorsOf(done.id)).map((e) => [e.row, e.header, e.code])).toEqual([
      [2, 'Телефон', 'phone_taken'],
      [4, 'Телефон', 'phone_taken'],
    ]);
  });

  it('fuzzy matches a stored client by name, birthday and phone written differently', async () => {
    const ctx = await workspace();
    const first = await importFile(
      ctx,
      csv('Z1;Фёдоров Алексей Петрович;+7 916 777-88-99;;Москва;12.04.1980'),
    );
    expect(first.counts.created).toBe(1);
    const done = await importFile(ctx, csv(';Федоров Алексей Петрович;8 916 777 88 99;;Москва;12.04.1980'), {
      policy: { matchBy: ['fuzzy'], action: 'skip' },
    });
    expect(done.counts).toMatchObject({ created: 0, duplicates: 1 });
  });

  it('finds duplicates within the file, across chunks too', async () => {
    const ctx = await workspace();
    const done = await importFile(
      ctx,
      csv(
        'D1;Один Клиент;+7 916 100-00-01;;;',
        'D2;Два Клиента;+7 916 100-00-02;;;',
        ';Один Клиент;8 916 100 00 01;one@example.com;;',
        'D3;Три Клиента;;two@example.com;;',
        ';Три Клиента;;TWO@example.com;Омск;',
      ),
      { policy: { matchBy: ['phone', 'email'], action: 'fill' }, chunkRows: 2 },
    );
    expect(done.counts).toEqual({ rowsDone: 5, created: 3, updated: 0, duplicates: 2, invalid: 0 });
    const clients = await clientsOf(ctx.workspaceId);
    expect(clients.map((c) => [c.external_id, c.emails, c.city])).toEqual([
      ['D1', ['one@example.com'], null],
      ['D2', [], null],
      ['D3', ['two@example.com'], 'Омск'],
    ]);
  });

  it('partial rows import without the bad cell; formula-looking cells stay text', async () => {
    const ctx = await workspace();
    const line = 'P1;Частичный Клиент;+7 916 200-00-01;not-an-email;=HYPERLINK("http://x");';
    const strict = await importFile(ctx, csv(line));
    expect(strict.counts).toMatchObject({ created: 0, invalid: 1 });
    expect((await errorsOf(strict.id)).map((e) => [e.row, e.column, e.code, e.rowImported])).toEqual([
      [2, 3, 'email_invalid', false],
    ]);
    const partial = await importFile(ctx, csv(line), { allowPartialRows: true });
    expect(partial.counts).toMatchObject({ created: 1, invalid: 0 });
    expect((await errorsOf(partial.id)).map((e) => [e.code, e.value, e.rowImported])).toEqual([
      ['email_invalid', 'not-an-email', true],
    ]);
    const [client] = await clientsOf(ctx.workspaceId);
    expect(client).toMatchObject({ city: '=HYPERLINK("http://x")', emails: [] });
  });

  it('reads a Windows-1251 file with ";" and an XLSX workbook', async () => {
    const ctx = await workspace();
    const bytes = encodeWindows1251(`${HEADER}\r\nW1;Ёлкина Мария;8 916 300-00-01;;Орёл;\r\n`);
    const fromCsv = await importFile(ctx, bytes, { name: 'export.csv' });
    expect(fromCsv.file).toMatchObject({ encoding: 'windows-1251', delimiter: ';' });
    expect(fromCsv.counts.created).toBe(1);

    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Клиенты');
    sheet.addRow(HEADER.split(';'));
    sheet.addRow([
      'X1',
      'Книгина Ольга',
      79163000002,
      'olga@example.com',
      'Тула',
      new Date(Date.UTC(1991, 4, 9)),
    ]);
    sheet.addRow(['X2', 'Таблицын Олег', '+7 916 300-00-03', '', '=1+1', '']);
    const path = join(dir, 'book.xlsx');
    await workbook.xlsx.writeFile(path);
    const { readFile } = await import('node:fs/promises');
    const fromXlsx = await importFile(ctx, await readFile(path), { name: 'book.xlsx' });
    expect(fromXlsx.file).toMatchObject({ format: 'xlsx', sheet: 'Клиенты' });
    expect(fromXlsx.counts).toMatchObject({ created: 2, invalid: 0 });
    // The read position is committed with each chunk, as for CSV: progress by bytes works for XLSX.
    expect(fromXlsx.bytesDone).toBe(fromXlsx.fileSize);
    const clients = await clientsOf(ctx.workspaceId);
    expect(clients.map((c) => [c.external_id, c.display_name, c.phones, c.city, c.birthday])).toEqual([
      ['W1', 'Ёлкина Мария', ['+79163000001'], 'Орёл', null],
      ['X1', 'Книгина Ольга', ['+79163000002'], 'Тула', '1991-05-09'],
      ['X2', 'Таблицын Олег', ['+79163000003'], '=1+1', null],
    ]);
  });
});

function bigCsv(rows: number, prefix = 'R') {
  const lines = [];
  for (let i = 1; i <= rows; i++) {
    const n = String(i).padStart(6, '0');
    lines.push(
      `${prefix}${n};Клиентов Номер${i % 7 === 0 ? '' : ''};+7 917 ${n.slice(0, 3)}-${n.slice(3, 5)}-${n.slice(5)}0;;Город ${i % 10};`,
    );
  }
  return csv(...lines);
}

describe('after the rows: recompute and the duplicate check', () => {
  const queued = async (workspaceId: string) =>
    q<{ topic: string; payload: { clientIds?: string[] } }>(
      `select topic, payload from outbox where workspace_id = $1::uuid order by id`,
      [workspaceId],
    );
  const lines = ['D1;Сидоров Пётр;+7 916 000-00-01;;Москва;', 'D2;Сидорова Мария;+7 916 000-00-02;;Москва;'];

  it('a counted small file checks its clients chunk by chunk', async () => {
    const ctx = await workspace();
    const done = await importFile(ctx, csv(...lines));
    expect(done.counts.created).toBe(2);
    const topics = await queued(ctx.workspaceId);
    const checked = topics
      .filter((t) => t.topic === 'duplicates.check')
      .flatMap((t) => t.payload.clientIds ?? []);
    expect(checked.sort()).toEqual((await clientsOf(ctx.workspaceId)).map((c) => c.id).sort());
    expect(topics.map((t) => t.topic)).not.toContain('duplicates.scan');
  });

  it('a file too big to count (or to check by chunk) is checked by one workspace scan at its end', async () => {
    const ctx = await workspace();
    const row = await register(ctx, csv(...lines));
    // As for a file over the counting limit: the row count is not known until the run ends.
    await q('update imports set total_rows = null where id = $1::uuid', [row.id]);
    const started = await startImport(handle.db, ctx, row.id, { matchBy: ['externalId'], action: 'skip' });
    expect(started.ok).toBe(true);
    const outcome = await runImport(handle, row.id, { tempDir: dir, now: () => NOW });
    expect(outcome.import?.counts.created).toBe(2);
    const topics = (await queued(ctx.workspaceId)).map((t) => t.topic);
    expect(topics.filter((t) => t === 'duplicates.scan')).toHaveLength(1);
    expect(topics).toContain('workspace.recompute');
    expect(topics).not.toContain('duplicates.check');
  });

  it('an import that changed no client queues no scan', async () => {
    const ctx = await workspace();
    await importFile(ctx, csv(...lines));
    const row = await register(ctx, csv(...lines));
    await q('update imports set total_rows = null where id = $1::uuid', [row.id]);
    await q('delete from outbox where workspace_id = $1::uuid', [ctx.workspaceId]);
    const started = await startImport(handle.db, ctx, row.id, { matchBy: ['externalId'], action: 'skip' });
    expect(started.ok).toBe(true);
    const outcome = await runImport(handle, row.id, { tempDir: dir, now: () => NOW });
    expect(outcome.import?.counts).toMatchObject({ created: 0, updated: 0, duplicates: 2 });
    expect((await queued(ctx.workspaceId)).map((t) => t.topic)).not.toContain('duplicates.scan');
  });
});

describe('conversion on a second thread', () => {
  it('stores what conversion on this thread stores: clients, contacts, errors and counts', async () => {
    const lines = [
      ...bigCsv(120, 'T').trim().split('\n').slice(1),
      'T900;Петрова Анна Сергеевна;8 (916) 000-11-22;ANNA@Example.RU;Казань;31.02.1990',
      'T901;;12-34;broken@;Омск;',
      'T902;=cmd|calc;+7 916 000 11 22;;Тула;01.01.1985',
    ];
    const runWith = async (conversionThreadMinBytes: number) => {
      const ctx = await workspace();
      const row = await register(ctx, csv(...lines));
      const started = await startImport(handle.db, ctx, row.id, {
        matchBy: ['externalId', 'phone'],
        action: 'skip',
      });
      expect(started.ok).toBe(true);
      const outcome = await runImport(handle, row.id, {
        tempDir: dir,
        chunkRows: 25,
        now: () => NOW,
        conversionThreadMinBytes,
      });
      expect(outcome.status).toBe('completed');
      const clients = (await clientsOf(ctx.workspaceId)).map(({ id: _id, source_batch_id: _b, ...c }) => c);
      const errors = (await errorsOf(row.id)).map(({ id: _e, importId: _i, ...e }) => e);
      return { counts: outcome.import!.counts, clients, errors };
    };
    const threaded = await runWith(0);
    const inline = await runWith(Number.MAX_SAFE_INTEGER);
    // The 120 generated rows, and three refused whole (partial rows are off): a 31 February, no
    // name, a name that is a formula.
    expect(threaded.counts).toEqual({ rowsDone: 123, created: 120, updated: 0, duplicates: 0, invalid: 3 });
    expect(threaded.clients).toHaveLength(120);
    expect(new Set(threaded.errors.map((e) => e.row))).toEqual(new Set([122, 123, 124]));
    expect(threaded).toEqual(inline);
  });

  it('takes rows near the size limit (a 900 kB cell each) a few per chunk: reported, not a dead thread', async () => {
    const ctx = await workspace();
    const big = 'ы'.repeat(450_000);
    // 20 such rows are more characters than one chunk holds (`DEFAULT_CHUNK_CHARS`): two chunks.
    const lines = Array.from({ length: 20 }, (_, i) => `H${i};Иванов Иван;;;${big};`);
    const row = await register(ctx, csv(...lines));
    const started = await startImport(handle.db, ctx, row.id, { matchBy: ['externalId'], action: 'skip' });
    expect(started.ok).toBe(true);
    const progress: number[] = [];
    const outcome = await runImport(handle, row.id, {
      tempDir: dir,
      now: () => NOW,
      conversionThreadMinBytes: 0,
      onProgress: (r) => progress.push(r.counts.rowsDone),
    });
    expect(outcome.status).toBe('completed');
    // Rows done after each chunk, then as completed: 19 rows reach the limit, one is left.
    expect(progress).toEqual([19, 20, 20]);
    expect(outcome.import?.counts).toMatchObject({ rowsDone: 20, created: 0, invalid: 20 });
    expect((await errorsOf(row.id)).every((e) => e.code === 'cell_too_long')).toBe(true);
  });

  it('runs on another thread, and reports a failure of the thread', async () => {
    const ctx = await workspace();
    const row = await register(ctx, csv('X1;Иванов Иван;+7 916 123-45-67;;Москва;'));
    const chunkCtx = await loadClientChunkContext(handle.db, row, NOW);
    const thread = new ConversionThread(chunkCtx);
    try {
      const rows = [{ rowNumber: 1, cells: ['X1', 'Иванов Иван', '+7 916 123-45-67', '', 'Москва', ''] }];
      expect(await thread.convert(rows)).toEqual(convertClientRows(chunkCtx, rows));
      expect(thread.lastThreadId).not.toBe(threadId);
      expect(thread.lastThreadId).toBeGreaterThan(0);
    } finally {
      await thread.close();
    }
    await expect(thread.convert([])).rejects.toThrow(/closed/);
  });
});

describe('resume', () => {
  it('a run stopped after some chunks resumes with no row lost and none doubled', async () => {
    const ctx = await workspace();
    const row = await register(ctx, bigCsv(95));
    const started = await startImport(handle.db, ctx, row.id, { matchBy: ['externalId'], action: 'skip' });
    expect(started.ok).toBe(true);
    const stop = new AbortController();
    let chunks = 0;
    const first = await runImport(handle, row.id, {
      tempDir: dir,
      chunkRows: 10,
      signal: stop.signal,
      onProgress: () => {
        chunks++;
        if (chunks === 3) stop.abort();
      },
    });
    expect(first.status).toBe('stopped');
    expect(first.import).toMatchObject({ status: 'running', counts: { rowsDone: 30, created: 30 } });
    expect(first.import?.checkpoint).toMatchObject({ rowNumber: 30 });
    // A live run holds the import: a second one does not take it without force or a stale heartbeat.
    expect((await runImport(handle, row.id, { tempDir: dir })).status).toBe('not_claimed');
    const second = await runImport(handle, row.id, { tempDir: dir, chunkRows: 10, force: true });
    expect(second.status).toBe('completed');
    expect(second.import?.counts).toEqual({
      rowsDone: 95,
      created: 95,
      updated: 0,
      duplicates: 0,
      invalid: 0,
    });
    const ids = await q<{ external_id: string; n: number }>(
      `select external_id, count(*)::int as n from clients where workspace_id = $1::uuid
          group by external_id`,
      [ctx.workspaceId],
    );
    expect(ids).toHaveLength(95);
    expect(ids.every((r) => r.n === 1)).toBe(true);
  });

  it('a run taken over by another stops at its next chunk and writes nothing more', async () => {
    const ctx = await workspace();
    const row = await register(ctx, bigCsv(40));
    await startImport(handle.db, ctx, row.id, { matchBy: ['externalId'], action: 'skip' });
    let takeover: Promise<unknown> | undefined;
    const first = await runImport(handle, row.id, {
      tempDir: dir,
      chunkRows: 10,
      onProgress: () => {
        // Another worker claims the import (as after a stale heartbeat) between two chunks.
        takeover ??= claimImport(handle.db, row.id, { force: true });
      },
    });
    await takeover;
    expect(first.status).toBe('taken_over');
    expect(first.import?.counts.rowsDone).toBe(10);
    const second = await runImport(handle, row.id, { tempDir: dir, chunkRows: 10, force: true });
    expect(second.import?.counts).toMatchObject({ rowsDone: 40, created: 40 });
  });
});

describe('undo', () => {
  it('removes created clients, restores updated ones, and lists clients edited since', async () => {
    const ctx = await workspace();
    const old = await existing(ctx, { phone: '+79165550099' });
    const done = await importFile(
      ctx,
      csv(
        'U1;Первый Созданный;+7 916 400-00-01;;;',
        'U2;Второй Созданный;+7 916 400-00-02;;;',
        ';Старый Клиент;+7 916 555-00-99;added@example.com;Самара;',
      ),
      { policy: { matchBy: ['phone'], action: 'fill' } },
    );
    expect(done.counts).toMatchObject({ created: 2, updated: 1 });
    const second = (await clientsOf(ctx.workspaceId)).find((c) => c.external_id === 'U2')!;
    const edited = await updateClient(handle.db, ctx, second.id, { city: 'Изменён' });
    expect(edited.ok).toBe(true);

    const asked = await undoImport(handle.db, ctx, done.id);
    expect(asked.ok && asked.value.status).toBe('undoing');
    const undone = await runUndo(handle, done.id, { stepSize: 2 });
    expect(undone?.status).toBe('undone');
    expect(undone?.undoReport).toMatchObject({
      kept: [{ clientId: second.id, displayName: 'Второй Созданный', reason: 'edited_since' }],
      keptTotal: 1,
      deleted: 1,
      restored: 1,
    });
    const clients = await clientsOf(ctx.workspaceId);
    expect(clients.map((c) => [c.external_id, c.display_name, c.city, c.emails])).toEqual([
      ['U2', 'Второй Созданный', 'Изменён', []],
      [null, 'Старый Клиент', null, []],
    ]);
    expect(clients.find((c) => c.id === old.id)?.version).toBe(3);
    // Re-running a finished undo changes nothing.
    expect((await runUndo(handle, done.id))?.undoReport).toEqual(undone?.undoReport);
  });

  it('lists the kept clients up to a cap and counts them all, across steps', async () => {
    const ctx = await workspace();
    const done = await importFile(
      ctx,
      csv(
        'K1;Первый Изменённый;+7 916 410-00-01;;;',
        'K2;Второй Изменённый;+7 916 410-00-02;;;',
        'K3;Третий Изменённый;+7 916 410-00-03;;;',
        'K4;Нетронутый Клиент;+7 916 410-00-04;;;',
      ),
    );
    expect(done.counts).toMatchObject({ created: 4, invalid: 0 });
    const created = (await clientsOf(ctx.workspaceId)).filter((c) => c.external_id !== 'K4');
    for (const c of created) {
      expect((await updateClient(handle.db, ctx, c.id, { city: 'Изменён' })).ok).toBe(true);
    }
    await undoImport(handle.db, ctx, done.id);
    const undone = await runUndo(handle, done.id, { stepSize: 1, keptListMax: 2 });
    const report = undone?.undoReport as { kept: { clientId: string }[]; keptTotal: number; deleted: number };
    expect(report).toMatchObject({ keptTotal: 3, deleted: 1 });
    // The first ones by client id, as the undo meets them.
    expect(report.kept.map((k) => k.clientId)).toEqual(
      created
        .map((c) => c.id)
        .sort()
        .slice(0, 2),
    );
    const audit = await q<{ after: { kept: number } }>(
      `select after from audit_log where entity_id = $1 and action = 'import.undone'`,
      [done.id],
    );
    expect(audit[0]?.after.kept).toBe(3);
  });
});

describe('dryRunImport', () => {
  it('counts what the run then does, writes nothing but its report', async () => {
    const ctx = await workspace();
    await existing(ctx, { phone: '+79165551234' });
    const content = csv(
      'Q1;Новый Первый;+7 916 600-00-01;;;',
      'Q2;Новый Второй;+7 916 600-00-02;bad-email;;',
      ';Новый Первый;8 916 600 00 01;;Пермь;',
      ';Старый Клиент;+7 916 555-12-34;;Пермь;',
      'Q5;;;;;',
    );
    const row = await register(ctx, content);
    const policy = { matchBy: ['externalId', 'phone'], action: 'fill' } as const;
    const dry = await dryRunImport(handle, ctx.workspaceId, row.id, {
      duplicatePolicy: policy,
      previewRows: 3,
      tempDir: dir,
      now: () => NOW,
    });
    if (dry.kind !== 'clients') throw new Error(`a client dry run, not ${dry.kind}`);
    expect(dry).toMatchObject({
      rowsChecked: 5,
      complete: true,
      counts: { create: 1, update: 1, duplicate: 1, invalid: 2, partial: 0 },
      // Row 6 has neither last nor first name: two issues.
      errorCount: 3,
    });
    expect(dry.preview).toHaveLength(3);
    expect(dry.preview[0]).toMatchObject({
      row: 2,
      action: 'create',
      client: { displayName: 'Новый Первый', phones: [{ e164: '+79166000001' }], externalId: 'Q1' },
      matchedClient: null,
    });
    expect(dry.preview[2]).toMatchObject({ action: 'duplicate', matchedBy: 'phone' });
    expect((await clientsOf(ctx.workspaceId)).length).toBe(1);
    expect((await errorsOf(row.id, true)).map((e) => e.row)).toEqual([3, 6, 6]);

    await startImport(handle.db, ctx, row.id, policy);
    const done = await runImport(handle, row.id, { tempDir: dir, now: () => NOW });
    const c = done.import!.counts;
    expect({ create: c.created, update: c.updated, duplicate: c.duplicates, invalid: c.invalid }).toEqual({
      create: dry.counts.create,
      update: dry.counts.update,
      duplicate: dry.counts.duplicate,
      invalid: dry.counts.invalid,
    });
    const stored = (await q<{ dry_run: unknown }>(`select dry_run from imports where id = $1::uuid`, [
      row.id,
    ])) as { dry_run: { counts: unknown } }[];
    expect(stored[0]?.dry_run.counts).toEqual(dry.counts);
  });
});

describe('purchase files', () => {
  it('are dispatched to the purchase writer, and undone with their purchases and clients', async () => {
    const ctx = await workspace();
    const content = [
      'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country',
      '536365,85123A,WHITE HANGING HEART,6,12/1/2010 8:26,2.55,17850,United Kingdom',
      '536365,71053,WHITE METAL LANTERN,6,12/1/2010 8:26,3.39,17850,United Kingdom',
      '536366,22633,HAND WARMER,6,12/1/2010 8:28,1.85,17850,United Kingdom',
      '536367,22632,NO CUSTOMER,1,12/1/2010 8:29,1.00,,United Kingdom',
    ].join('\n');
    const row = await register(ctx, `${content}\n`, 'retail.csv');
    const set = await setImportMapping(handle.db, ctx, row.id, {
      kind: 'purchases',
      mapping: suggestPurchaseMapping(row.headers),
    });
    expect(set.ok).toBe(true);
    await startImport(handle.db, ctx, row.id, { matchBy: ['externalId'], action: 'skip' });
    const done = await runImport(handle, row.id, { tempDir: dir, now: () => NOW });
    expect(done.status).toBe('completed');
    expect(done.import?.counts).toMatchObject({ rowsDone: 4, created: 1, invalid: 1 });
    const purchases = await q<{ n: number }>(
      `select count(*)::int as n from purchases where workspace_id = $1::uuid`,
      [ctx.workspaceId],
    );
    expect(purchases[0]?.n).toBe(2);
    expect((await errorsOf(row.id)).map((e) => e.row)).toEqual([5]);

    await undoImport(handle.db, ctx, row.id);
    expect((await runUndo(handle, row.id))?.status).toBe('undone');
    const left = await q<{ clients: number; purchases: number }>(
      `select (select count(*)::int from clients where workspace_id = $1::uuid) as clients,
              (select count(*)::int from purchases where workspace_id = $1::uuid) as purchases`,
      [ctx.workspaceId],
    );
    expect(left[0]).toEqual({ clients: 0, purchases: 0 });
  });
});

describe('dryRunImport of a purchase file', () => {
  const RETAIL = [
    'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country',
    '536365,85123A,WHITE HANGING HEART,6,2010-12-01 08:26,2.55,17850,United Kingdom',
    '536365,71053,WHITE METAL LANTERN,6,2010-12-01 08:26,3.39,17850,United Kingdom',
    '536366,22633,HAND WARMER,6,2010-12-01 08:28,1.85,13047,United Kingdom',
    '536367,22632,NO CUSTOMER,1,2010-12-01 08:29,1.00,,United Kingdom',
    'C536379,D,Discount,-1,2010-12-01 09:41,27.50,14527,United Kingdom',
    '536368,22960,JAM MAKING SET,6,2010-12-01 09:42,4.25,13047,United Kingdom',
  ];

  async function purchaseImport(ctx: MutationContext) {
    const row = await register(ctx, `${RETAIL.join('\n')}\n`, 'retail.csv');
    const set = await setImportMapping(handle.db, ctx, row.id, {
      kind: 'purchases',
      mapping: suggestPurchaseMapping(row.headers),
      source: { batchKind: 'import', name: 'Online Retail', currency: 'GBP' },
    });
    expect(set.ok).toBe(true);
    return row;
  }

  const written = async (workspaceId: string) =>
    (
      await q<{ clients: number; purchases: number; outbox: number; errors: number }>(
        `select (select count(*)::int from clients where workspace_id = $1::uuid) as clients,
              (select count(*)::int from purchases where workspace_id = $1::uuid) as purchases,
              (select count(*)::int from outbox where workspace_id = $1::uuid) as outbox,
              (select count(*)::int from import_errors e join imports i on i.id = e.import_id
                where i.workspace_id = $1::uuid and not e.dry_run) as errors`,
        [workspaceId],
      )
    )[0];

  it('counts what the run then writes, previews stored lines, and writes nothing but its report', async () => {
    const ctx = await workspace();
    const known = await existing(ctx, { externalId: '17850' });
    const row = await purchaseImport(ctx);
    const before = await written(ctx.workspaceId);

    const dry = await dryRunImport(handle, ctx.workspaceId, row.id, { previewRows: 4, tempDir: dir });
    if (dry.kind !== 'purchases') throw new Error(`a purchase dry run, not ${dry.kind}`);
    expect(dry).toMatchObject({
      rowsChecked: 6,
      totalRows: 6,
      complete: true,
      counts: { purchases: 3, lines: 4, newClients: 1, existingClients: 1, invalid: 1, returns: 1 },
      errorCount: 2,
    });
    expect(dry.preview.map((p) => [p.row, p.action, p.client?.displayName ?? null, p.newPurchase])).toEqual([
      [2, 'line', 'Старый Клиент', true],
      [3, 'line', 'Старый Клиент', false],
      [4, 'line', 'Клиент 13047', true],
      [5, 'invalid', null, false],
    ]);
    expect(dry.preview[0]).toMatchObject({
      client: { id: known.id, externalId: '17850' },
      line: {
        invoice: '536365',
        at: '2010-12-01T08:26:00Z',
        quantity: 6,
        priceKopecks: 255,
        currency: 'GBP',
      },
    });
    expect(dry.preview[3]?.issues.map((i) => i.code)).toEqual(['client_required']);
    expect(await written(ctx.workspaceId)).toEqual(before);
    expect((await errorsOf(row.id, true)).map((e) => [e.row, e.code, e.rowImported])).toEqual([
      [5, 'client_required', false],
      [6, 'purchase_return', false],
    ]);
    const stored = await q<{ dry_run: { kind: string; counts: unknown } }>(
      `select dry_run from imports where id = $1::uuid`,
      [row.id],
    );
    expect(stored[0]?.dry_run).toMatchObject({ kind: 'purchases', counts: dry.counts });

    // A second dry run replaces the report instead of adding to it.
    await dryRunImport(handle, ctx.workspaceId, row.id, { tempDir: dir });
    expect(await errorsOf(row.id, true)).toHaveLength(2);

    await startImport(handle.db, ctx, row.id, { matchBy: ['externalId'], action: 'skip' });
    const done = await runImport(handle, row.id, { tempDir: dir, now: () => NOW });
    expect(done.import?.counts).toEqual({
      rowsDone: dry.rowsChecked,
      created: dry.counts.newClients,
      updated: 0,
      duplicates: 0,
      invalid: dry.counts.invalid + dry.counts.returns,
      purchases: 3,
    });
    expect(done.import?.counts.purchases).toBe(dry.counts.purchases);
    const purchases = await q<{ n: number; lines: number }>(
      `select count(*)::int as n, sum(jsonb_array_length(lines))::int as lines
         from purchases where workspace_id = $1::uuid`,
      [ctx.workspaceId],
    );
    expect(purchases[0]).toEqual({ n: dry.counts.purchases, lines: dry.counts.lines });
    expect(await errorsOf(row.id)).toHaveLength(dry.errorCount);
  });

  it('counts the purchases it added once each, with an invoice split between chunks', async () => {
    const ctx = await workspace();
    const row = await purchaseImport(ctx);
    await startImport(handle.db, ctx, row.id);
    const done = await runImport(handle, row.id, { tempDir: dir, now: () => NOW, chunkRows: 1 });
    expect(done.import?.counts).toEqual({
      rowsDone: 6,
      created: 2,
      updated: 0,
      duplicates: 0,
      invalid: 2,
      purchases: 3,
    });
  });

  it('checks the first rows only when told, and refuses a purchase mapping that is not valid', async () => {
    const ctx = await workspace();
    const row = await purchaseImport(ctx);
    const part = await dryRunImport(handle, ctx.workspaceId, row.id, { limit: 2, tempDir: dir });
    expect(part).toMatchObject({ kind: 'purchases', rowsChecked: 2, complete: false });

    const broken = await createImport(handle.db, ctx, {
      kind: 'purchases',
      fileName: 'retail.csv',
      fileSize: 0,
      sha256: '',
      file: { format: 'csv', encoding: 'utf-8', delimiter: ',', sheet: null, sheets: [] },
      headers: RETAIL[0]!.split(','),
      sample: [],
      mapping: [{ column: 0, header: 'InvoiceNo', target: 'invoice' }],
    });
    const refused = await dryRunImport(handle, ctx.workspaceId, broken.id, { tempDir: dir }).catch((e) => e);
    expect(refused).toBeInstanceOf(ImportRefusedError);
    expect((refused as ImportRefusedError).failure).toMatchObject({
      code: 'invalid',
      issues: expect.arrayContaining([expect.objectContaining({ field: 'mapping' })]),
    });
  });
});

describe('an unreadable file', () => {
  it("fails the import with the reader's reason; the rows before it stay imported", async () => {
    const ctx = await workspace();
    // Past the rows inspected at upload, a row longer than the reader allows.
    const content = `${csv('B1;Хороший Клиент;+7 916 900-00-01;;;')}B2;${'Я'.repeat(1_200_000)};;;;\n`;
    const row = await createImport(handle.db, ctx, {
      fileName: 'broken.csv',
      fileSize: 0,
      sha256: '',
      file: { format: 'csv', encoding: 'utf-8', delimiter: ';', sheet: null, sheets: [] },
      headers: HEADER.split(';'),
      sample: [],
      mapping: [
        { column: 0, header: 'ID', target: { kind: 'field', field: 'externalId' } },
        { column: 1, header: 'ФИО', target: { kind: 'field', field: 'fullName' } },
        { column: 2, header: 'Телефон', target: { kind: 'phone' } },
      ],
    });
    await storeImportFile(
      handle.db,
      row.id,
      (async function* () {
        yield new TextEncoder().encode(content);
      })(),
    );
    await startImport(handle.db, ctx, row.id, { matchBy: ['externalId'], action: 'skip' });
    const outcome = await runImport(handle, row.id, { tempDir: dir, chunkRows: 1 });
    expect(outcome.status).toBe('failed');
    expect(outcome.import).toMatchObject({
      status: 'failed',
      error: { code: 'row_too_large' },
      counts: { rowsDone: 1, created: 1 },
    });
    // Undo still removes what it imported.
    expect((await undoImport(handle.db, ctx, row.id)).ok).toBe(true);
    expect((await runUndo(handle, row.id))?.undoReport).toMatchObject({ deleted: 1 });
  });
});
