import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { DatabaseHandle, ExportSource, MutationContext } from '@cb/db';
import { exportColumnKeys, isTimeZoneName } from '@cb/domain';
import type { ExportLang } from '../export/columns.ts';
import { type ExportRequest, exportClients, prepareExport } from '../export/export-clients.ts';
import type { ExportDelimiter, ExportEncoding, ExportFormat } from '../export/writers.ts';
import {
  CliError,
  type CliIo,
  openCliDatabase,
  operatorActor,
  progressBar,
  resolveWorkspace,
  userPath,
} from './common.ts';

export const usage = `Usage: pnpm cb export --out FILE [options]

Exports clients (the whole base, a segment, a static list or a saved view) to CSV or XLSX,
streamed, with a progress line. The export is recorded in the workspace's audit log.

Options:
  --out FILE           where to write (required); the format follows .xlsx / .csv unless --format
  --workspace W        the workspace (id or exact name); needed when there are several
  --segment ID         the current members of a rule segment
  --list ID            the members of a static list
  --view ID            a saved view (its filter, sort and columns)
  --format F           csv | xlsx (default: from the file name, else csv)
  --encoding E         utf8 | cp1251 (CSV only; default utf8 with a BOM; cp1251 for old Excel)
  --delimiter D        comma | semicolon (CSV only; default comma, semicolon for cp1251)
  --columns a,b,c      columns by key (default: the view's, or a standard set):
                       ${exportColumnKeys.join(', ')},
                       custom.<key> for a custom field
  --lang L             ru | en: headers and values (default ru)
  --tz ZONE            IANA time zone of the created / updated times, e.g. Europe/Moscow
                       (default: this machine's, ${machineTimeZone()})
  -h, --help           this text

Exit code: 0 done, 1 failed, 2 bad usage.
`;

export type ExportCliOptions = {
  out: string;
  workspace: string | undefined;
  request: ExportRequest;
};

function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new CliError(`--${option}: "${value}" is not one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** The zone this machine's clock is set to, as an IANA name; UTC when it has none. */
export function machineTimeZone(): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return zone && isTimeZoneName(zone) ? zone : 'UTC';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The command line as options, or a `CliError` (exit 2) naming the bad option. */
export function parseExportArgs(args: string[]): ExportCliOptions {
  let values: ReturnType<typeof parse>['values'];
  try {
    ({ values } = parse(args));
  } catch (error) {
    throw new CliError(`export: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  if (!values.out) throw new CliError('--out: where to write is missing (pnpm cb export --out FILE)');
  const sources = (['segment', 'list', 'view'] as const).filter((k) => values[k] !== undefined);
  if (sources.length > 1) {
    throw new CliError(`--${sources[1]}: give one of --segment, --list, --view (got ${sources.length})`);
  }
  let source: ExportSource = { kind: 'all' };
  const [given] = sources;
  if (given) {
    const id = values[given]!;
    if (!UUID.test(id)) throw new CliError(`--${given}: "${id}" is not an id (a UUID, as the app shows it)`);
    source = given === 'view' ? { kind: 'view', viewId: id } : { kind: 'segment', segmentId: id };
  }
  const format = oneOf<ExportFormat>(
    'format',
    values.format ?? (/\.xlsx$/i.test(values.out) ? 'xlsx' : 'csv'),
    ['csv', 'xlsx'],
  );
  const encoding = oneOf<ExportEncoding>('encoding', values.encoding ?? 'utf8', ['utf8', 'cp1251']);
  const delimiter =
    values.delimiter === undefined
      ? undefined
      : oneOf('delimiter', values.delimiter, ['comma', 'semicolon'] as const) === 'comma'
        ? ','
        : ';';
  const lang = oneOf<ExportLang>('lang', values.lang ?? 'ru', ['ru', 'en']);
  const timeZone = values.tz ?? machineTimeZone();
  if (!isTimeZoneName(timeZone)) {
    throw new CliError(
      `--tz: "${timeZone}" is not a time zone name (an IANA zone such as Europe/Moscow, or UTC)`,
    );
  }
  let columns: string[] | undefined;
  if (values.columns !== undefined) {
    columns = values.columns
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean);
    if (columns.length === 0) throw new CliError('--columns: name at least one column');
  }
  return {
    out: values.out,
    workspace: values.workspace,
    request: {
      source,
      format,
      encoding,
      delimiter: delimiter as ExportDelimiter | undefined,
      lang,
      columns,
      timeZone,
    },
  };
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: false,
    strict: true,
    options: {
      out: { type: 'string', short: 'o' },
      workspace: { type: 'string' },
      segment: { type: 'string' },
      list: { type: 'string' },
      view: { type: 'string' },
      format: { type: 'string' },
      encoding: { type: 'string' },
      delimiter: { type: 'string' },
      columns: { type: 'string' },
      lang: { type: 'string' },
      tz: { type: 'string' },
    },
  });
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const options = parseExportArgs(args);
  const database = await openCliDatabase(io.env);
  try {
    return await exportToFile(database, options, io);
  } finally {
    await database.close();
  }
}

async function exportToFile(database: DatabaseHandle, options: ExportCliOptions, io: CliIo): Promise<number> {
  const workspace = await resolveWorkspace(database, options.workspace);
  const prepared = await prepareExport(database.db, { workspaceId: workspace.id }, options.request);
  if (!prepared.ok) {
    const refusal = prepared.error;
    if (refusal.code === 'not_found') {
      const flag = options.request.source.kind === 'view' ? '--view' : '--segment/--list';
      throw new CliError(`${flag}: no ${refusal.entity} ${refusal.id} in "${workspace.name}"`);
    }
    throw new CliError(`--${refusal.field}: ${refusal.message}`);
  }
  // Audited as the operator at the command line (no account to sign in with).
  const ctx: MutationContext = {
    workspaceId: workspace.id,
    actor: operatorActor(io.env),
    requestId: `cli-export-${randomUUID()}`,
  };
  const path = userPath(options.out, io.env);
  // Written beside the target and renamed at the end: a failed export never leaves a cut file
  // where a whole one is expected.
  const partial = `${path}.${randomUUID().slice(0, 8)}.part`;
  const file = createWriteStream(partial);
  try {
    await once(file, 'open');
  } catch (error) {
    throw new CliError(
      `--out: cannot write ${path}: ${error instanceof Error ? error.message : String(error)}`,
      1,
    );
  }
  const bar = progressBar(io.stderr, 'Exporting');
  const started = performance.now();
  try {
    const result = await exportClients(database.db, ctx, prepared.value, file, {
      onProgress: (rows) => {
        const seconds = (performance.now() - started) / 1000;
        bar.update(
          rows,
          null,
          seconds > 0 ? `(${Math.round(rows / seconds).toLocaleString('en')} rows/s)` : '',
        );
      },
    });
    bar.done();
    await rename(partial, path);
    const note = result.replaced
      ? `; ${result.replaced} character(s) Windows-1251 cannot hold were written as "?"`
      : '';
    io.stdout.write(`Exported ${result.rows.toLocaleString('en')} clients to ${path}${note}\n`);
    return 0;
  } catch (error) {
    bar.done();
    await rm(partial, { force: true });
    throw new CliError(`export failed: ${error instanceof Error ? error.message : String(error)}`, 1);
  }
}
