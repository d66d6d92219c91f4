/**
 * Client exports (issue 5): a view, segment, static list, filter or the whole base to CSV (UTF-8
 * with a BOM, or Windows-1251) or XLSX, streamed page by page to any Node Writable, and audited.
 *
 * 1. `prepareExport(db, scope, request)` checks the source and the columns (a refusal names them).
 * 2. `exportClients(db, ctx, prepared, out)` streams the rows and writes the `clients.export` audit row.
 */
export { defaultExportColumns, type ExportLang, viewColumnsToExport } from './columns.ts';
export { encodeCp1251 } from './cp1251.ts';
export {
  type ExportRefusal,
  type ExportRequest,
  type ExportResult,
  type ExportRunOptions,
  exportClients,
  type PreparedExport,
  prepareExport,
} from './export-clients.ts';
export { ExportAborted, type ExportDelimiter, type ExportEncoding, type ExportFormat } from './writers.ts';
