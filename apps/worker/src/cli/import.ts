import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import {
  countImportErrors,
  type DatabaseHandle,
  getImportById,
  type ImportFailure,
  type ImportRow,
  importProgress,
  listCustomFields,
  listImportMappings,
  type MutationContext,
  setImportMapping,
  startImport,
} from '@cb/db';
import {
  type BatchKind,
  batchKinds,
  type ImportColumn,
  type ImportMapping,
  parseImportMapping,
  reuseMapping,
} from '@cb/domain';
import { ImportReadError } from '../import/errors.ts';
import { registerImport } from '../import/inspect.ts';
import { dryRunImport, runImport } from '../import/run.ts';
import { removeSpooledFile } from '../import/spool.ts';
import {
  CliError,
  type CliIo,
  openCliDatabase,
  operatorActor,
  progressBar,
  resolveWorkspace,
  userPath,
} from './common.ts';

export const usage = `Usage: pnpm cb import FILE [options]

Imports clients from a CSV (UTF-8 or Windows-1251, any delimiter) or XLSX file, streamed and
resumable, as one batch that can be undone in the app.

Options:
  --workspace W        the workspace (id or exact name); needed when there are several
  --map NAME           apply the saved mapping NAME (columns matched by header); default: the
                       mapping suggested from the headers (printed before the run)
  --sheet NAME         the sheet of an XLSX workbook (default: the first)
  --policy ACTION      duplicates: skip | fill | overwrite | create   (default: skip)
  --match KEYS         how rows match clients: externalId,phone,email,fuzzy
                       (default: externalId,phone,email)
  --source-kind KIND   the batch: ${batchKinds.join(' | ')} (default: import)
  --source-name NAME   the batch's name (default: the file name)
  --vendor NAME        who sold the list (purchased lists)
  --cost RUB           what the list cost, in roubles (e.g. 15000 or 15000.50)
  --acquired-on DATE   when the list was bought (YYYY-MM-DD)
  --partial            import the valid part of rows with invalid cells
  --dry-run            check the file and print what would happen; change nothing
  -h, --help           this text

Exit code: 0 done, 1 failed (unreadable file, the run failed), 2 bad usage.
`;

const ACTIONS = ['skip', 'fill', 'overwrite', 'create'] as const;
const MATCH_KEYS = ['externalId', 'phone', 'email', 'fuzzy'] as const;
type Action = (typeof ACTIONS)[number];
type MatchKey = (typeof MATCH_KEYS)[number];

export type ImportOptions = {
  file: string;
  workspace: string | undefined;
  map: string | undefined;
  sheet: string | undefined;
  policy: { matchBy: MatchKey[]; action: Action };
  source: {
    batchKind: BatchKind;
    name: string | undefined;
    vendor: string | null;
    costKopecks: number | null;
    acquiredOn: string | null;
  } | null;
  partial: boolean;
  dryRun: boolean;
};

/** The command line as options, or a `CliError` (exit 2) naming the bad option. */
export function parseImportArgs(args: string[]): ImportOptions {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    throw new CliError(`import: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  const { values, positionals } = parsed;
  if (positionals.length === 0) throw new CliError('import: FILE is missing (pnpm cb import FILE [options])');
  if (positionals.length > 1) throw new CliError(`import: one file at a time (got ${positionals.length})`);

  const action = values.policy ?? 'skip';
  if (!(ACTIONS as readonly string[]).includes(action)) {
    throw new CliError(`--policy: "${action}" is not one of ${ACTIONS.join(', ')}`);
  }
  const matchBy = (values.match ?? 'externalId,phone,email')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  for (const key of matchBy) {
    if (!(MATCH_KEYS as readonly string[]).includes(key)) {
      throw new CliError(`--match: "${key}" is not one of ${MATCH_KEYS.join(', ')}`);
    }
  }
  if (new Set(matchBy).size !== matchBy.length) throw new CliError('--match: a key is listed twice');
  if (action !== 'create' && matchBy.length === 0) throw new CliError('--match: name at least one key');

  const kind = values['source-kind'];
  if (kind !== undefined && !(batchKinds as readonly string[]).includes(kind)) {
    throw new CliError(`--source-kind: "${kind}" is not one of ${batchKinds.join(', ')}`);
  }
  let costKopecks: number | null = null;
  if (values.cost !== undefined) {
    const cost = values.cost.replace(',', '.').replace(/\s/g, '');
    if (!/^\d{1,13}(\.\d{1,2})?$/.test(cost)) {
      throw new CliError(`--cost: "${values.cost}" is not an amount in roubles (e.g. 15000 or 15000.50)`);
    }
    costKopecks = Math.round(Number(cost) * 100);
  }
  const acquiredOn = values['acquired-on'] ?? null;
  if (acquiredOn !== null && !isDate(acquiredOn)) {
    throw new CliError(`--acquired-on: "${acquiredOn}" is not a date (YYYY-MM-DD)`);
  }
  const hasSource =
    kind !== undefined ||
    values['source-name'] !== undefined ||
    values.vendor !== undefined ||
    costKopecks !== null ||
    acquiredOn !== null;
  return {
    file: positionals[0]!,
    workspace: values.workspace,
    map: values.map,
    sheet: values.sheet,
    policy: { matchBy: matchBy as MatchKey[], action: action as Action },
    source: hasSource
      ? {
          // A vendor or a cost means a bought list, unless told otherwise.
          batchKind:
            (kind as BatchKind | undefined) ??
            (values.vendor || costKopecks !== null ? 'purchased_list' : 'import'),
          name: values['source-name'],
          vendor: values.vendor ?? null,
          costKopecks,
          acquiredOn,
        }
      : null,
    partial: values.partial ?? false,
    dryRun: values['dry-run'] ?? false,
  };
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      workspace: { type: 'string' },
      map: { type: 'string' },
      sheet: { type: 'string' },
      policy: { type: 'string' },
      match: { type: 'string' },
      'source-kind': { type: 'string' },
      'source-name': { type: 'string' },
      vendor: { type: 'string' },
      cost: { type: 'string' },
      'acquired-on': { type: 'string' },
      partial: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
    },
  });
}

function isDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/** `pnpm cb import FILE …`: register, map, then a dry run or the import itself, in this process. */
export async function run(args: string[], io: CliIo): Promise<number> {
  const options = parseImportArgs(args);
  const path = userPath(options.file, io.env);
  const file = await stat(path).catch(() => null);
  if (!file?.isFile()) throw new CliError(`import: no such file "${options.file}"`);

  const database = await openCliDatabase(io.env);
  try {
    return await importFile(database, path, options, io);
  } finally {
    await database.close();
  }
}

async function importFile(database: DatabaseHandle, path: string, options: ImportOptions, io: CliIo) {
  const out = (line = '') => io.stdout.write(`${line}\n`);
  const workspace = await resolveWorkspace(database, options.workspace);
  const ctx: MutationContext = {
    workspaceId: workspace.id,
    actor: operatorActor(io.env),
    requestId: `cli-import-${randomUUID()}`,
  };
  const fileName = basename(path);

  // Check the saved mapping's name before the (possibly long) upload into the database.
  const saved = options.map ? await findSavedMapping(database, workspace.id, options.map) : null;

  const size = (await stat(path)).size;
  io.stderr.write(`Reading ${fileName} (${(size / 1024 ** 2).toFixed(1)} MB) into the database…\n`);
  let row: ImportRow;
  try {
    row = await registerImport(database, ctx, { path, fileName, sheet: options.sheet });
  } catch (error) {
    if (error instanceof ImportReadError) throw new CliError(`${fileName}: ${error.message}`, 1);
    throw error;
  }
  const format =
    row.file.format === 'csv'
      ? `CSV, ${row.file.encoding}, delimiter ${JSON.stringify(row.file.delimiter)}`
      : `XLSX, sheet "${row.file.sheet}"`;
  out(`${fileName}: ${format}, ${row.totalRows === null ? 'rows not counted yet' : `${row.totalRows} rows`}`);

  let mapping = row.mapping as ImportMapping;
  if (saved) {
    const customFields = (await listCustomFields(database.db, workspace.id)).map((f) => ({
      key: f.key,
      label: f.label,
    }));
    mapping = reuseMapping(saved, row.headers, customFields, row.sample);
  }
  out(
    options.map
      ? `Mapping "${options.map}":`
      : 'Mapping (suggested from the headers; save your own in the app):',
  );
  for (const line of describeMapping(mapping)) out(`  ${line}`);

  const set = await setImportMapping(database.db, ctx, row.id, {
    mapping,
    ...(options.source ? { source: { ...options.source, name: options.source.name ?? fileName } } : {}),
    ...(options.partial ? { allowPartialRows: true } : {}),
  });
  if (!set.ok) throw new CliError(`The mapping cannot be used: ${failureText(set.error)}`, 1);

  if (options.dryRun) return printDryRun(database, workspace.id, row.id, row.file.format, options.policy, io);

  const started = await startImport(database.db, ctx, row.id, options.policy);
  if (!started.ok) throw new CliError(`The import cannot start: ${failureText(started.error)}`, 1);
  out(
    `Import ${row.id}: ${options.policy.action} duplicates matched by ${options.policy.matchBy.join(', ') || '—'}`,
  );

  const bar = progressBar(io.stderr, 'Importing');
  const stop = new AbortController();
  const interrupt = () => stop.abort();
  const ownsProcess = io.stderr === process.stderr;
  if (ownsProcess) process.once('SIGINT', interrupt);
  try {
    await runImport(database, row.id, {
      force: true,
      signal: stop.signal,
      onProgress: (current) => {
        const p = importProgress(current, new Date());
        bar.update(p.rowsDone, p.totalRows, progressExtra(p.rowsPerSecond, p.etaSeconds));
      },
    });
  } finally {
    if (ownsProcess) process.off('SIGINT', interrupt);
    bar.done();
  }

  const final = (await getImportById(database.db, row.id))!;
  // A stopped run keeps its local copy for the resume; a finished one needs it no more.
  if (final.status === 'completed' || final.status === 'failed')
    await removeSpooledFile(row.id, row.file.format);
  const errors = await countImportErrors(database.db, row.id);
  const c = final.counts;
  const seconds = final.startedAt && final.finishedAt ? (+final.finishedAt - +final.startedAt) / 1000 : null;
  if (final.status === 'completed') {
    out(
      `Done: ${c.rowsDone} rows — ${c.created} created, ${c.updated} updated, ${c.duplicates} duplicates skipped, ${c.invalid} invalid` +
        (seconds
          ? ` in ${seconds.toFixed(1)} s (${Math.round(c.rowsDone / Math.max(seconds, 0.001))} rows/s)`
          : ''),
    );
    if (errors > 0)
      out(`${errors} problems reported: the error report is at /api/imports/${row.id}/errors.csv`);
    out(`Import id: ${row.id}`);
    return 0;
  }
  if (stop.signal.aborted) {
    out(`Stopped after ${c.rowsDone} rows (checkpoint saved): a worker resumes import ${row.id}.`);
    return 1;
  }
  io.stderr.write(
    `Import ${row.id} ${final.status}${final.error ? `: ${final.error.message}` : ''} (after ${c.rowsDone} rows)\n`,
  );
  return 1;
}

function failureText(f: ImportFailure): string {
  if (f.code === 'invalid') return f.issues.map((i) => `${i.field}: ${i.message}`).join('; ');
  return 'message' in f ? f.message : `${f.entity} not found`;
}

async function findSavedMapping(database: DatabaseHandle, workspaceId: string, name: string) {
  const all = await listImportMappings(database.db, workspaceId);
  const found = all.find((m) => m.name === name);
  if (!found) {
    const names = all.map((m) => JSON.stringify(m.name)).join(', ');
    throw new CliError(
      `--map: no saved mapping "${name}" (${names ? `there are: ${names}` : 'none saved yet'})`,
    );
  }
  const parsed = parseImportMapping(found.mapping);
  if (!parsed.ok) throw new CliError(`--map: the saved mapping "${name}" is no longer valid`, 1);
  return parsed.value;
}

/** `Телефон → phone`, `Комментарий → (ignored)`: one line per column. */
export function describeMapping(mapping: readonly ImportColumn[]): string[] {
  return mapping.map((c) => {
    const header = c.header || `column ${c.column + 1}`;
    const t = c.target;
    const target =
      t === null
        ? '(ignored)'
        : t.kind === 'field'
          ? t.field
          : t.kind === 'phone'
            ? `phone${t.type ? ` (${t.type})` : ''}`
            : t.kind === 'email'
              ? 'email'
              : `custom.${t.key}`;
    return `${header} → ${target}`;
  });
}

function progressExtra(rowsPerSecond: number | null, etaSeconds: number | null): string {
  const rate = rowsPerSecond === null ? '' : `${Math.round(rowsPerSecond).toLocaleString('en')} rows/s`;
  const eta = etaSeconds === null ? '' : `ETA ${formatDuration(etaSeconds)}`;
  return [rate, eta].filter(Boolean).join(', ');
}

function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

async function printDryRun(
  database: DatabaseHandle,
  workspaceId: string,
  importId: string,
  format: string,
  duplicatePolicy: ImportOptions['policy'],
  io: CliIo,
) {
  const out = (line = '') => io.stdout.write(`${line}\n`);
  let result: Awaited<ReturnType<typeof dryRunImport>>;
  try {
    result = await dryRunImport(database, workspaceId, importId, { duplicatePolicy });
  } catch (error) {
    if (error instanceof ImportReadError) throw new CliError(`The file cannot be read: ${error.message}`, 1);
    throw error;
  } finally {
    await removeSpooledFile(importId, format);
  }
  // The command line registers client files only.
  if (result.kind !== 'clients') throw new CliError('Not a client import', 1);
  const c = result.counts;
  out(
    `Dry run of ${result.rowsChecked}${result.complete ? '' : ` of ${result.totalRows ?? 'more'}`} rows: ` +
      `${c.create} new, ${c.update} updates, ${c.duplicate} duplicates, ${c.invalid} invalid, ${c.partial} partial`,
  );
  for (const p of result.preview.slice(0, 10)) {
    const who = p.client ? p.client.displayName : '—';
    const match = p.matchedClient ? ` = ${p.matchedClient.displayName} (by ${p.matchedBy})` : '';
    const issues = p.issues.length
      ? ` [${p.issues.map((i) => `${i.header ?? 'row'}: ${i.message}`).join('; ')}]`
      : '';
    out(`  row ${p.row}: ${p.action} ${who}${match}${issues}`);
  }
  if (result.errorCount > 0) {
    out(`${result.errorCount} problems: the report is at /api/imports/${importId}/errors.csv?dryRun=1`);
  }
  out(`Nothing was imported. Import id: ${importId} (start it in the app, or run without --dry-run)`);
  return 0;
}
