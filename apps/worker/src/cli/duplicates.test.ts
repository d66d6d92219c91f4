import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createClient, createDatabase, type DatabaseHandle } from '@cb/db';
import { openTestDatabase, seedWorkspace } from '@cb/db/testing';
import { matchKey } from '@cb/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from './common.ts';
import { parseDuplicatesArgs } from './duplicates.ts';
import { runCli } from './main.ts';

/*
 * `pnpm cb duplicates` as an operator runs it, on a real database: the server test database
 * through DATABASE_URL, or an embedded data folder (CB_DATA_DIR) opened by the test only between runs.
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
let closeServerDatabase: (() => Promise<void>) | null = null;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'cb-cli-duplicates-'));
  let database: DatabaseHandle;
  if (process.env.CB_TEST_DATABASE_URL) {
    const server = await openTestDatabase();
    env = { DATABASE_URL: server.url!, INIT_CWD: folder };
    closeServerDatabase = () => server.close();
    database = server;
  } else {
    const dataDir = join(folder, 'data');
    env = { CB_DATA_DIR: dataDir, INIT_CWD: folder };
    database = await createDatabase({ dataDir });
  }
  try {
    const { ctx } = await seedWorkspace(database.db, { name: 'CLI duplicates' });
    for (const [lastName, firstName, externalId] of [
      ['Фёдоров', 'Александр', '=1+1'],
      ['Fedorov', 'Sasha', 'C-2'],
      ['Кузнецова', 'Мария', 'C-3'],
    ] as const) {
      const created = await createClient(database.db, ctx, {
        kind: 'person',
        lastName,
        firstName,
        displayName: `${lastName} ${firstName}`,
        matchKey: matchKey(lastName, firstName),
        externalId,
        phones: [
          {
            e164: lastName === 'Кузнецова' ? '+79030000000' : '+79161234567',
            raw: '',
            type: 'mobile',
            verifiedAt: null,
          },
        ],
      });
      if (!created.ok) throw new Error(JSON.stringify(created.error));
    }
  } finally {
    if (!closeServerDatabase) await database.close();
  }
}, 120_000);

afterAll(async () => {
  await closeServerDatabase?.();
  await rm(folder, { recursive: true, force: true });
});

describe('parseDuplicatesArgs', () => {
  it.each([
    [[], 'scan, list or export'],
    [['merge'], 'not "merge"'],
    [['list', '--min-score', '2'], '--min-score'],
    [['list', '--min-score', 'high'], '--min-score'],
    [['list', '--limit', '0'], '--limit'],
    [['scan', '--out', 'x.csv'], '--out'],
    [['scan', '--colour', 'red'], 'duplicates:'],
  ])('refuses %j naming %s', (args, expected) => {
    expect(() => parseDuplicatesArgs(args)).toThrow(expected);
  });

  it('reads the options', () => {
    expect(parseDuplicatesArgs(['export', '--workspace', 'W', '--out', 'pairs.csv'])).toEqual({
      action: 'export',
      workspace: 'W',
      out: 'pairs.csv',
      minScore: 0.5,
      limit: 50,
    });
  });
});

describe('pnpm cb duplicates', () => {
  it('scans with progress, lists the pairs and exports them as escaped CSV', async () => {
    const scan = capture(env);
    expect(await runCli(['duplicates', 'scan'], scan.io)).toBe(0);
    expect(scan.stdout()).toMatch(
      /^Scanned 3 clients of "CLI duplicates" in [\d.]+ s: \d+ candidate pairs, 1 scoring/,
    );
    expect(scan.stderr()).toContain('pairs 100% 3 rows');

    const list = capture(env);
    expect(await runCli(['duplicates', 'list', '--min-score', '0.9'], list.io)).toBe(0);
    const lines = list.stdout().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^0\.\d{3} {2}duplicate {2}/);
    expect(lines[0]).toContain('Фёдоров Александр [=1+1]');
    expect(lines[0]).toContain('Fedorov Sasha [C-2]');

    const exported = capture(env);
    expect(await runCli(['duplicates', 'export', '--out', 'pairs.csv'], exported.io)).toBe(0);
    expect(exported.stderr()).toContain('1 pairs written to pairs.csv');
    const text = await readFile(join(folder, 'pairs.csv'), 'utf8');
    expect(
      text.startsWith(
        '\uFEFFclient_a_id,a_external_id,a_name,client_b_id,b_external_id,b_name,score,decision,status\r\n',
      ),
    ).toBe(true);
    expect(text).toContain("'=1+1");
    expect(text.trimEnd().split('\r\n')).toHaveLength(2);
  });

  it('names a workspace that does not exist', async () => {
    const run = capture(env);
    expect(await runCli(['duplicates', 'list', '--workspace', 'Нет такого'], run.io)).toBe(2);
    expect(run.stderr()).toContain('--workspace: no workspace "Нет такого"');
  });
});
