import type { Writable } from 'node:stream';
import {
  type Executor,
  type ExportSelection,
  type ExportSource,
  exportCustomFields,
  type MutationContext,
  type ReadScope,
  readExportPages,
  resolveExportSource,
  writeAudit,
} from '@cb/db';
import {
  defaultExportColumns,
  type ExportColumn,
  type ExportLang,
  resolveColumns,
  viewColumnsToExport,
} from './columns.ts';
import {
  csvSink,
  drained,
  type ExportDelimiter,
  type ExportEncoding,
  type ExportFormat,
  type RowSink,
  xlsxSink,
} from './writers.ts';

/** What to export, as a caller asks for it (the API's query string, the CLI's flags). */
export type ExportRequest = {
  source: ExportSource;
  format: ExportFormat;
  /** CSV only (an .xlsx is always UTF-8 inside). */
  encoding: ExportEncoding;
  /** CSV only; default `,` for UTF-8 and `;` for Windows-1251 (what Russian Excel reads). */
  delimiter?: ExportDelimiter | undefined;
  /** Header and value language (stages, temperatures, sources). */
  lang: ExportLang;
  /** Column keys; absent: a view's columns, or the default set. */
  columns?: readonly string[] | undefined;
  /**
   * IANA zone the created / updated times are written in: the reader's (the browser's, the
   * operator's machine). Absent: UTC.
   */
  timeZone?: string | undefined;
};

/** An export ready to stream: the source looked up, the columns known. */
export type PreparedExport = {
  request: ExportRequest;
  selection: ExportSelection;
  columns: ExportColumn[];
};

/** Why an export cannot start: a parameter naming the problem, or a view or segment not there. */
export type ExportRefusal =
  | { code: 'invalid'; field: string; message: string }
  | { code: 'not_found'; entity: string; id: string };

/**
 * Looks up the source (a view must be visible to `userId`; none given: any view of the workspace)
 * and the columns, before a byte is written, so a refusal can still be a plain error response.
 */
export async function prepareExport(
  db: Executor,
  scope: ReadScope & { userId?: string | null | undefined },
  request: ExportRequest,
): Promise<{ ok: true; value: PreparedExport } | { ok: false; error: ExportRefusal }> {
  const selection = await resolveExportSource(db, scope, request.source);
  if (!selection.ok) {
    const failure = selection.error;
    if (failure.code === 'not_found')
      return { ok: false, error: { code: 'not_found', entity: failure.entity, id: failure.id } };
    return { ok: false, error: { code: 'invalid', field: 'source', message: 'The source cannot be read' } };
  }
  const fromView = selection.value.viewColumns ? viewColumnsToExport(selection.value.viewColumns) : [];
  const keys = request.columns ?? (fromView.length > 0 ? fromView : defaultExportColumns);
  const resolved = resolveColumns(keys, await exportCustomFields(db, scope.workspaceId), request.lang);
  if (!resolved.ok)
    return { ok: false, error: { code: 'invalid', field: 'columns', message: resolved.message } };
  return { ok: true, value: { request, selection: selection.value, columns: resolved.columns } };
}

export type ExportRunOptions = {
  /** Rows read per statement (default 2,000). */
  pageSize?: number | undefined;
  /** The workspace's phone region, for a search source (default RU). */
  region?: string | undefined;
  /** Called after each page with the rows written so far. */
  onProgress?: ((rows: number) => void) | undefined;
};

export type ExportResult = {
  rows: number;
  /** Characters Windows-1251 could not write (written as `?`). */
  replaced: number;
};

function ignore(): void {}

/** The audit record of a source: what was asked for, without the internals of a lookup. */
function auditSource(source: ExportSource, selection: ExportSelection) {
  switch (source.kind) {
    case 'all':
      return { kind: 'all' };
    case 'filter':
      return { kind: 'filter', filter: selection.filter, sort: selection.sort, q: selection.q };
    case 'segment':
      return { kind: 'segment', id: source.segmentId, name: selection.name };
    case 'view':
      return { kind: 'view', id: source.viewId, name: selection.name };
  }
}

function sinkFor(prepared: PreparedExport, out: Writable): RowSink {
  const { request, columns } = prepared;
  switch (request.format) {
    case 'csv':
      return csvSink(
        out,
        columns,
        request.encoding,
        request.delimiter ?? (request.encoding === 'cp1251' ? ';' : ','),
      );
    case 'xlsx':
      return xlsxSink(out, columns, request.lang === 'ru' ? 'Клиенты' : 'Clients');
  }
}

/**
 * Streams the clients of a prepared export into `out` (a file, an HTTP response) page by page:
 * each page is written, and the next is read only once `out` has taken it, so memory stays flat
 * whatever the size. Personal data leaving is audited (`clients.export`) when the export ends —
 * also when the reader goes away mid-way, with the rows written until then; the error (an
 * `ExportAborted` for a closed reader) is then rethrown.
 */
export async function exportClients(
  db: Executor,
  ctx: MutationContext,
  prepared: PreparedExport,
  out: Writable,
  options: ExportRunOptions = {},
): Promise<ExportResult> {
  const { request, selection, columns } = prepared;
  const scope: ReadScope = { workspaceId: ctx.workspaceId, onlyOwnerId: ctx.onlyOwnerId };
  const sink = sinkFor(prepared, out);
  let rows = 0;
  const audit = async (complete: boolean) => {
    await writeAudit(db, ctx, {
      action: 'clients.export',
      entity: 'client',
      entityId: null,
      after: {
        format: request.format,
        encoding: request.format === 'csv' ? request.encoding : null,
        columns: columns.map((c) => c.key),
        source: auditSource(request.source, selection),
        timeZone: request.timeZone ?? 'UTC',
        rows,
        complete,
      },
    });
  };
  // A failure is reported by `exportClients` itself; without a listener, the `error` event of a
  // stream destroyed below would crash the process.
  out.on('error', ignore);
  try {
    sink.start();
    await drained(out);
    for await (const page of readExportPages(db, scope, selection, {
      ...options,
      timeZone: request.timeZone,
    })) {
      sink.writeRows(page);
      rows += page.length;
      options.onProgress?.(rows);
      await drained(out);
    }
    await sink.finish();
  } catch (error) {
    // The reader must not take a cut file for a whole one: the stream fails rather than ends.
    if (!out.destroyed) out.destroy(error instanceof Error ? error : new Error(String(error)));
    await audit(false);
    throw error;
  }
  // Once the last byte is taken (an XLSX is mostly written when its zip is finished), so a
  // reader gone during the last stretch is recorded as the cut export it was.
  await audit(true);
  return { rows, replaced: sink.replaced() };
}
