import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../log.ts';
import { addMember, Caller, openTestApp, signUp, type TestApp } from '../testing/harness.ts';
import type { Vars } from './common.ts';
import { cleanFileName, contentDisposition, importRoutes } from './imports.ts';

/*
 * The upload and the error report over HTTP, on a real database: multipart and raw bodies, UTF-8,
 * Windows-1251 and XLSX files, hostile files (each a 400 naming `file`, never a 500), roles, other
 * workspaces, the size limit and the temp folder.
 */

let t: TestApp;
let owner: Caller;
let viewer: Caller;
let outsider: Caller;

beforeAll(async () => {
  t = await openTestApp();
  owner = (await signUp(t.app, { workspaceName: 'Imports A' })).caller;
  viewer = (await addMember(t.app, owner, 'viewer')).caller;
  outsider = (await signUp(t.app, { workspaceName: 'Imports B' })).caller;
});
afterAll(async () => {
  await t?.close();
});

const UTF8_CSV = [
  'ФИО,Телефон,E-mail,Город,Внешний ID',
  'Иванов Иван Иванович,+7 916 123-45-67,ivan@example.ru,Москва,A-1',
  'Петрова Анна,8 (903) 111-22-33,anna@example.ru,Казань,A-2',
  '',
].join('\r\n');

/** Windows-1251 bytes of ASCII and Russian text (Node only encodes UTF-8). */
function cp1251(text: string): Uint8Array {
  return Uint8Array.from(text, (char) => {
    const code = char.codePointAt(0)!;
    if (code < 0x80) return code;
    if (code >= 0x410 && code <= 0x44f) return 0xc0 + (code - 0x410);
    if (code === 0x401) return 0xa8;
    if (code === 0x451) return 0xb8;
    throw new Error(`no Windows-1251 byte for ${char}`);
  });
}

type Upload = { status: number; json: Record<string, unknown> & { importId?: string; error?: ErrorJson } };
type ErrorJson = {
  message: string;
  data: { code: string; httpStatus: number; issues?: { field: string; code?: string; message: string }[] };
};

async function readResponse(response: Response): Promise<Upload> {
  const text = await response.text();
  let json: Upload['json'] = {};
  try {
    json = JSON.parse(text) as Upload['json'];
  } catch {
    throw new Error(`not JSON (${response.status}): ${text.slice(0, 200)}`);
  }
  return { status: response.status, json };
}

async function uploadRaw(
  caller: Caller,
  body: Uint8Array | string | ReadableStream<Uint8Array>,
  options: { query?: string; headers?: Record<string, string> } = {},
): Promise<Upload> {
  const response = await caller.fetch(`http://test.local/api/imports${options.query ?? ''}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/octet-stream', ...options.headers },
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
  return readResponse(response);
}

async function uploadForm(caller: Caller, form: FormData, query = ''): Promise<Upload> {
  const response = await caller.fetch(`http://test.local/api/imports${query}`, {
    method: 'POST',
    body: form,
  });
  return readResponse(response);
}

function formWith(bytes: Uint8Array | string, fileName: string, field = 'file'): FormData {
  const form = new FormData();
  form.append(field, new Blob([bytes]), fileName);
  return form;
}

async function xlsxBytes(): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.addWorksheet('Сводка').addRow(['Отчёт']);
  const sheet = workbook.addWorksheet('Клиенты');
  sheet.addRow(['Фамилия', 'Имя', 'Телефон', 'Дата рождения']);
  sheet.addRow(['Сидоров', 'Пётр', '+79161234567', '01.02.1990']);
  sheet.addRow(['Орлова', 'Мария', '89031112233', '']);
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

function expectFileIssue(upload: Upload, status: number, code?: string) {
  expect(upload.status, JSON.stringify(upload.json)).toBe(status);
  const issues = upload.json.error?.data.issues ?? [];
  expect(issues.map((i) => i.field)).toEqual(['file']);
  if (code) expect(issues[0]?.code).toBe(code);
  expect(upload.json.error?.message).toBeTruthy();
  expect(JSON.stringify(upload.json)).not.toMatch(/at .*\.ts:\d+|node_modules/);
}

describe('POST /api/imports', () => {
  it('takes a multipart UTF-8 CSV and detects its shape and mapping', async () => {
    const upload = await uploadForm(owner, formWith(UTF8_CSV, 'клиенты.csv'));
    expect(upload.status, JSON.stringify(upload.json)).toBe(201);
    const view = await owner.trpc.imports.get.query({ id: upload.json.importId! });
    expect(view).toMatchObject({
      status: 'uploaded',
      fileName: 'клиенты.csv',
      fileSize: Buffer.byteLength(UTF8_CSV),
      file: { format: 'csv', encoding: 'utf-8', delimiter: ',' },
      headers: ['ФИО', 'Телефон', 'E-mail', 'Город', 'Внешний ID'],
      totalRows: 2,
    });
    expect(view.sample[0]?.[0]).toBe('Иванов Иван Иванович');
    expect(view.mapping.map((c) => c.target)).toEqual([
      { kind: 'field', field: 'fullName' },
      { kind: 'phone' },
      { kind: 'email' },
      { kind: 'field', field: 'city' },
      { kind: 'field', field: 'externalId' },
    ]);
  });

  it('takes a raw Windows-1251 file with ";" named by X-File-Name', async () => {
    const text = 'Фамилия;Имя;Телефон;Город\r\nЁлкина;Алёна;89161234567;Санкт-Петербург\r\n';
    const upload = await uploadRaw(owner, cp1251(text), {
      headers: { 'x-file-name': encodeURIComponent('выгрузка 1С.csv') },
    });
    expect(upload.status, JSON.stringify(upload.json)).toBe(201);
    const view = await owner.trpc.imports.get.query({ id: upload.json.importId! });
    expect(view).toMatchObject({
      fileName: 'выгрузка 1С.csv',
      file: { format: 'csv', encoding: 'windows-1251', delimiter: ';' },
      headers: ['Фамилия', 'Имя', 'Телефон', 'Город'],
      sample: [['Ёлкина', 'Алёна', '89161234567', 'Санкт-Петербург']],
    });
  });

  it('takes a raw XLSX workbook and reads the sheet asked for', async () => {
    const upload = await uploadRaw(owner, await xlsxBytes(), {
      query: `?name=${encodeURIComponent('база.xlsx')}&sheet=${encodeURIComponent('Клиенты')}`,
    });
    expect(upload.status, JSON.stringify(upload.json)).toBe(201);
    const view = await owner.trpc.imports.get.query({ id: upload.json.importId! });
    expect(view).toMatchObject({
      fileName: 'база.xlsx',
      file: { format: 'xlsx', sheet: 'Клиенты', sheets: ['Сводка', 'Клиенты'] },
      headers: ['Фамилия', 'Имя', 'Телефон', 'Дата рождения'],
    });
    expect(view.sample[0]?.slice(0, 3)).toEqual(['Сидоров', 'Пётр', '+79161234567']);
  });

  it('names the sheet when the workbook has no such sheet', async () => {
    const upload = await uploadRaw(owner, await xlsxBytes(), { query: '?name=x.xlsx&sheet=Nope' });
    expect(upload.status).toBe(400);
    expect(upload.json.error?.data.issues?.[0]).toMatchObject({ field: 'sheet', code: 'sheet_not_found' });
  });

  it('keeps ragged rows: they are the rows’ problem at run time, not the upload’s', async () => {
    const ragged = 'ФИО,Телефон\nАнна\nБорис,89161234567,лишнее,ещё\n"Вера",\n';
    const upload = await uploadRaw(owner, ragged, { query: '?name=ragged.csv' });
    expect(upload.status, JSON.stringify(upload.json)).toBe(201);
    const view = await owner.trpc.imports.get.query({ id: upload.json.importId! });
    expect(view.sample).toHaveLength(3);
  });

  it.each([
    ['a 0-byte file', () => new Uint8Array(0), 'empty'],
    ['binary junk', () => Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256), 'not_text'],
    [
      'an old .xls workbook',
      () => Uint8Array.of(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0),
      'unsupported_format',
    ],
    [
      'a zip that is no workbook',
      () => Uint8Array.of(0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8),
      undefined,
    ],
  ])('refuses %s with a 400 naming file (raw and multipart)', async (_name, bytes, code) => {
    expectFileIssue(await uploadRaw(owner, bytes(), { query: '?name=bad.csv' }), 400, code);
    expectFileIssue(await uploadForm(owner, formWith(bytes(), 'bad.csv')), 400, code);
  });

  it('refuses a 100 MB single line with a 400 naming file, streaming the body', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(1024 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode('ФИО,Телефон\nАнна,1\n'));
        if (sent >= 100) controller.close();
        else controller.enqueue(chunk);
        sent += 1;
      },
    });
    expectFileIssue(await uploadRaw(owner, body, { query: '?name=huge.csv' }), 400, 'row_too_large');
  });

  it('says which field is missing from a multipart form', async () => {
    expectFileIssue(await uploadForm(owner, formWith(UTF8_CSV, 'a.csv', 'document')), 400, 'missing');
    const broken = await owner.fetch('http://test.local/api/imports', {
      method: 'POST',
      body: '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nabc',
      headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
    });
    expectFileIssue(await readResponse(broken), 400);
  });

  it('is for managers and up: 401 without a caller, 403 for a viewer', async () => {
    const anonymous = new Caller(t.app);
    const none = await uploadForm(anonymous, formWith(UTF8_CSV, 'a.csv'));
    expect(none.status).toBe(401);
    const refused = await uploadForm(viewer, formWith(UTF8_CSV, 'a.csv'));
    expect(refused.status).toBe(403);
    expect(refused.json.error?.data.code).toBe('FORBIDDEN');
  });

  it('refuses a file over the limit with 413 and leaves no temp file behind, whatever happens', async () => {
    const tempDir = await mkdtemp(join(tmpdir(), 'cb-upload-test-'));
    try {
      const app = new Hono<Vars>();
      app.use(async (c, next) => {
        c.set('requestId', 'limit-test');
        c.set('log', createLogger('silent'));
        await next();
      });
      importRoutes(app, { database: t.database, now: () => new Date(), tempDir, importMaxBytes: 4096 });
      const limited = new Caller(app);
      limited.cookie = owner.cookie;
      const big = `ФИО,Телефон\n${'Анна Иванова,89161234567\n'.repeat(400)}`;
      expectFileIssue(await uploadRaw(limited, big, { query: '?name=big.csv' }), 413, 'too_large');
      // A streamed body (no Content-Length) is cut off at the limit too.
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(big));
          controller.close();
        },
      });
      expectFileIssue(await uploadRaw(limited, stream, { query: '?name=big.csv' }), 413, 'too_large');
      expectFileIssue(await uploadForm(limited, formWith(big, 'big.csv')), 413, 'too_large');
      expectFileIssue(await uploadRaw(limited, new Uint8Array(0)), 400, 'empty');
      const ok = await uploadForm(limited, formWith(UTF8_CSV, 'ok.csv'));
      expect(ok.status).toBe(201);
      expect(await readdir(tempDir)).toEqual([]);
    } finally {
      await rm(tempDir, { recursive: true, force: true });
    }
  });
});

describe('GET /api/imports/:id/errors.csv', () => {
  let importId: string;

  beforeAll(async () => {
    const csv =
      'ФИО,Телефон,E-mail\nИванов Иван,=1+1,not-an-email\nПетрова Анна,+79161234567,anna@example.ru\n';
    const upload = await uploadForm(owner, formWith(csv, 'ошибки.csv'));
    expect(upload.status).toBe(201);
    importId = upload.json.importId!;
    await owner.trpc.imports.dryRun.mutate({ id: importId });
  });

  async function download(caller: Caller, query = '?dryRun=1', id = importId) {
    return caller.fetch(`http://test.local/api/imports/${id}/errors.csv${query}`);
  }

  it('streams the report as UTF-8 CSV with BOM, formulas escaped as text', async () => {
    const response = await download(viewer);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename=".*-errors\.csv"/);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    // TextDecoder drops the BOM (checked above) by default.
    const lines = new TextDecoder().decode(bytes).trimEnd().split('\r\n');
    expect(lines[0]).toBe('row,column,header,value,code,message');
    const formula = lines.find((l) => l.includes('=1+1'));
    // Rows are lines of the file (the header is line 1), columns count from 1, as in a spreadsheet.
    expect(formula).toBe("2,2,Телефон,'=1+1,phone_invalid,Not a valid phone number: =1+1");
    expect(lines.some((l) => l.startsWith('2,3,E-mail,not-an-email,email_invalid,'))).toBe(true);
    expect(lines.length).toBeGreaterThanOrEqual(3);
  });

  it('has no rows of a run that has not happened', async () => {
    const bytes = new Uint8Array(await (await download(owner, '')).arrayBuffer());
    expect(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes)).toBe(
      '\uFEFFrow,column,header,value,code,message\r\n',
    );
  });

  it('is NOT_FOUND for another workspace, and 401 without a caller', async () => {
    const other = await download(outsider);
    expect(other.status).toBe(404);
    expect(await other.text()).not.toContain('Иванов');
    expect((await download(owner, '', 'not-a-uuid')).status).toBe(404);
    const anonymous = new Caller(t.app);
    expect((await download(anonymous)).status).toBe(401);
  });
});

describe('helpers', () => {
  it.each([
    ['C:\\Users\\anna\\клиенты.csv', 'клиенты.csv'],
    ['../../etc/passwd', 'passwd'],
    ['a\u0000b\nc.csv', 'abc.csv'],
    ['%D0%B1%D0%B0%D0%B7%D0%B0.csv', 'база.csv'],
    ['100%.csv', '100%.csv'],
    ['', 'upload'],
    [null, 'upload'],
  ])('cleanFileName(%j) → %j', (raw, expected) => {
    expect(cleanFileName(raw)).toBe(expected);
  });

  it('puts an ASCII name and the real one in Content-Disposition', () => {
    expect(contentDisposition('база "1".csv')).toBe(
      `attachment; filename="____ _1_.csv"; filename*=UTF-8''%D0%B1%D0%B0%D0%B7%D0%B0%20%221%22.csv`,
    );
  });
});
