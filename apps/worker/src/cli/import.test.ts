import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import {
  createClient,
  createDatabase,
  type DatabaseHandle,
  getImportById,
  listBatches,
  listImports,
  type MutationContext,
  saveImportMapping,
} from '@cb/db';
import { openTestDatabase, seedWorkspace } from '@cb/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWindows1251 } from '../import/test-support.ts';
import type { CliIo } from './common.ts';
import { describeMapping, parseImportArgs, run } from './import.ts';
import { runCli } from './main.ts';

/*
 * `pnpm cb import` as an operator runs it, on a real database: the server test database through
 * DATABASE_URL, or (PGlite) an embedded data folder in a temp folder through CB_DATA_DIR, which
 * belongs to one process at a time — so the test opens it only between CLI runs.
 */

type Captured = { io: CliIo; stdout: () => string; stderr: () => string };

function capture(env: Record<string, string>): Captured {
  const out: string[] = [];
  const err: string[] = [];
  const sink = (into: string[]) =>
    new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        into.push(String(chunk));
        done();
      },
    });
  return {
    io: { stdout: sink(out), stderr: sink(err), env },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}

let folder: string;
let env: Record<string, string>;
let ctx: MutationContext;
/** Opens the database the CLI uses, for the test's own reads and writes between runs. */
let withDatabase: <T>(use: (database: DatabaseHandle) => Promise<T>) => Promise<T>;
let closeServerDatabase: (() => Promise<void>) | null = null;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'cb-cli-import-'));
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
  ctx = await withDatabase(async (database) => {
    const seeded = await seedWorkspace(database.db, { name: 'CLI workspace' });
    const existing = await createClient(database.db, seeded.ctx, {
      kind: 'person',
      displayName: 'Петрова Анна',
      lastName: 'Петрова',
      firstName: 'Анна',
      matchKey: 'петрова анна',
      phones: [{ e164: '+79031112233', raw: '+79031112233', type: 'mobile', verifiedAt: null }],
    });
    if (!existing.ok) throw new Error(JSON.stringify(existing.error));
    const saved = await saveImportMapping(database.db, seeded.ctx, {
      name: 'Выгрузка 1С',
      headers: ['Телефон', 'Фамилия', 'Имя', 'Код'],
      mapping: [
        { column: 0, header: 'Телефон', target: { kind: 'phone' } },
        { column: 1, header: 'Фамилия', target: { kind: 'field', field: 'lastName' } },
        { column: 2, header: 'Имя', target: { kind: 'field', field: 'firstName' } },
        { column: 3, header: 'Код', target: { kind: 'field', field: 'externalId' } },
      ],
    });
    if (!saved.ok) throw new Error(JSON.stringify(saved.error));
    return seeded.ctx;
  });
  await writeFile(
    join(folder, 'clients.csv'),
    [
      'ФИО,Телефон,E-mail,Город,Внешний ID',
      'Иванов Иван Иванович,+7 916 123-45-67,ivan@example.ru,Москва,A-1',
      'Петрова Анна,8 (903) 111-22-33,,Казань,A-2',
      'Сидоров Пётр,=1+1,not-an-email,,A-3',
      '',
    ].join('\r\n'),
  );
  // A Russian Excel export: Windows-1251, ";", columns in an order of its own, a header no mapping knows.
  await writeFile(
    join(folder, 'export-1c.csv'),
    encodeWindows1251(
      'Код;Имя;Фамилия;Телефон;Примечание\r\nB-1;Ольга;Смирнова;89265554433;звонить вечером\r\nB-2;Олег;Орлов;89265554434;\r\n',
    ),
  );
  await writeFile(
    join(folder, 'junk.bin'),
    Uint8Array.from({ length: 2048 }, (_, i) => (i * 7919 + 13) % 256),
  );
});

afterAll(async () => {
  await closeServerDatabase?.();
  if (folder) await rm(folder, { recursive: true, force: true });
});

describe('bad usage: exit code 2 and one clear line', () => {
  it.each([
    [['import'], /FILE is missing/],
    [['import', 'a.csv', '--bogus'], /import: Unknown option '--bogus'/],
    [
      ['import', 'a.csv', '--policy', 'merge'],
      /--policy: "merge" is not one of skip, fill, overwrite, create/,
    ],
    [['import', 'a.csv', '--match', 'phone,inn'], /--match: "inn" is not one of/],
    [['import', 'a.csv', '--cost', '12abc'], /--cost: "12abc" is not an amount/],
    [['import', 'a.csv', '--acquired-on', '2026-02-30'], /--acquired-on: "2026-02-30" is not a date/],
    [['import', 'a.csv', '--source-kind', 'stolen'], /--source-kind: "stolen" is not one of/],
    [['import', 'a.csv', 'b.csv'], /one file at a time/],
    [['import', 'missing.csv'], /no such file "missing.csv"/],
  ])('%j', async (argv, message) => {
    const c = capture(env);
    expect(await runCli(argv, c.io)).toBe(2);
    expect(c.stderr()).toMatch(message);
    expect(c.stderr().trim().split('\n')).toHaveLength(1);
    expect(c.stdout()).toBe('');
  });

  it('prints its usage with --help', async () => {
    const c = capture(env);
    expect(await runCli(['import', '--help'], c.io)).toBe(0);
    expect(c.stdout()).toContain('pnpm cb import FILE');
  });

  it('reads a purchased list’s source from the options', () => {
    expect(
      parseImportArgs(['f.csv', '--vendor', 'ООО Базы', '--cost', '15 000,50', '--partial']),
    ).toMatchObject({
      source: { batchKind: 'purchased_list', vendor: 'ООО Базы', costKopecks: 1_500_050, name: undefined },
      policy: { action: 'skip', matchBy: ['externalId', 'phone', 'email'] },
      partial: true,
      dryRun: false,
    });
  });

  it('describes a mapping one column a line', () => {
    expect(
      describeMapping([
        { column: 0, header: 'ФИО', target: { kind: 'field', field: 'fullName' } },
        { column: 1, header: 'Раб. тел.', target: { kind: 'phone', type: 'work' } },
        { column: 2, header: '', target: null },
        { column: 3, header: 'Размер', target: { kind: 'custom', key: 'size' } },
      ]),
    ).toEqual(['ФИО → fullName', 'Раб. тел. → phone (work)', 'column 3 → (ignored)', 'Размер → custom.size']);
  });
});

describe('pnpm cb import FILE', () => {
  it('prints a dry run and changes nothing', async () => {
    const c = capture(env);
    expect(await run(['clients.csv', '--dry-run', '--match', 'phone', '--policy', 'fill'], c.io)).toBe(0);
    const text = c.stdout();
    expect(text).toContain('clients.csv: CSV, utf-8, delimiter ","');
    expect(text).toContain('ФИО → fullName');
    expect(text).toContain('Dry run of 3 rows: 1 new, 1 updates, 0 duplicates, 1 invalid, 0 partial');
    expect(text).toContain('row 3: update Петрова Анна = Петрова Анна (by phone)');
    expect(text).toContain('row 4: invalid — [Телефон: Not a valid phone number: =1+1;');
    expect(text).toMatch(/errors\.csv\?dryRun=1/);
    expect(text).toContain('Nothing was imported');
    const importId = /Import id: ([0-9a-f-]{36})/.exec(text)![1]!;
    await withDatabase(async (database) => {
      const row = await getImportById(database.db, importId);
      expect(row).toMatchObject({ status: 'uploaded', counts: { rowsDone: 0 } });
    });
  });

  it('imports in process with a progress line, as a purchased list, and prints the counts', async () => {
    const c = capture(env);
    const code = await run(
      [
        'clients.csv',
        '--workspace',
        'CLI workspace',
        '--policy',
        'fill',
        '--match',
        'phone,externalId',
        '--vendor',
        'ООО Базы',
        '--cost',
        '15000',
        '--acquired-on',
        '2026-11-01',
      ],
      c.io,
    );
    expect(code, c.stderr()).toBe(0);
    const text = c.stdout();
    expect(text).toContain('Mapping (suggested from the headers');
    expect(text).toMatch(/Done: 3 rows — 1 created, 1 updated, 0 duplicates skipped, 1 invalid/);
    expect(text).toMatch(
      /problems reported: the error report is at \/api\/imports\/[0-9a-f-]{36}\/errors\.csv/,
    );
    expect(c.stderr()).toMatch(/Importing/);
    const importId = /Import id: ([0-9a-f-]{36})/.exec(text)![1]!;
    await withDatabase(async (database) => {
      const row = await getImportById(database.db, importId);
      expect(row).toMatchObject({
        status: 'completed',
        counts: { rowsDone: 3, created: 1, updated: 1, invalid: 1 },
      });
      const batches = await listBatches(database.db, { workspaceId: ctx.workspaceId });
      expect(batches.find((b) => b.id === row!.batchId)).toMatchObject({
        kind: 'purchased_list',
        name: 'clients.csv',
        vendor: 'ООО Базы',
        costKopecks: 1_500_000,
      });
    });
  });

  it('draws the progress as a bar redrawn in place on a terminal', async () => {
    await writeFile(
      join(folder, 'tty.csv'),
      'ФИО,Телефон,Внешний ID\r\nКозлов Олег,+7 916 700-00-01,T-1\r\nКозлова Вера,+7 916 700-00-02,T-2\r\n',
    );
    const c = capture(env);
    Object.assign(c.io.stderr, { isTTY: true, columns: 100 });
    const code = await run(['tty.csv', '--workspace', 'CLI workspace'], c.io);
    expect(code, c.stderr()).toBe(0);
    const drawn = c.stderr();
    // Each redraw returns to the line's start and clears what is left of it; the last one is full.
    expect(drawn).toMatch(/\rImporting[^\n]*\[#{10,}\] 100\.0% 2 rows /);
    expect(drawn).toContain(`${String.fromCharCode(27)}[K`);
    expect(drawn.endsWith('\n')).toBe(true);
    expect(drawn.split('\n').filter((l) => l.includes('Importing'))).toHaveLength(1);
  });

  it('applies a saved mapping by header to a Windows-1251 file', async () => {
    const c = capture(env);
    expect(await run(['export-1c.csv', '--map', 'Выгрузка 1С', '--policy', 'create'], c.io)).toBe(0);
    const text = c.stdout();
    expect(text).toContain('export-1c.csv: CSV, windows-1251, delimiter ";"');
    expect(text).toContain('Mapping "Выгрузка 1С":');
    expect(text).toContain('Код → externalId');
    expect(text).toContain('Примечание → (ignored)');
    expect(text).toMatch(/Done: 2 rows — 2 created/);
  });

  it('refuses an unknown saved mapping (2), and a file that is no table (1)', async () => {
    const unknown = capture(env);
    expect(await runCli(['import', 'clients.csv', '--map', 'Нет такой'], unknown.io)).toBe(2);
    expect(unknown.stderr()).toMatch(/--map: no saved mapping "Нет такой" \(there are: "Выгрузка 1С"\)/);
    const junk = capture(env);
    expect(await runCli(['import', 'junk.bin'], junk.io)).toBe(1);
    expect(junk.stderr().trim().split('\n').at(-1)).toMatch(/^junk\.bin: .*neither a text table/);
    expect(junk.stderr()).not.toMatch(/\n\s+at /);
  });

  it('leaves every import it made in the workspace’s list', async () => {
    await withDatabase(async (database) => {
      const listed = await listImports(database.db, ctx.workspaceId);
      if (!listed.ok) throw new Error('list failed');
      // The dry run, the purchased list, the terminal run and the 1251 file.
      expect(listed.value.items.map((i) => i.status).sort()).toEqual([
        'completed',
        'completed',
        'completed',
        'uploaded',
      ]);
    });
  });
});
