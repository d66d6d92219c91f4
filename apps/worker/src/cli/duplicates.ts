import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { type DatabaseHandle, exportDuplicatePairs, listDuplicatePairs, scanDuplicates } from '@cb/db';
import { csvRow } from '@cb/domain';
import { CliError, type CliIo, openCliDatabase, progressBar, resolveWorkspace, userPath } from './common.ts';

export const usage = `Usage: pnpm cb duplicates <scan|list|export> [options]

  scan      rebuild the duplicate keys and score every candidate pair (progress on stderr)
  list      print the open pairs, best first: score, decision, both clients
  export    write every candidate pair as CSV (UTF-8 with BOM) to --out or stdout

Options:
  --workspace W      workspace id or exact name (needed when there are several)
  --out FILE         export: the CSV file to write (default: stdout)
  --min-score 0.5    list: only pairs scoring at least this (0…1)
  --limit 50         list: at most this many pairs
`;

const CSV_HEADER = [
  'client_a_id',
  'a_external_id',
  'a_name',
  'client_b_id',
  'b_external_id',
  'b_name',
  'score',
  'decision',
  'status',
];

export type DuplicatesOptions = {
  action: 'scan' | 'list' | 'export';
  workspace: string | undefined;
  out: string | undefined;
  minScore: number;
  limit: number;
};

/** The command line as options; a bad value is a `CliError` naming the option. */
export function parseDuplicatesArgs(args: string[]): DuplicatesOptions {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    throw new CliError(`duplicates: ${(error as Error).message}\n\n${usage}`);
  }
  const { values, positionals } = parsed;
  const [action, ...extra] = positionals;
  if (action !== 'scan' && action !== 'list' && action !== 'export') {
    throw new CliError(
      `duplicates: say scan, list or export${action ? ` (not "${action}")` : ''}\n\n${usage}`,
    );
  }
  if (extra.length > 0) throw new CliError(`duplicates: unexpected argument "${extra[0]}"`);
  const minScore = values['min-score'] === undefined ? 0.5 : Number(values['min-score']);
  if (!Number.isFinite(minScore) || minScore < 0 || minScore > 1) {
    throw new CliError(`--min-score: a number from 0 to 1, not "${values['min-score']}"`);
  }
  const limit = values.limit === undefined ? 50 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
    throw new CliError(`--limit: a whole number from 1 to 10000, not "${values.limit}"`);
  }
  if (values.out !== undefined && action !== 'export') throw new CliError('--out: only for export');
  return { action, workspace: values.workspace, out: values.out, minScore, limit };
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      workspace: { type: 'string' },
      out: { type: 'string' },
      'min-score': { type: 'string' },
      limit: { type: 'string' },
    },
  });
}

/** `pnpm cb duplicates scan|list|export`, on the app's database, in this process. */
export async function run(args: string[], io: CliIo): Promise<number> {
  const options = parseDuplicatesArgs(args);
  const database = await openCliDatabase(io.env);
  try {
    const workspace = await resolveWorkspace(database, options.workspace);
    switch (options.action) {
      case 'scan':
        return await scan(database, workspace, io);
      case 'list':
        return await list(database, workspace.id, options, io);
      case 'export':
        return await exportCsv(database, workspace.id, options, io);
    }
  } finally {
    await database.close();
  }
}

async function scan(database: DatabaseHandle, workspace: { id: string; name: string }, io: CliIo) {
  const started = performance.now();
  const keys = progressBar(io.stderr, 'keys ');
  const pairs = progressBar(io.stderr, 'pairs');
  let phase: 'keys' | 'pairs' = 'keys';
  const result = await scanDuplicates(database.db, workspace.id, {
    onProgress: (p) => {
      if (p.phase === 'pairs' && phase === 'keys') {
        keys.done();
        phase = 'pairs';
      }
      (p.phase === 'keys' ? keys : pairs).update(p.done, p.total, 'clients');
    },
  });
  (phase === 'keys' ? keys : pairs).done();
  const seconds = (performance.now() - started) / 1000;
  io.stdout.write(
    `Scanned ${result.clientsScanned} clients of "${workspace.name}" in ${seconds.toFixed(1)} s: ` +
      `${result.candidatePairs} candidate pairs, ${result.pairs} scoring ≥ 0.5, ${result.removed} removed\n`,
  );
  return 0;
}

async function list(database: DatabaseHandle, workspaceId: string, options: DuplicatesOptions, io: CliIo) {
  let cursor: string | undefined;
  let printed = 0;
  while (printed < options.limit) {
    const page = await listDuplicatePairs(
      database.db,
      { workspaceId },
      { cursor, limit: Math.min(200, options.limit - printed), minScore: options.minScore },
    );
    if (!page.ok) throw new CliError(page.error.message, 1);
    for (const item of page.value.items) {
      const who = (c: typeof item.a) =>
        `${c.displayName}${c.externalId ? ` [${c.externalId}]` : ''} (${c.id})`;
      io.stdout.write(
        `${item.score.toFixed(3)}  ${item.decision.padEnd(9)}  ${who(item.a)}  ~  ${who(item.b)}\n`,
      );
      printed++;
    }
    if (!page.value.nextCursor) break;
    cursor = page.value.nextCursor;
  }
  if (printed === 0) io.stderr.write('No open pairs: run "pnpm cb duplicates scan" first\n');
  return 0;
}

async function exportCsv(
  database: DatabaseHandle,
  workspaceId: string,
  options: DuplicatesOptions,
  io: CliIo,
) {
  const target = options.out ? createWriteStream(userPath(options.out, io.env)) : io.stdout;
  const write = async (text: string) => {
    if (!target.write(text)) await once(target, 'drain');
  };
  let rows = 0;
  await write(`\uFEFF${csvRow(CSV_HEADER)}\r\n`);
  for await (const page of exportDuplicatePairs(database.db, { workspaceId })) {
    let text = '';
    for (const p of page) {
      text += `${csvRow([
        p.clientA,
        p.aExternalId ?? '',
        p.aName,
        p.clientB,
        p.bExternalId ?? '',
        p.bName,
        p.score.toFixed(4),
        p.decision,
        p.status,
      ])}\r\n`;
    }
    await write(text);
    rows += page.length;
  }
  if (options.out) {
    const file = target as ReturnType<typeof createWriteStream>;
    file.end();
    await once(file, 'finish');
    io.stderr.write(`${rows} pairs written to ${options.out}\n`);
  }
  return 0;
}
