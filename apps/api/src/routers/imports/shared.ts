import {
  countImportErrors,
  type Executor,
  getImport,
  type ImportFailure,
  type ImportMappingRow,
  type ImportRow,
  importCounts,
  importProgress,
  listCustomFields,
  type UndoReport,
} from '@cb/db';
import {
  type ImportColumn,
  type ImportMapping,
  mappingDateOrder,
  type PurchaseColumn,
  type PurchaseMapping,
  suggestMapping,
  suggestPurchaseMapping,
  ZImportColumn,
  ZPurchaseColumn,
} from '@cb/domain';
import type { DryRunResult } from '@cb/worker';
import type { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { badRequest, failure, notFound } from '../../trpc/errors.ts';
import { toJson } from '../../trpc/json.ts';

/*
 * What the imports procedures share: the id input, the failure mapping, loading an import of the
 * caller's workspace, and the views that shape engine records into the contract.
 */

export const ZId = z.strictObject({ id: z.uuid() });

/** An import failure as a tRPC error: input problems by field, the rest as usual. */
export function importFailure(f: ImportFailure): TRPCError {
  return f.code === 'invalid' ? badRequest(f.issues) : failure(f);
}

export async function loadImport(
  ctx: { db: Parameters<typeof getImport>[0]; ws: { id: string } },
  id: string,
) {
  const row = await getImport(ctx.db, ctx.ws.id, id);
  if (!row) throw notFound('import', id);
  return row;
}

type JsonObject = Record<string, unknown>;
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A previewed client in the contract's shape: names, phones as E.164 strings, e-mail addresses —
 * the engine's planned client carries more (raw phone text, verification, source) than a preview
 * shows. Works on the live result and on the one stored as JSON alike.
 */
function previewClient(client: unknown) {
  if (!isObject(client)) return null;
  const text = (key: string) => (typeof client[key] === 'string' ? (client[key] as string) : null);
  const list = (key: string, field: string) =>
    Array.isArray(client[key])
      ? (client[key] as unknown[])
          .map((item) => (isObject(item) ? item[field] : item))
          .filter((v): v is string => typeof v === 'string')
      : [];
  return {
    displayName: text('displayName') ?? '',
    kind: client.kind === 'company' ? ('company' as const) : ('person' as const),
    lastName: text('lastName'),
    firstName: text('firstName'),
    patronymic: text('patronymic'),
    legalName: text('legalName'),
    inn: text('inn'),
    kpp: text('kpp'),
    birthday: text('birthday'),
    phones: list('phones', 'e164'),
    emails: list('emails', 'address'),
    city: text('city'),
    address: text('address'),
    tags: list('tags', ''),
    custom: isObject(client.custom) ? client.custom : {},
    externalId: text('externalId'),
  };
}

/**
 * The dry-run result in the contract's shape: a client file's previewed clients as `previewClient`
 * gives them; a purchase file's planned lines as they are.
 */
export function dryRunView(result: DryRunResult) {
  switch (result.kind) {
    case 'clients':
      return { ...result, preview: result.preview.map((p) => ({ ...p, client: previewClient(p.client) })) };
    case 'purchases':
      return result;
    default: {
      const never: never = result;
      return never;
    }
  }
}

/** The dry run stored on the import; one stored before purchase dry runs has no `kind` (clients). */
function storedDryRun(value: unknown) {
  if (!isObject(value) || !Array.isArray(value.preview)) return null;
  const kind = value.kind === 'purchases' ? 'purchases' : 'clients';
  return dryRunView({ ...value, kind } as unknown as DryRunResult);
}

/**
 * The undo report: the first kept clients by name (`kept`, capped), how many were kept in all
 * (`keptTotal`), and the totals (the engine's resume position stays inside). A report stored
 * before the cap existed lists every kept client.
 */
function undoReportView(value: unknown): Omit<UndoReport, 'cursor'> | null {
  if (!isObject(value) || !Array.isArray(value.kept)) return null;
  const report = value as unknown as UndoReport;
  return {
    kept: report.kept,
    keptTotal: typeof report.keptTotal === 'number' ? report.keptTotal : report.kept.length,
    deleted: report.deleted,
    restored: report.restored,
  };
}

type ProgressRow = Parameters<typeof importProgress>[0];

/** What the status poll returns: cheap to compute, enough to draw the progress bar. */
export function statusView(row: ProgressRow & Pick<ImportRow, 'id' | 'error' | 'undoReport'>, now: Date) {
  return toJson({
    id: row.id,
    status: row.status,
    counts: importCounts(row.counts),
    progress: importProgress(row, now),
    error: row.error ?? null,
    undoReport: undoReportView(row.undoReport),
  });
}

/**
 * The import's mapping by its kind: the columns as stored (entries of another shape are left out,
 * so a client mapping is never shown as a purchase one) and the mapping its headers suggest.
 */
type MappingView =
  | { kind: 'clients'; mapping: ImportColumn[]; suggestedMapping: ImportMapping }
  | { kind: 'purchases'; mapping: PurchaseColumn[]; suggestedMapping: PurchaseMapping };
type ColumnsView =
  | { kind: 'clients'; mapping: ImportColumn[] }
  | { kind: 'purchases'; mapping: PurchaseColumn[] };

/** The stored entries that read as columns of `schema`'s kind; the others are left out. */
function storedColumns<T>(raw: unknown, schema: z.ZodType<T>): T[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((value) => {
    const parsed = schema.safeParse(value);
    return parsed.success ? [parsed.data] : [];
  });
}

/** A saved mapping's columns by its kind, as `mappingView` reads an import's. */
export function savedColumns(saved: Pick<ImportMappingRow, 'kind' | 'mapping'>): ColumnsView {
  return saved.kind === 'clients'
    ? { kind: 'clients', mapping: storedColumns(saved.mapping, ZImportColumn) }
    : { kind: 'purchases', mapping: storedColumns(saved.mapping, ZPurchaseColumn) };
}

async function mappingView(db: Executor, row: ImportRow): Promise<MappingView> {
  switch (row.kind) {
    case 'clients': {
      // The workspace's custom fields are its own words for columns, as at upload.
      const customFields = (await listCustomFields(db, row.workspaceId)).map((f) => ({
        key: f.key,
        label: f.label,
      }));
      return {
        kind: 'clients',
        mapping: storedColumns(row.mapping, ZImportColumn),
        suggestedMapping: suggestMapping(row.headers, customFields, row.sample),
      };
    }
    case 'purchases':
      return {
        kind: 'purchases',
        mapping: storedColumns(row.mapping, ZPurchaseColumn),
        suggestedMapping: suggestPurchaseMapping(row.headers, row.sample),
      };
    default: {
      const never: never = row.kind;
      return never;
    }
  }
}

/**
 * What the web app shows of an import: the record with its mapping by kind and the order its
 * mappings read dates in (the one set, and the one the sample suggests), its progress now, and
 * how many errors it has.
 */
function importView(row: ImportRow, mapping: MappingView, now: Date, errorCount: number) {
  return toJson({
    ...mapping,
    dateOrder: mappingDateOrder(mapping.mapping),
    suggestedDateOrder: mappingDateOrder(mapping.suggestedMapping),
    id: row.id,
    fileName: row.fileName,
    fileSize: row.fileSize,
    status: row.status,
    file: row.file,
    headers: row.headers,
    sample: row.sample,
    source: row.source ?? null,
    allowPartialRows: row.allowPartialRows,
    duplicatePolicy: row.duplicatePolicy ?? null,
    batchId: row.batchId ?? null,
    totalRows: row.totalRows ?? null,
    counts: importCounts(row.counts),
    progress: importProgress(row, now),
    dryRun: storedDryRun(row.dryRun),
    error: row.error ?? null,
    undoReport: undoReportView(row.undoReport),
    errorCount,
    createdAt: row.createdAt,
    startedAt: row.startedAt ?? null,
    finishedAt: row.finishedAt ?? null,
  });
}

export async function viewOf(db: Executor, row: ImportRow, now: Date) {
  return importView(row, await mappingView(db, row), now, await countImportErrors(db, row.id));
}
