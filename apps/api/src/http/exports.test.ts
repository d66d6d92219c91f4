import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bulkInsertBase, generateBase, listAudit } from '@cb/db';
import { detectFormat, readCsv, readXlsx } from '@cb/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, type Caller, openTestApp, signUp, type TestApp } from '../testing/harness.ts';

let t: TestApp;
let owner: Caller;
let workspaceId: string;
let dir: string;

beforeAll(async () => {
  t = await openTestApp();
  const signedUp = await signUp(t.app, { workspaceName: 'Экспорт' });
  owner = signedUp.caller;
  workspaceId = signedUp.me.workspace!.id;
  dir = await mkdtemp(join(tmpdir(), 'cb-export-test-'));
  const create = (input: Parameters<typeof owner.trpc.clients.create.mutate>[0]) =>
    owner.trpc.clients.create.mutate(input);
  await create({
    kind: 'person',
    lastName: 'Фёдоров',
    firstName: 'Иван',
    externalId: 'A-1',
    city: 'Москва',
    tags: ['vip'],
    phones: [{ number: '+7 916 123-45-67' }],
  });
  await create({
    kind: 'company',
    legalName: 'ООО «Ромашка»',
    externalId: 'A-2',
    city: '=HYPERLINK("http://evil.example")',
  });
  await create({ kind: 'person', lastName: 'Ёлкина', firstName: 'Мария', externalId: 'A-3', city: 'Самара' });
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await t?.close();
});

function get(caller: Caller, query: string) {
  return caller.fetch(`http://test.local/api/exports/clients?${query}`);
}

/** The CSV as the importer reads it: detected encoding and delimiter, header and rows. */
async function readBack(bytes: Uint8Array) {
  const detected = detectFormat(bytes.subarray(0, 64 * 1024));
  if ('error' in detected || detected.format !== 'csv')
    throw new Error(`not a CSV: ${JSON.stringify(detected)}`);
  const reader = await readCsv(
    (async function* () {
      yield bytes;
    })(),
    detected,
  );
  const rows: string[][] = [];
  for await (const row of reader.rows) rows.push(row.row);
  return { detected, header: reader.header, rows };
}

async function exportsAudited() {
  const { items } = await listAudit(t.database.db, { workspaceId, entity: 'client', limit: 200 });
  return items.filter((row) => row.action === 'clients.export');
}

describe('GET /api/exports/clients', () => {
  it('streams a UTF-8 CSV with a BOM as an attachment, and audits it', async () => {
    const audited = (await exportsAudited()).length;
    const response = await get(
      owner,
      'columns=externalId,displayName,city,tags&sort=' +
        encodeURIComponent(JSON.stringify({ field: 'displayName', direction: 'asc' })),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="clients-\d{4}-\d{2}-\d{2}\.csv"; filename\*=UTF-8''clients-\d{4}-\d{2}-\d{2}\.csv$/,
    );
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const { detected, header, rows } = await readBack(bytes);
    expect(detected).toMatchObject({ encoding: 'utf-8', bom: true, delimiter: ',' });
    expect(header).toEqual(['Внешний ID', 'ФИО', 'Город', 'Теги']);
    expect(rows).toEqual([
      ['A-3', 'Ёлкина Мария', 'Самара', ''],
      ['A-2', 'ООО «Ромашка»', `'=HYPERLINK("http://evil.example")`, ''],
      ['A-1', 'Фёдоров Иван', 'Москва', 'vip'],
    ]);
    // Audited once the last byte is taken: a moment after the client has it all.
    const audit = await waitForAudit(audited + 1);
    expect(audit).toMatchObject({
      actorKind: 'user',
      after: {
        format: 'csv',
        encoding: 'utf8',
        columns: ['externalId', 'displayName', 'city', 'tags'],
        source: { kind: 'filter', sort: { field: 'displayName', direction: 'asc' } },
        rows: 3,
        complete: true,
      },
    });
  });

  it('writes the created and updated times in the time zone asked for, UTC when none is', async () => {
    const { items } = await owner.trpc.clients.list.query({ limit: 50 });
    const created = new Date(items.find((c) => c.externalId === 'A-1')!.createdAt);
    // Vladivostok keeps UTC+10 all year: the written minute is the stored instant ten hours on.
    const minute = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');
    const read = async (query: string) => {
      const response = await get(owner, `columns=externalId,createdAt&${query}`);
      expect(response.status).toBe(200);
      const { rows } = await readBack(new Uint8Array(await response.arrayBuffer()));
      return rows.find((r) => r[0] === 'A-1')?.[1];
    };
    expect(await read(`timeZone=${encodeURIComponent('Asia/Vladivostok')}`)).toBe(
      minute(new Date(created.getTime() + 10 * 3_600_000)),
    );
    expect(await read('lang=ru')).toBe(minute(created));
  });

  it('writes Windows-1251 with ; that the importer detects and reads back', async () => {
    const response = await get(owner, 'encoding=cp1251&lang=en&columns=displayName,city');
    expect(response.headers.get('content-type')).toBe('text/csv; charset=windows-1251');
    const bytes = new Uint8Array(await response.arrayBuffer());
    const { detected, header, rows } = await readBack(bytes);
    expect(detected).toMatchObject({ encoding: 'windows-1251', bom: false, delimiter: ';' });
    expect(header).toEqual(['Name', 'City']);
    expect(rows.map((r) => r[0]).sort()).toEqual(['Ёлкина Мария', 'ООО «Ромашка»', 'Фёдоров Иван']);
  });

  it('writes an XLSX that the importer opens, with the rows', async () => {
    const response = await get(owner, 'format=xlsx&columns=externalId,phones,stage');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(response.headers.get('content-disposition')).toContain('.xlsx');
    const path = join(dir, 'clients.xlsx');
    await writeFile(path, new Uint8Array(await response.arrayBuffer()));
    const reader = await readXlsx(path);
    expect(reader.sheetName).toBe('Клиенты');
    expect(reader.header).toEqual(['Внешний ID', 'Телефон', 'Стадия']);
    const rows: string[][] = [];
    for await (const row of reader.rows) rows.push(row.row);
    expect(rows.map((r) => r[0]).sort()).toEqual(['A-1', 'A-2', 'A-3']);
    // A phone cannot hold a formula: exported as stored, so re-importing the file reads it back.
    expect(rows.find((r) => r[0] === 'A-1')).toEqual(['A-1', '+79161234567', 'Потенциальный']);
  });

  it('exports a saved view, a static list and a rule segment', async () => {
    const view = await owner.trpc.views.save.mutate({
      name: 'Москва',
      state: { filter: { city: 'Москва' }, columns: ['name', 'city'] },
    });
    const fromView = await readBack(
      new Uint8Array(await (await get(owner, `viewId=${view.id}`)).arrayBuffer()),
    );
    expect(fromView.header).toEqual(['ФИО', 'Город']);
    expect(fromView.rows).toEqual([['Фёдоров Иван', 'Москва']]);

    const { items } = await owner.trpc.clients.list.query({});
    const idOf = (name: string) => items.find((i) => i.displayName === name)!.id;
    const list = await owner.trpc.lists.create.mutate({ name: 'Обзвон' });
    await owner.trpc.lists.addMembers.mutate({ id: list.id, clientIds: [idOf('Ёлкина Мария')] });
    const fromList = await readBack(
      new Uint8Array(await (await get(owner, `segmentId=${list.id}&columns=externalId`)).arrayBuffer()),
    );
    expect(fromList.rows).toEqual([['A-3']]);
    // Audit rows land just after the download ends: count only once the list's own row is in.
    await waitForAuditOf(list.id);

    const audited = (await exportsAudited()).length;
    const segment = await owner.trpc.segments.create.mutate({
      name: 'VIP',
      rule: { type: 'condition', field: 'tags', op: 'hasAny', values: ['vip'] },
    });
    const fromSegment = await readBack(
      new Uint8Array(await (await get(owner, `segmentId=${segment.id}&columns=externalId`)).arrayBuffer()),
    );
    expect(fromSegment.rows).toEqual([['A-1']]);
    const audit = await waitForAudit(audited + 1);
    expect(audit.after).toMatchObject({ source: { kind: 'segment', id: segment.id, name: 'VIP' }, rows: 1 });
  });

  it.each([
    ['format=pdf', 'format'],
    ['encoding=koi8r', 'encoding'],
    ['lang=de', 'lang'],
    ['columns=displayName,salary', 'columns'],
    ['columns=custom.nope', 'columns'],
    ['columns=', 'columns'],
    ['viewId=not-a-uuid', 'viewId'],
    ['filter=%7Bnot%20json', 'filter'],
    [`filter=${encodeURIComponent(JSON.stringify({ stage: ['gone'] }))}`, 'filter.stage.0'],
    [`filter=${encodeURIComponent(JSON.stringify({ colour: 'red' }))}`, 'filter'],
    [`sort=${encodeURIComponent(JSON.stringify({ field: 'salary', direction: 'asc' }))}`, 'sort.field'],
    [`viewId=${crypto.randomUUID()}&segmentId=${crypto.randomUUID()}`, 'segmentId'],
    [`timeZone=${encodeURIComponent('+03:00')}`, 'timeZone'],
    [`timeZone=${encodeURIComponent('Europe/Atlantis')}`, 'timeZone'],
    // A misspelt source would export the whole base: refused, named.
    [`segmentid=${crypto.randomUUID()}`, 'segmentid'],
    [`listId=${crypto.randomUUID()}`, 'listId'],
  ])('refuses %s with 400 naming %s', async (query, field) => {
    const response = await get(owner, query);
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      error: { message: string; data: { code: string; issues: { field: string }[] } };
    };
    expect(body.error.data.code).toBe('BAD_REQUEST');
    expect(body.error.data.issues.map((i) => i.field)).toContain(field);
    expect(body.error.message).not.toMatch(/at .*\.ts/);
  });

  it('lets viewers export, keeps restricted managers to their own clients, and hides other workspaces', async () => {
    const viewer = await addMember(t.app, owner, 'viewer');
    expect((await get(viewer.caller, 'columns=externalId')).status).toBe(200);

    await owner.trpc.workspace.updateSettings.mutate({ managersSeeOwnClientsOnly: true });
    const manager = await addMember(t.app, owner, 'manager');
    await manager.caller.trpc.clients.create.mutate({
      kind: 'person',
      lastName: 'Своя',
      firstName: 'Мария',
      externalId: 'M-1',
    });
    const own = await readBack(
      new Uint8Array(await (await get(manager.caller, 'columns=externalId')).arrayBuffer()),
    );
    expect(own.rows).toEqual([['M-1']]);
    await owner.trpc.workspace.updateSettings.mutate({ managersSeeOwnClientsOnly: false });

    const stranger = (await signUp(t.app, { workspaceName: 'Чужая' })).caller;
    const list = await owner.trpc.lists.create.mutate({ name: 'Мой список' });
    const view = await owner.trpc.views.save.mutate({ name: 'Общий', state: {}, shared: true });
    expect((await get(stranger, `segmentId=${list.id}`)).status).toBe(404);
    expect((await get(stranger, `viewId=${view.id}`)).status).toBe(404);
    const theirs = await readBack(
      new Uint8Array(await (await get(stranger, 'columns=externalId')).arrayBuffer()),
    );
    expect(theirs.rows).toEqual([]);

    const anonymous = await owner.app.request('http://test.local/api/exports/clients');
    expect(anonymous.status).toBe(401);
  });

  it('streams a big base: the first bytes arrive before the rows are all read, and a hang-up is audited', async () => {
    const now = new Date('2026-11-01T00:00:00Z');
    await bulkInsertBase(
      t.database.db,
      workspaceId,
      generateBase({ seed: 5, clients: 20_000, now, historyPerClient: 0 }),
    );
    const before = (await exportsAudited()).length;
    const response = await get(owner, 'columns=displayName,phones,city,createdAt');
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    // The first rows arrive (the header alone comes before any page is read)…
    let received = 0;
    let lines = 0;
    while (lines < 100) {
      const chunk = await reader.read();
      expect(chunk.done).toBe(false);
      received += chunk.value!.byteLength;
      lines += (chunk.value as Uint8Array).filter((byte: number) => byte === 0x0a).length;
    }
    expect(received).toBeLessThan(1_000_000);
    // …while the export, audited when it ends, has not ended: the client holds the stream.
    expect(await exportsAudited()).toHaveLength(before);
    await reader.cancel();
    const audit = await waitForAudit(before + 1);
    expect(audit.after).toMatchObject({ complete: false });
    const rows = (audit.after as { rows: number }).rows;
    expect(rows).toBeGreaterThan(0);
    expect(rows).toBeLessThan(20_000);

    // And the whole of it, read to the end.
    const whole = await readBack(
      new Uint8Array(await (await get(owner, 'columns=displayName')).arrayBuffer()),
    );
    expect(whole.rows.length).toBeGreaterThan(20_000);
    const done = await waitForAudit(before + 2);
    expect(done.after).toMatchObject({ complete: true, rows: whole.rows.length });
  }, 240_000);
});

/** The newest export audit row once there are `count` of them (the export settles after the hang-up). */
async function waitForAuditOf(sourceId: string) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const rows = await exportsAudited();
    const found = rows.find(
      (row) => (row.after as { source?: { id?: string } } | null)?.source?.id === sourceId,
    );
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no export audit row for ${sourceId}`);
}

async function waitForAudit(count: number) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const rows = await exportsAudited();
    if (rows.length >= count) return rows[0]!;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no export audit row number ${count}`);
}
