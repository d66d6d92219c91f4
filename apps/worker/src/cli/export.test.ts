import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import {
  addListMembers,
  createClient,
  createDatabase,
  createList,
  type DatabaseHandle,
  execute,
  listAudit,
  type MutationContext,
} from '@cb/db';
import { openTestDatabase, seedWorkspace } from '@cb/db/testing';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from './common.ts';
import { machineTimeZone, parseExportArgs } from './export.ts';
import { runCli } from './main.ts';

/*
 * `pnpm cb export` as an operator runs it, on a real database: the server test database through
 * DATABASE_URL, or an embedded data folder (CB_DATA_DIR) opened by the test only between runs.
 */

function capture(env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const sink = (into: string[]) =>
    new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        into.push(String(chunk));
        done();
      },
    });
  const io: CliIo = { stdout: sink(out), stderr: sink(err), env };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

let folder: string;
let env: Record<string, string>;
let ctx: MutationContext;
let listId: string;
let withDatabase: <T>(use: (database: DatabaseHandle) => Promise<T>) => Promise<T>;
let closeServerDatabase: (() => Promise<void>) | null = null;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'cb-cli-export-'));
  if (process.env.CB_TEST_DATABASE_URL) {
    const database = await openTestDatabase();
    env = { DATABASE_URL: database.url!, INIT_CWD: folder };
    withDatabase = (use) => use(database);
    closeServerDatabase = () => database.close();
  } else {
    const dataDir = join(folder, 'data');
    env = { CB_DATA_DIR: dataDir, INIT_CWD: folder };
    withDatabase = async (use) => {
      const database = await createDatabase({ dataDir });
      try {
        return await use(database);
      } finally {
        await database.close();
      }
    };
  }
  ({ ctx, listId } = await withDatabase(async (database) => {
    const seeded = await seedWorkspace(database.db, { name: 'CLI export' });
    const ids: string[] = [];
    for (const [lastName, externalId] of [
      ['Иванов', 'C-1'],
      ['Петрова', 'C-2'],
      ['Сидоров', 'C-3'],
    ] as const) {
      const created = await createClient(database.db, seeded.ctx, {
        kind: 'person',
        lastName,
        displayName: lastName,
        matchKey: lastName.toLowerCase(),
        externalId,
        // A formula-looking value, to check the export still escapes it.
        city: externalId === 'C-3' ? '=HYPERLINK("http://evil.example")' : null,
        phones: [{ e164: `+7916000000${ids.length}`, raw: '', type: 'mobile', verifiedAt: null }],
      });
      if (!created.ok) throw new Error(JSON.stringify(created.error));
      ids.push(created.value.id);
    }
    const list = await createList(database.db, seeded.ctx, { name: 'Обзвон' });
    await addListMembers(database.db, seeded.ctx, { listId: list.id, clientIds: [ids[1]!], now: new Date() });
    return { ctx: seeded.ctx, listId: list.id };
  }));
}, 120_000);

afterAll(async () => {
  await closeServerDatabase?.();
  await rm(folder, { recursive: true, force: true });
});

describe('parseExportArgs', () => {
  it.each([
    [[], '--out'],
    [['--out', 'x.csv', '--format', 'pdf'], '--format'],
    [['--out', 'x.csv', '--encoding', 'koi8-r'], '--encoding'],
    [['--out', 'x.csv', '--lang', 'de'], '--lang'],
    [['--out', 'x.csv', '--delimiter', 'tab'], '--delimiter'],
    [['--out', 'x.csv', '--columns', ' , '], '--columns'],
    [['--out', 'x.csv', '--list', 'abc'], '--list'],
    [['--out', 'x.csv', '--view', randomUUID(), '--segment', randomUUID()], '--view'],
    [['--out', 'x.csv', '--colour', 'red'], 'export:'],
    [['--out', 'x.csv', '--tz', '+03:00'], '--tz'],
    [['--out', 'x.csv', '--tz', 'Europe/Atlantis'], '--tz'],
  ])('refuses %j naming %s', (args, option) => {
    expect(() => parseExportArgs(args)).toThrow(option);
  });

  it('takes the format from the file name and the source from --list', () => {
    const id = randomUUID();
    expect(parseExportArgs(['--out', 'база.XLSX', '--list', id, '--columns', 'displayName,phones'])).toEqual({
      out: 'база.XLSX',
      workspace: undefined,
      request: {
        source: { kind: 'segment', segmentId: id },
        format: 'xlsx',
        encoding: 'utf8',
        delimiter: undefined,
        lang: 'ru',
        columns: ['displayName', 'phones'],
        timeZone: machineTimeZone(),
      },
    });
    expect(parseExportArgs(['--out', 'x.csv', '--tz', 'Asia/Vladivostok']).request.timeZone).toBe(
      'Asia/Vladivostok',
    );
  });
});

describe('pnpm cb export', () => {
  it('writes the whole base to a UTF-8 CSV, reports progress, and audits it as the operator', async () => {
    const run = capture(env);
    const code = await runCli(
      ['export', '--out', 'all.csv', '--columns', 'externalId,displayName,phones'],
      run.io,
    );
    expect(run.stderr()).toContain('Exporting');
    expect(code).toBe(0);
    expect(run.stdout()).toContain('Exported 3 clients');
    const records = parse(await readFile(join(folder, 'all.csv')), { bom: true }) as string[][];
    expect(records[0]).toEqual(['Внешний ID', 'ФИО', 'Телефон']);
    expect(records.slice(1).sort()).toEqual([
      ['C-1', 'Иванов', '+79160000000'],
      ['C-2', 'Петрова', '+79160000001'],
      ['C-3', 'Сидоров', '+79160000002'],
    ]);
    const audit = await withDatabase(async (database) => {
      const { items } = await listAudit(database.db, { workspaceId: ctx.workspaceId, entity: 'client' });
      return items.find((row) => row.action === 'clients.export');
    });
    // The operator has no account: their login on this machine names them.
    expect(audit).toMatchObject({
      actorKind: 'operator',
      actorId: null,
      actorName: userInfo().username,
      after: { format: 'csv', rows: 3, complete: true, source: { kind: 'all' } },
    });
    expect(audit?.requestId).toMatch(/^cli-export-/);
  });

  it('writes the created and updated times in the zone of --tz, audited as the operator CB_OPERATOR names', async () => {
    const run = capture({ ...env, CB_OPERATOR: ' Мария Петрова ' });
    const code = await runCli(
      [
        'export',
        '--out',
        'tz.csv',
        '--columns',
        'externalId,createdAt,updatedAt',
        '--tz',
        'Asia/Vladivostok',
      ],
      run.io,
    );
    expect(code).toBe(0);
    const records = parse(await readFile(join(folder, 'tz.csv')), { bom: true }) as string[][];
    const stored = await withDatabase(async (database) => {
      const { rows } = await execute(
        database,
        `select created_at, updated_at from clients where workspace_id = $1 and external_id = 'C-1'`,
        [ctx.workspaceId],
      );
      return rows[0] as { created_at: Date | string; updated_at: Date | string };
    });
    // Vladivostok keeps UTC+10 all year: each written minute is the stored instant ten hours on.
    const local = (at: Date | string) =>
      new Date(new Date(at).getTime() + 10 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
    expect(records.find((r) => r[0] === 'C-1')).toEqual([
      'C-1',
      local(stored.created_at),
      local(stored.updated_at),
    ]);
    const audit = await withDatabase(async (database) => {
      const { items } = await listAudit(database.db, { workspaceId: ctx.workspaceId, entity: 'client' });
      return items.find((row) => row.action === 'clients.export');
    });
    expect(audit).toMatchObject({
      actorKind: 'operator',
      actorName: 'Мария Петрова',
      after: { timeZone: 'Asia/Vladivostok' },
    });
  });

  it('escapes a formula-looking cell with an apostrophe in CSV and XLSX, and leaves phones as stored', async () => {
    const columns = ['--columns', 'externalId,city,phones'];
    expect(await runCli(['export', '--out', 'formula.csv', ...columns], capture(env).io)).toBe(0);
    const records = parse(await readFile(join(folder, 'formula.csv')), { bom: true }) as string[][];
    expect(records.find((r) => r[0] === 'C-3')).toEqual([
      'C-3',
      `'=HYPERLINK("http://evil.example")`,
      '+79160000002',
    ]);

    expect(await runCli(['export', '--out', 'formula.xlsx', ...columns], capture(env).io)).toBe(0);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await readFile(join(folder, 'formula.xlsx'))) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const rows = [2, 3, 4].map((n) => [1, 2, 3].map((c) => sheet.getRow(n).getCell(c).value));
    expect(rows.find((r) => r[0] === 'C-3')).toEqual([
      'C-3',
      `'=HYPERLINK("http://evil.example")`,
      '+79160000002',
    ]);
  });

  it('writes a static list to XLSX and Windows-1251 CSV', async () => {
    const xlsx = capture(env);
    expect(await runCli(['export', '--list', listId, '--out', 'list.xlsx', '--lang', 'en'], xlsx.io)).toBe(0);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await readFile(join(folder, 'list.xlsx'))) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.rowCount).toBe(2);
    expect(sheet.getRow(1).getCell(1).value).toBe('Name');
    expect(sheet.getRow(2).getCell(1).value).toBe('Петрова');

    const cp1251 = capture(env);
    const args = [
      'export',
      '--list',
      listId,
      '--out',
      'list.csv',
      '--encoding',
      'cp1251',
      '--columns',
      'displayName',
    ];
    expect(await runCli(args, cp1251.io)).toBe(0);
    const text = new TextDecoder('windows-1251').decode(await readFile(join(folder, 'list.csv')));
    expect(text).toBe('ФИО\r\nПетрова\r\n');
  });

  it('refuses an unknown view, an unknown column and an unwritable path, and leaves no file behind', async () => {
    const view = capture(env);
    expect(await runCli(['export', '--view', randomUUID(), '--out', 'nope.csv'], view.io)).toBe(2);
    expect(view.stderr()).toContain('--view: no view');
    const column = capture(env);
    expect(await runCli(['export', '--columns', 'salary', '--out', 'nope.csv'], column.io)).toBe(2);
    expect(column.stderr()).toContain('--columns: Unknown column "salary"');
    const path = capture(env);
    expect(await runCli(['export', '--out', join(folder, 'missing', 'dir', 'x.csv')], path.io)).toBe(1);
    expect(path.stderr()).toContain('--out: cannot write');
    expect((await readdir(folder)).filter((f) => f.startsWith('nope') || f.endsWith('.part'))).toEqual([]);
  });
});
