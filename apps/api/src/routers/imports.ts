import {
  countImportErrors,
  type Database,
  type DatabaseHandle,
  getImport,
  type ImportFailure,
  type ImportRow,
  importProgress,
  listCustomFields,
  listImportMappings,
  listImports,
  saveImportMapping,
  setImportMapping,
  startImport,
  type UndoReport,
  undoImport,
  ZDuplicatePolicy,
  ZImportSource,
} from '@cb/db';
import { IMPORT_COLUMNS_MAX, type ImportMapping, parseImportMapping, reuseMapping } from '@cb/domain';
import {
  type DryRunResult,
  dryRunImport,
  ImportReadError,
  ImportRefusedError,
  removeSpooledFile,
} from '@cb/worker';
import type { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { badRequest, failure, notFound } from '../trpc/errors.ts';
import { router, workspaceProcedure } from '../trpc/init.ts';
import { toJson } from '../trpc/json.ts';

/*
 * Imports of client files: the upload and the error report are plain HTTP (`../http/imports.ts`);
 * everything between them is here. Reads are for viewers, changes for managers; an import of
 * another workspace is NOT_FOUND. The engine (`@cb/db` imports, `@cb/worker` import) validates;
 * handlers only shape the input and map failures.
 */

const ZId = z.strictObject({ id: z.uuid() });

/** An import failure as a tRPC error: input problems by field, the rest as usual. */
function importFailure(f: ImportFailure): TRPCError {
  return f.code === 'invalid' ? badRequest(f.issues) : failure(f);
}

async function loadImport(ctx: { db: Parameters<typeof getImport>[0]; ws: { id: string } }, id: string) {
  const row = await getImport(ctx.db, ctx.ws.id, id);
  if (!row) throw notFound('import', id);
  return row;
}

/**
 * The engine's run functions take a database handle but read only its `db`, which is all a
 * request's context has: the handle is never closed from here.
 */
function engineHandle(db: Database): DatabaseHandle {
  return { db } as Pick<DatabaseHandle, 'db'> as DatabaseHandle;
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
function dryRunView(result: DryRunResult) {
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
function statusView(row: ProgressRow & Pick<ImportRow, 'id' | 'error' | 'undoReport'>, now: Date) {
  return toJson({
    id: row.id,
    status: row.status,
    counts: row.counts,
    progress: importProgress(row, now),
    error: row.error ?? null,
    undoReport: undoReportView(row.undoReport),
  });
}

/** What the web app shows of an import: the record, its progress now, and how many errors it has. */
function importView(row: ImportRow, now: Date, errorCount: number) {
  return toJson({
    id: row.id,
    kind: row.kind,
    fileName: row.fileName,
    fileSize: row.fileSize,
    status: row.status,
    file: row.file,
    headers: row.headers,
    sample: row.sample,
    mapping: row.mapping as ImportMapping,
    source: row.source ?? null,
    allowPartialRows: row.allowPartialRows,
    duplicatePolicy: row.duplicatePolicy ?? null,
    batchId: row.batchId ?? null,
    totalRows: row.totalRows ?? null,
    counts: row.counts,
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

async function viewOf(db: Parameters<typeof countImportErrors>[0], row: ImportRow, now: Date) {
  return importView(row, now, await countImportErrors(db, row.id));
}

export const importsRouter = router({
  /** The import: detected format, headers, sample rows, the (suggested) mapping, progress, counts. */
  get: workspaceProcedure('viewer')
    .input(ZId)
    .query(async ({ ctx, input }) => viewOf(ctx.db, await loadImport(ctx, input.id), ctx.now())),

  /** Progress and counts only: the web app polls it every second while a worker is busy. */
  status: workspaceProcedure('viewer')
    .input(ZId)
    .query(async ({ ctx, input }) => statusView(await loadImport(ctx, input.id), ctx.now())),

  /** The workspace's imports, newest first. */
  list: workspaceProcedure('viewer')
    .input(
      z
        .strictObject({
          cursor: z.string().max(500).nullish(),
          limit: z.number().int().min(1).max(200).optional(),
        })
        .optional(),
    )
    .query(async ({ ctx, input }) => {
      const result = await listImports(ctx.db, ctx.ws.id, { cursor: input?.cursor, limit: input?.limit });
      if (!result.ok) throw importFailure(result.error);
      const now = ctx.now();
      return toJson({
        items: result.value.items.map((row) => ({
          id: row.id,
          kind: row.kind,
          fileName: row.fileName,
          fileSize: row.fileSize,
          status: row.status,
          counts: row.counts,
          progress: importProgress(row, now),
          source: row.source ?? null,
          batchId: row.batchId ?? null,
          totalRows: row.totalRows ?? null,
          error: row.error ?? null,
          createdAt: row.createdAt,
          startedAt: row.startedAt ?? null,
          finishedAt: row.finishedAt ?? null,
        })),
        nextCursor: result.value.nextCursor,
      });
    }),

  /** The workspace's saved mappings, by name. */
  mappings: workspaceProcedure('viewer')
    .input(z.strictObject({}).optional())
    .query(async ({ ctx }) =>
      toJson(
        (await listImportMappings(ctx.db, ctx.ws.id)).map((m) => ({
          id: m.id,
          kind: m.kind,
          name: m.name,
          headers: m.headers,
          mapping: m.mapping as ImportMapping,
          createdAt: m.createdAt,
          updatedAt: m.updatedAt,
        })),
      ),
    ),

  /**
   * Sets the mapping (and the source, partial rows) of an import not started yet; `saveAs` also
   * saves the mapping under that name for the next file of the same shape.
   */
  setMapping: workspaceProcedure('manager')
    .input(
      z.strictObject({
        id: z.uuid(),
        // Checked column by column by the engine, so each problem names its `mapping.N.…` path.
        mapping: z.array(z.unknown()).max(IMPORT_COLUMNS_MAX),
        source: ZImportSource.optional(),
        allowPartialRows: z.boolean().optional(),
        saveAs: z.string().trim().min(1).max(200).optional(),
        /** What the file holds: clients (default: as uploaded) or purchases, with the mapping of that kind. */
        kind: z.enum(['clients', 'purchases']).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const result = await setImportMapping(ctx.db, ctx.ws.mutation, input.id, {
        mapping: input.mapping,
        ...(input.source ? { source: input.source } : {}),
        ...(input.allowPartialRows !== undefined ? { allowPartialRows: input.allowPartialRows } : {}),
        ...(input.kind ? { kind: input.kind } : {}),
      });
      if (!result.ok) throw importFailure(result.error);
      if (input.saveAs) {
        const saved = await saveImportMapping(ctx.db, ctx.ws.mutation, {
          name: input.saveAs,
          headers: result.value.headers,
          mapping: result.value.mapping,
          kind: result.value.kind,
        });
        if (!saved.ok) {
          throw saved.error.code === 'invalid'
            ? badRequest(
                saved.error.issues.map((i) => ({ ...i, field: i.field === 'name' ? 'saveAs' : i.field })),
              )
            : failure(saved.error);
        }
      }
      return viewOf(ctx.db, result.value, ctx.now());
    }),

  /** Applies a saved mapping to this file: columns are matched by header, wherever they moved. */
  applyMapping: workspaceProcedure('manager')
    .input(z.strictObject({ id: z.uuid(), mappingId: z.uuid() }))
    .mutation(async ({ ctx, input }) => {
      const row = await loadImport(ctx, input.id);
      const saved = (await listImportMappings(ctx.db, ctx.ws.id)).find((m) => m.id === input.mappingId);
      if (!saved) throw notFound('import_mapping', input.mappingId);
      const parsed = parseImportMapping(saved.mapping);
      if (!parsed.ok) {
        throw badRequest([
          { field: 'mappingId', code: 'mapping_invalid', message: 'The saved mapping is no longer valid' },
        ]);
      }
      const customFields = (await listCustomFields(ctx.db, ctx.ws.id)).map((f) => ({
        key: f.key,
        label: f.label,
      }));
      const mapping = reuseMapping(parsed.value, row.headers, customFields);
      const result = await setImportMapping(ctx.db, ctx.ws.mutation, input.id, { mapping });
      if (!result.ok) throw importFailure(result.error);
      return viewOf(ctx.db, result.value, ctx.now());
    }),

  /**
   * What the import would do with the first 10,000 rows (same planner as the run), writing only
   * its own report: counts, a preview of rows as they would be stored, and the dry-run errors.
   * By the import's `kind`: clients (created, updated, duplicates by the policy) or purchases
   * (purchases, lines, clients to create, rows rejected and returns skipped; no policy).
   */
  dryRun: workspaceProcedure('manager')
    .input(z.strictObject({ id: z.uuid(), duplicatePolicy: ZDuplicatePolicy.optional() }))
    .mutation(async ({ ctx, input }) => {
      const row = await loadImport(ctx, input.id);
      try {
        const result = await dryRunImport(engineHandle(ctx.db), ctx.ws.id, input.id, {
          ...(input.duplicatePolicy ? { duplicatePolicy: input.duplicatePolicy } : {}),
          now: ctx.now,
        });
        return toJson(dryRunView(result));
      } catch (error) {
        if (error instanceof ImportRefusedError) throw importFailure(error.failure);
        if (error instanceof ImportReadError) {
          throw badRequest([{ field: 'file', code: error.code, message: error.message }]);
        }
        throw error;
      } finally {
        // The run happens in a worker, maybe on another machine: no copy is left on this one.
        await removeSpooledFile(row.id, row.file.format);
      }
    }),

  /** Queues the import with its duplicate policy; a worker runs it (`status` shows the progress). */
  start: workspaceProcedure('manager')
    .input(z.strictObject({ id: z.uuid(), duplicatePolicy: ZDuplicatePolicy }))
    .mutation(async ({ ctx, input }) => {
      const result = await startImport(ctx.db, ctx.ws.mutation, input.id, input.duplicatePolicy);
      if (!result.ok) throw importFailure(result.error);
      return viewOf(ctx.db, result.value, ctx.now());
    }),

  /**
   * Queues the undo of a completed import: created clients are removed, updated ones restored,
   * unless edited since (`undoReport` lists those).
   */
  undo: workspaceProcedure('manager')
    .input(ZId)
    .mutation(async ({ ctx, input }) => {
      const result = await undoImport(ctx.db, ctx.ws.mutation, input.id);
      if (!result.ok) throw importFailure(result.error);
      return viewOf(ctx.db, result.value, ctx.now());
    }),
});
