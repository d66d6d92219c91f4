import { PassThrough, Readable } from 'node:stream';
import type { ExportSource } from '@cb/db';
import { isTimeZoneName } from '@cb/domain';
import { ExportAborted, type ExportRequest, exportClients, prepareExport } from '@cb/worker';
import type { Hono } from 'hono';
import { z } from 'zod';
import { ZClientFilter, ZClientSort } from '../routers/client-filter.ts';
import { type Ctx, type HttpDeps, httpWorkspace, problem, type Vars, type WireIssue } from './common.ts';

/** `GET /api/exports/…`: a list view, segment or static list as CSV or XLSX, streamed and audited. */
export function exportRoutes(app: Hono<Vars>, deps: HttpDeps): void {
  app.get('/api/exports/clients', (c) => exportClientsRoute(c, deps));
}

const COLUMNS_MAX = 100;
const ZFormat = z.enum(['csv', 'xlsx']);
const ZEncoding = z.enum(['utf8', 'cp1251']);
const ZDelimiter = z.enum(['comma', 'semicolon']);
const ZLang = z.enum(['ru', 'en']);
const ZId = z.uuid();
const ZQuery = z.string().max(200);
const ZTimeZone = z
  .string()
  .refine(isTimeZoneName, 'Not a time zone name: give an IANA zone such as Europe/Moscow or UTC');

const CONTENT_TYPES = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  utf8: 'text/csv; charset=utf-8',
  cp1251: 'text/csv; charset=windows-1251',
} as const;

/** The parameters an export takes; any other is refused. */
const EXPORT_PARAMS = new Set([
  'format',
  'encoding',
  'delimiter',
  'lang',
  'columns',
  'timeZone',
  'viewId',
  'segmentId',
  'filter',
  'sort',
  'q',
]);

/** One query parameter through a schema, its problems named after it (`filter.stage.0`…). */
function param<T>(issues: WireIssue[], field: string, schema: z.ZodType<T>, value: unknown): T | undefined {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    issues.push({ field: [field, ...issue.path.map(String)].join('.'), message: issue.message });
  }
  return undefined;
}

/** A JSON-valued parameter (`filter`, `sort`). */
function jsonParam<T>(issues: WireIssue[], field: string, schema: z.ZodType<T>, raw: string | undefined) {
  if (raw === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    issues.push({ field, message: `${field} must be URL-encoded JSON` });
    return undefined;
  }
  return param(issues, field, schema, value);
}

/**
 * The query string as an export request: `format`, `encoding`, `delimiter`, `lang`, `columns`,
 * `timeZone` (of the created / updated times; the web app sends the browser's), and one source —
 * `viewId`, `segmentId`, or `filter` / `sort` / `q` (nothing: the whole visible base).
 */
export function parseExportQuery(query: Record<string, string>): ExportRequest | WireIssue[] {
  const issues: WireIssue[] = [];
  // A misspelt or unknown parameter (`segmentid`, `listId`) would otherwise export the whole base:
  // personal data leaving on a typo. It is refused, named.
  for (const name of Object.keys(query)) {
    if (!EXPORT_PARAMS.has(name)) {
      issues.push({
        field: name,
        message: `Unknown parameter: give ${[...EXPORT_PARAMS].join(', ')}`,
      });
    }
  }
  const format = param(issues, 'format', ZFormat.default('csv'), query.format);
  const encoding = param(issues, 'encoding', ZEncoding.default('utf8'), query.encoding);
  const delimiter = param(issues, 'delimiter', ZDelimiter.optional(), query.delimiter);
  const lang = param(issues, 'lang', ZLang.default('ru'), query.lang);
  const timeZone = param(issues, 'timeZone', ZTimeZone.optional(), query.timeZone);
  let columns: string[] | undefined;
  if (query.columns !== undefined) {
    columns = query.columns
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean);
    if (columns.length === 0) issues.push({ field: 'columns', message: 'Choose at least one column' });
    if (columns.length > COLUMNS_MAX)
      issues.push({ field: 'columns', message: `At most ${COLUMNS_MAX} columns` });
  }
  const viewId = query.viewId === undefined ? undefined : param(issues, 'viewId', ZId, query.viewId);
  const segmentId =
    query.segmentId === undefined ? undefined : param(issues, 'segmentId', ZId, query.segmentId);
  const filter = jsonParam(issues, 'filter', ZClientFilter, query.filter);
  const sort = jsonParam(issues, 'sort', ZClientSort, query.sort);
  const q = query.q === undefined ? undefined : param(issues, 'q', ZQuery, query.q);

  const given = [
    query.viewId !== undefined ? 'viewId' : null,
    query.segmentId !== undefined ? 'segmentId' : null,
    [query.filter, query.sort, query.q].some((v) => v !== undefined) ? 'filter' : null,
  ].filter((f): f is string => f !== null);
  if (given.length > 1) {
    issues.push({
      field: given[1]!,
      message: `Give one source: viewId, segmentId, or filter/sort/q (got ${given.join(' and ')})`,
    });
  }
  if (issues.length > 0) return issues;

  let source: ExportSource = { kind: 'all' };
  if (viewId) source = { kind: 'view', viewId };
  else if (segmentId) source = { kind: 'segment', segmentId };
  else if (given[0] === 'filter') source = { kind: 'filter', filter, sort, q };
  return {
    source,
    format: format!,
    encoding: encoding!,
    delimiter: delimiter === undefined ? undefined : delimiter === 'comma' ? ',' : ';',
    lang: lang!,
    columns,
    timeZone,
  };
}

/** `attachment; filename="clients-2026-11-23.csv"; filename*=UTF-8''clients-2026-11-23.csv`. */
function attachment(fileName: string): string {
  return `attachment; filename="${fileName}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/**
 * Viewers and up. The source and the columns are checked before the first byte (a refusal is a
 * plain 400 / 404); then the rows stream out page by page as the client takes them, and the
 * export is audited when it ends — or when the client goes away, with the rows sent until then.
 */
async function exportClientsRoute(c: Ctx, deps: HttpDeps): Promise<Response> {
  const access = await httpWorkspace(c, deps, 'viewer');
  if (access instanceof Response) return access;
  const { ws } = access;
  const request = parseExportQuery(c.req.query());
  if (Array.isArray(request)) {
    return problem(c, 400, request.map((i) => `${i.field}: ${i.message}`).join('; '), request);
  }
  const db = deps.database.db;
  const prepared = await prepareExport(db, { ...ws.scope, userId: ws.userId }, request);
  if (!prepared.ok) {
    const refusal = prepared.error;
    if (refusal.code === 'not_found') return problem(c, 404, `No such ${refusal.entity}`);
    return problem(c, 400, `${refusal.field}: ${refusal.message}`, [
      { field: refusal.field, message: refusal.message },
    ]);
  }

  const log = c.get('log');
  const out = new PassThrough();
  exportClients(db, ws.mutation, prepared.value, out, {
    region: ws.settings.defaultRegion ?? 'RU',
  }).then(
    (result) => log.info({ rows: result.rows, format: request.format }, 'clients exported'),
    (error: unknown) => {
      if (error instanceof ExportAborted) log.info('export cancelled by the client');
      else log.error({ err: error }, 'export failed midway');
    },
  );
  const day = deps.now().toISOString().slice(0, 10);
  const extension = request.format === 'xlsx' ? 'xlsx' : 'csv';
  const contentType = request.format === 'xlsx' ? CONTENT_TYPES.xlsx : CONTENT_TYPES[request.encoding];
  return new Response(Readable.toWeb(out) as unknown as ReadableStream<Uint8Array>, {
    status: 200,
    headers: {
      'content-type': contentType,
      'content-disposition': attachment(`clients-${day}.${extension}`),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  });
}
