import { Writable } from 'node:stream';
import {
  addListMembers,
  createClient,
  createList,
  createSegment,
  defineCustomField,
  getClient,
  listAudit,
  type MutationContext,
  saveView,
} from '@cb/db';
import { openTestDatabase, seedWorkspace, type TestDatabase } from '@cb/db/testing';
import { exportColumnKeys } from '@cb/domain';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExportRequest, exportClients, prepareExport } from './export-clients.ts';
import { ExportAborted } from './writers.ts';

let handle: TestDatabase;
let ctx: MutationContext;
let userId: string;
let userName: string;
let ids: Record<string, string>;
const ALL_COLUMNS = [...exportColumnKeys, 'custom.loyalty', 'custom.vip'];

/** Collects what an export writes. */
function sink() {
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  return { out, bytes: () => Buffer.concat(chunks) };
}

async function run(
  request: Partial<ExportRequest>,
  options: { pageSize?: number; as?: MutationContext } = {},
) {
  const actor = options.as ?? ctx;
  const prepared = await prepareExport(
    handle.db,
    { workspaceId: actor.workspaceId, onlyOwnerId: actor.onlyOwnerId, userId },
    { source: { kind: 'all' }, format: 'csv', encoding: 'utf8', lang: 'ru', ...request },
  );
  if (!prepared.ok) throw new Error(`export refused: ${JSON.stringify(prepared.error)}`);
  const { out, bytes } = sink();
  const result = await exportClients(handle.db, actor, prepared.value, out, { pageSize: options.pageSize });
  return { result, bytes: bytes() };
}

function csvRecords(bytes: Buffer, delimiter = ','): string[][] {
  return parse(bytes, { bom: true, delimiter, relax_column_count: false }) as string[][];
}

async function client(data: Parameters<typeof createClient>[2]) {
  const created = await createClient(handle.db, ctx, data);
  if (!created.ok) throw new Error(JSON.stringify(created.error));
  return created.value.id;
}

beforeAll(async () => {
  handle = await openTestDatabase();
  const seeded = await seedWorkspace(handle.db, { name: 'Экспорт' });
  ctx = seeded.ctx;
  userId = seeded.user.id;
  userName = seeded.user.name;
  await defineCustomField(handle.db, ctx, { key: 'loyalty', label: 'Карта', type: 'text', required: false });
  await defineCustomField(handle.db, ctx, { key: 'vip', label: 'VIP', type: 'boolean', required: false });
  const phone = (e164: string) => ({ e164, raw: e164, type: 'mobile' as const, verifiedAt: null });
  const email = (address: string) => ({ address, type: 'work' as const, verifiedAt: null });
  ids = {
    ivanov: await client({
      kind: 'person',
      lastName: 'Иванов',
      firstName: 'Пётр',
      patronymic: 'Семёнович',
      displayName: 'Иванов Пётр Семёнович',
      matchKey: 'ivanov petr',
      birthday: '1985-03-07',
      city: 'Москва',
      address: 'ул. Ленина, д. 1, кв. "5"',
      tags: ['vip', 'опт'],
      ownerId: userId,
      custom: { loyalty: 'К-001', vip: true },
      externalId: 'EXT-1',
      phones: [phone('+79161234567'), phone('+74951234567')],
      emails: [email('petr@example.ru'), email('p.ivanov@example.com')],
    }),
    romashka: await client({
      kind: 'company',
      legalName: '@ООО «Ромашка»',
      inn: '7707083893',
      kpp: '770701001',
      displayName: '=HYPERLINK("http://evil.example","Ромашка")',
      matchKey: 'romashka',
      city: '+7 Самара',
      address: '-1',
      tags: ['+79990000000'],
      externalId: 'EXT-2',
      ownerId: null,
      custom: { vip: false },
    }),
    plain: await client({
      kind: 'person',
      firstName: 'Анна',
      displayName: 'Анна',
      matchKey: 'anna',
      externalId: 'EXT-3',
      ownerId: null,
      source: { channel: 'referral' },
    }),
  };
}, 120_000);

afterAll(async () => {
  await handle?.close();
});

describe('exportClients', () => {
  it('writes UTF-8 CSV with a BOM that parses back to the stored clients', async () => {
    const { result, bytes } = await run({ columns: ALL_COLUMNS });
    expect(result).toEqual({ rows: 3, replaced: 0 });
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...rows] = csvRecords(bytes);
    expect(header).toEqual([
      'ФИО',
      'Фамилия',
      'Имя',
      'Отчество',
      'Тип',
      'Организация',
      'ИНН',
      'КПП',
      'Телефон',
      'E-mail',
      'Дата рождения',
      'Город',
      'Адрес',
      'Теги',
      'Стадия',
      'Температура',
      'Баллы температуры',
      'Источник',
      'Партия',
      'Внешний ID',
      'Ответственный',
      'Создан',
      'Изменён',
      'Карта',
      'VIP',
    ]);
    const stored = (await getClient(handle.db, { workspaceId: ctx.workspaceId }, ids.ivanov!))!;
    const minute = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');
    const byExternalId = new Map(rows.map((r) => [r[19], r]));
    expect(byExternalId.get('EXT-1')).toEqual([
      'Иванов Пётр Семёнович',
      'Иванов',
      'Пётр',
      'Семёнович',
      'Физическое лицо',
      '',
      '',
      '',
      // A cell starting with `+` is a formula to Excel: the apostrophe keeps it text.
      // Phones are left as written: digits and + - ( ) . , make no formula.
      '+79161234567, +74951234567',
      'petr@example.ru, p.ivanov@example.com',
      '1985-03-07',
      'Москва',
      'ул. Ленина, д. 1, кв. "5"',
      'vip, опт',
      'Потенциальный',
      '',
      '',
      'Другое',
      '',
      'EXT-1',
      userName,
      minute(stored.createdAt),
      minute(stored.updatedAt),
      'К-001',
      'да',
    ]);
    expect(byExternalId.get('EXT-3')?.[17]).toBe('Рекомендация');
  });

  it('escapes formula-looking cells as text, in CSV and XLSX; numbers stay as written', async () => {
    const columns = ['displayName', 'legalName', 'city', 'address', 'tags', 'externalId'];
    const { bytes } = await run({ columns });
    const csvRow = csvRecords(bytes).find((r) => r[5] === 'EXT-2');
    const expected = [
      `'=HYPERLINK("http://evil.example","Ромашка")`,
      "'@ООО «Ромашка»",
      "'+7 Самара",
      // A number (an address of "-1", a tag of "+79990000000") is no formula: left as written,
      // and an XLSX cell of text all the same.
      '-1',
      '+79990000000',
      'EXT-2',
    ];
    expect(csvRow).toEqual(expected);
    const xlsx = await run({ columns, format: 'xlsx' });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const row = sheet.getSheetValues().find((r) => Array.isArray(r) && r[6] === 'EXT-2') as unknown[];
    expect(row.slice(1)).toEqual(expected);
    for (const cell of row.slice(1)) expect(typeof cell).toBe('string');
  });

  it('writes Windows-1251 bytes that decode to the same Russian text, with ; for Excel', async () => {
    const utf8 = await run({ columns: ALL_COLUMNS });
    const cp1251 = await run({ columns: ALL_COLUMNS, encoding: 'cp1251' });
    expect(cp1251.bytes.includes(Buffer.from('Иванов', 'utf8'))).toBe(false);
    const text = new TextDecoder('windows-1251').decode(cp1251.bytes);
    expect(text).toContain('Иванов Пётр Семёнович');
    expect(csvRecords(Buffer.from(text, 'utf8'), ';')).toEqual(csvRecords(utf8.bytes));
  });

  it('writes an XLSX that opens with exceljs and has the rows of the CSV', async () => {
    const csv = await run({ columns: ALL_COLUMNS, lang: 'en' });
    const xlsx = await run({ columns: ALL_COLUMNS, lang: 'en', format: 'xlsx' });
    expect(xlsx.result.rows).toBe(3);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe('Clients');
    const values: string[][] = [];
    sheet.eachRow({ includeEmpty: false }, (row) => {
      const cells = (row.values as unknown[]).slice(1);
      values.push(Array.from({ length: ALL_COLUMNS.length }, (_, i) => (cells[i] ?? '') as string));
    });
    expect(values).toEqual(csvRecords(csv.bytes));
    expect(values[0]![0]).toBe('Name');
  });

  it.each([
    ['createdAt', 'asc'],
    ['createdAt', 'desc'],
    ['displayName', 'asc'],
    ['temperatureScore', 'desc'],
    ['updatedAt', 'asc'],
  ] as const)('pages by keyset without a row lost or doubled (sort %s %s)', async (field, direction) => {
    const sort = { field, direction };
    const whole = await run({ columns: ['externalId'], source: { kind: 'filter', sort } });
    const paged = await run({ columns: ['externalId'], source: { kind: 'filter', sort } }, { pageSize: 1 });
    expect(csvRecords(paged.bytes)).toEqual(csvRecords(whole.bytes));
    expect(csvRecords(paged.bytes).slice(1).flat().sort()).toEqual(['EXT-1', 'EXT-2', 'EXT-3']);
  });

  it('exports a filter, a search, a static list, a rule segment and a saved view', async () => {
    const idsOf = async (source: ExportRequest['source']) =>
      csvRecords((await run({ columns: ['externalId'], source })).bytes)
        .slice(1)
        .flat()
        .sort();
    expect(await idsOf({ kind: 'filter', filter: { tags: ['vip'] } })).toEqual(['EXT-1']);
    expect(await idsOf({ kind: 'filter', filter: { sourceChannel: ['referral'] } })).toEqual(['EXT-3']);
    expect(await idsOf({ kind: 'filter', q: '+7 916 123-45-67', filter: { tags: ['nope'] } })).toEqual([
      'EXT-1',
    ]);
    const list = await createList(handle.db, ctx, { name: 'Обзвон' });
    await addListMembers(handle.db, ctx, {
      listId: list.id,
      clientIds: [ids.plain!, ids.romashka!],
      now: new Date(),
    });
    expect(await idsOf({ kind: 'segment', segmentId: list.id })).toEqual(['EXT-2', 'EXT-3']);
    const segment = await createSegment(handle.db, ctx, {
      name: 'Москва',
      rule: { type: 'condition', field: 'city', op: 'in', values: ['Москва'] },
      now: new Date(),
    });
    expect(await idsOf({ kind: 'segment', segmentId: segment.id })).toEqual(['EXT-1']);
    const view = await saveView(
      handle.db,
      ctx,
      { workspaceId: ctx.workspaceId, userId },
      {
        name: 'Компании',
        state: { filter: { tags: ['+79990000000'] }, columns: ['name', 'phone', 'source'] },
      },
    );
    if (!view.ok) throw new Error('view not saved');
    expect(await idsOf({ kind: 'view', viewId: view.value.id })).toEqual(['EXT-2']);
    // No columns asked for: the view's own columns.
    const { bytes } = await run({ source: { kind: 'view', viewId: view.value.id } });
    expect(csvRecords(bytes)[0]).toEqual(['ФИО', 'Телефон', 'Источник']);
  });

  it('leaves out merged clients and clients of other owners for a restricted manager', async () => {
    const merged = await client({
      kind: 'person',
      displayName: 'Дубль',
      matchKey: 'dubl',
      externalId: 'EXT-MERGED',
    });
    // Merging is another module's; the export only has to honour the mark it leaves.
    await handle.db.execute(`update clients set merged_into_id = '${ids.ivanov}' where id = '${merged}'`);
    const everyone = csvRecords((await run({ columns: ['externalId'] })).bytes).flat();
    expect(everyone).not.toContain('EXT-MERGED');
    const restricted = { ...ctx, onlyOwnerId: userId };
    const own = csvRecords((await run({ columns: ['externalId'] }, { as: restricted })).bytes).slice(1);
    expect(own).toEqual([['EXT-1']]);
  });

  it('writes an XLSX that opens whatever control characters a stored value holds', async () => {
    await client({
      kind: 'person',
      displayName: 'Строка\u0001с\u0007управляющими\u001f',
      matchKey: 'stroka',
      tags: ['ctrl'],
      ownerId: null,
    });
    const { bytes } = await run({
      format: 'xlsx',
      columns: ['displayName'],
      source: { kind: 'filter', filter: { tags: ['ctrl'] } },
    });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    expect(workbook.worksheets[0]!.getRow(2).getCell(1).value).toBe('Строкасуправляющими');
  });

  it('refuses unknown columns, and views and segments of another workspace', async () => {
    const scope = { workspaceId: ctx.workspaceId, userId };
    const base = { format: 'csv', encoding: 'utf8', lang: 'ru' } as const;
    expect(
      await prepareExport(handle.db, scope, {
        ...base,
        source: { kind: 'all' },
        columns: ['displayName', 'salary'],
      }),
    ).toMatchObject({ ok: false, error: { code: 'invalid', field: 'columns' } });
    expect(
      await prepareExport(handle.db, scope, { ...base, source: { kind: 'all' }, columns: ['custom.nope'] }),
    ).toMatchObject({ ok: false, error: { code: 'invalid', field: 'columns' } });
    const other = await seedWorkspace(handle.db);
    const theirList = await createList(handle.db, other.ctx, { name: 'Чужой' });
    const theirView = await saveView(
      handle.db,
      other.ctx,
      { workspaceId: other.workspace.id, userId: other.user.id },
      { name: 'Чужой', state: {}, shared: true },
    );
    if (!theirView.ok) throw new Error('view not saved');
    expect(
      await prepareExport(handle.db, scope, {
        ...base,
        source: { kind: 'segment', segmentId: theirList.id },
      }),
    ).toMatchObject({ ok: false, error: { code: 'not_found', entity: 'segment' } });
    expect(
      await prepareExport(handle.db, scope, {
        ...base,
        source: { kind: 'view', viewId: theirView.value.id },
      }),
    ).toMatchObject({ ok: false, error: { code: 'not_found', entity: 'view' } });
  });

  it('audits every export, and one cut short with the rows written until then', async () => {
    const lastExport = async () =>
      (await listAudit(handle.db, { workspaceId: ctx.workspaceId, entity: 'client', limit: 100 })).items.find(
        (row) => row.action === 'clients.export',
      );
    const { result } = await run({ columns: ['displayName', 'phones'], format: 'xlsx' });
    const last = await lastExport();
    expect(last).toMatchObject({
      workspaceId: ctx.workspaceId,
      actorKind: 'user',
      actorId: userId,
      entity: 'client',
      after: {
        format: 'xlsx',
        encoding: null,
        columns: ['displayName', 'phones'],
        source: { kind: 'all' },
        rows: result.rows,
        complete: true,
      },
    });

    // A reader that goes away after the first page.
    const prepared = await prepareExport(
      handle.db,
      { workspaceId: ctx.workspaceId },
      { source: { kind: 'all' }, format: 'csv', encoding: 'utf8', lang: 'ru', columns: ['displayName'] },
    );
    if (!prepared.ok) throw new Error('refused');
    let writes = 0;
    const out = new Writable({
      write(_chunk, _encoding, callback) {
        writes += 1;
        callback();
        // The header, then one page: the reader hangs up.
        if (writes === 2) out.destroy();
      },
    });
    await expect(exportClients(handle.db, ctx, prepared.value, out, { pageSize: 1 })).rejects.toBeInstanceOf(
      ExportAborted,
    );
    const cut = await lastExport();
    expect(cut?.after).toMatchObject({ rows: 1, complete: false });
  });

  it('stops an XLSX whose reader hangs up mid-way, and audits the rows handed over', async () => {
    const prepared = await prepareExport(
      handle.db,
      { workspaceId: ctx.workspaceId },
      { source: { kind: 'all' }, format: 'xlsx', encoding: 'utf8', lang: 'ru', columns: [...ALL_COLUMNS] },
    );
    if (!prepared.ok) throw new Error('refused');
    // A reader that takes a few bytes and then stops reading: the zip fills its buffer and waits.
    let taken = 0;
    const out = new Writable({
      highWaterMark: 16,
      write(chunk: Buffer, _encoding, callback) {
        taken += chunk.length;
        if (taken < 64) callback();
        else setImmediate(() => out.destroy());
      },
    });
    await expect(exportClients(handle.db, ctx, prepared.value, out, { pageSize: 1 })).rejects.toBeInstanceOf(
      ExportAborted,
    );
    const { items } = await listAudit(handle.db, { workspaceId: ctx.workspaceId, entity: 'client' });
    const cut = items.find((row) => row.action === 'clients.export');
    expect(cut?.after).toMatchObject({ format: 'xlsx', complete: false });
  });
});
