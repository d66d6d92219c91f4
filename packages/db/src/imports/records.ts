import { createHash } from 'node:crypto';
import {
  type FieldIssue,
  fail,
  type ImportMapping,
  issue,
  ok,
  parseImportMapping,
  parsePurchaseMapping,
  prefixIssues,
  type Result,
} from '@cb/domain';
import { and, asc, desc, eq, getTableColumns, gt, lt, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../client.ts';
import { writeAudit } from '../queries/audit.ts';
import type { MutationContext } from '../queries/context.ts';
import { decodeCursor, encodeCursor } from '../queries/cursor.ts';
import { type DbFailure, notFound } from '../queries/failures.ts';
import { batches } from '../schema/batches.ts';
import {
  type ImportCounts,
  type ImportDuplicatePolicy,
  type ImportFileInfo,
  type ImportKind,
  type ImportSourceInfo,
  type ImportStatus,
  importErrors,
  importFileChunks,
  importMappings,
  imports,
} from '../schema/imports.ts';
import { outbox } from '../schema/outbox.ts';
import { workspaces } from '../schema/workspaces.ts';

export type ImportRow = typeof imports.$inferSelect;
export type ImportMappingRow = typeof importMappings.$inferSelect;
export type ImportErrorRow = typeof importErrors.$inferSelect;

/** Failures of the import records: the DB's own, plus input that names its fields. */
export type ImportFailure = DbFailure | { code: 'invalid'; issues: FieldIssue[] };

/** Outbox topics the worker turns into `import.run` / `import.undo` jobs; payload `{ importId }`. */
export const IMPORT_RUN = 'import.run';
export const IMPORT_UNDO = 'import.undo';

/** Pieces the stored file is cut into (`import_file_chunks`). */
export const IMPORT_FILE_CHUNK_BYTES = 1024 * 1024;

export const EMPTY_IMPORT_COUNTS: ImportCounts = {
  rowsDone: 0,
  created: 0,
  updated: 0,
  duplicates: 0,
  invalid: 0,
};

export type CreateImportData = {
  kind?: ImportKind;
  fileName: string;
  fileSize: number;
  sha256: string;
  file: ImportFileInfo;
  headers: string[];
  sample: string[][];
  mapping: ImportMapping | unknown[];
  totalRows?: number | null;
  /** Default: the workspace's `allowPartialRows` setting. */
  allowPartialRows?: boolean;
};

/** Inserts an `uploaded` import (the file itself follows with `storeImportFile`). */
export async function createImport(
  db: Executor,
  ctx: MutationContext,
  data: CreateImportData,
): Promise<ImportRow> {
  let allowPartialRows = data.allowPartialRows;
  if (allowPartialRows === undefined) {
    const [ws] = await db
      .select({ settings: workspaces.settings })
      .from(workspaces)
      .where(eq(workspaces.id, ctx.workspaceId));
    allowPartialRows = ws?.settings.allowPartialRows ?? false;
  }
  const [row] = await db
    .insert(imports)
    .values({
      workspaceId: ctx.workspaceId,
      createdBy: ctx.actor.kind === 'user' ? ctx.actor.id : null,
      kind: data.kind ?? 'clients',
      fileName: data.fileName,
      fileSize: data.fileSize,
      sha256: data.sha256,
      file: data.file,
      headers: data.headers,
      sample: data.sample,
      mapping: data.mapping as unknown[],
      totalRows: data.totalRows ?? null,
      allowPartialRows,
    })
    .returning();
  return row!;
}

/**
 * Stores the file in pieces of at most 1 MiB (`import_file_chunks`), whatever sizes the source
 * yields, so any worker process can spool it later. Records (and returns) the size and sha256 of
 * what was stored on the import.
 * Call it in the transaction that created the import, so an import never has half a file.
 */
export async function storeImportFile(
  db: Executor,
  importId: string,
  chunks: AsyncIterable<Uint8Array>,
): Promise<{ bytes: number; sha256: string; pieces: number }> {
  const hash = createHash('sha256');
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let seq = 0;
  let bytes = 0;
  const flush = async () => {
    if (pendingBytes === 0) return;
    const data = Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    await db.insert(importFileChunks).values({ importId, seq, data });
    seq++;
  };
  for await (const chunk of chunks) {
    hash.update(chunk);
    bytes += chunk.length;
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(IMPORT_FILE_CHUNK_BYTES - pendingBytes, chunk.length - offset);
      pending.push(chunk.subarray(offset, offset + take));
      pendingBytes += take;
      offset += take;
      if (pendingBytes === IMPORT_FILE_CHUNK_BYTES) await flush();
    }
  }
  await flush();
  const sha256 = hash.digest('hex');
  await db.update(imports).set({ sha256, fileSize: bytes }).where(eq(imports.id, importId));
  return { bytes, sha256, pieces: seq };
}

/** The stored file's pieces in order, one query per piece (memory: one piece at a time). */
export async function* readImportFile(db: Executor, importId: string): AsyncGenerator<Uint8Array> {
  for (let seq = 0; ; seq++) {
    const [piece] = await db
      .select({ data: importFileChunks.data })
      .from(importFileChunks)
      .where(and(eq(importFileChunks.importId, importId), eq(importFileChunks.seq, seq)));
    if (!piece) return;
    yield piece.data instanceof Uint8Array ? piece.data : new Uint8Array(piece.data as ArrayBuffer);
  }
}

export async function getImport(db: Executor, workspaceId: string, id: string): Promise<ImportRow | null> {
  if (!isUuid(id)) return null;
  const [row] = await db
    .select()
    .from(imports)
    .where(and(eq(imports.workspaceId, workspaceId), eq(imports.id, id)));
  return row ?? null;
}

/** By id alone: for the worker, which gets an id from a job and trusts it. */
export async function getImportById(db: Executor, id: string): Promise<ImportRow | null> {
  const [row] = await db.select().from(imports).where(eq(imports.id, id));
  return row ?? null;
}

export type ImportListItem = Omit<ImportRow, 'sample' | 'runToken' | 'dryRun'>;

/** The workspace's imports, newest first, keyset-paged by (created_at, id). Bad cursor → `invalid`. */
export async function listImports(
  db: Executor,
  workspaceId: string,
  params: { cursor?: string | null | undefined; limit?: number | undefined } = {},
): Promise<Result<{ items: ImportListItem[]; nextCursor: string | null }, ImportFailure>> {
  const limit = Math.min(Math.max(params.limit ?? 50, 1), 200);
  let after: { at: Date; id: string } | null = null;
  if (params.cursor) {
    const decoded = decodeCursor(params.cursor);
    const at = typeof decoded?.value === 'string' ? new Date(decoded.value) : null;
    if (!decoded || !at || Number.isNaN(at.getTime())) {
      return fail({
        code: 'invalid',
        issues: [issue('cursor', 'cursor_invalid', 'The cursor is not valid')],
      });
    }
    after = { at, id: decoded.id };
  }
  const { sample: _s, runToken: _r, dryRun: _d, ...columns } = getTableColumns(imports);
  const rows = await db
    .select(columns)
    .from(imports)
    .where(
      and(
        eq(imports.workspaceId, workspaceId),
        after
          ? or(
              lt(imports.createdAt, after.at),
              and(eq(imports.createdAt, after.at), lt(imports.id, after.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(imports.createdAt), desc(imports.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return ok({
    items,
    nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt.toISOString(), last.id) : null,
  });
}

export const ZImportSource = z.strictObject({
  batchKind: z.enum(['purchased_list', 'import', 'paper', 'other_system', 'other']),
  name: z.string().trim().min(1).max(200),
  vendor: z.string().trim().max(200).nullish(),
  costKopecks: z.number().int().min(0).max(1e15).nullish(),
  acquiredOn: z.iso.date().nullish(),
  /** Purchase files: the ISO 4217 currency of amounts when no column says (default RUB). */
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'A three-letter ISO 4217 code, e.g. RUB')
    .nullish(),
});

export type SetImportMappingData = {
  mapping: unknown;
  source?: ImportSourceInfo | null | undefined;
  allowPartialRows?: boolean | undefined;
  kind?: ImportKind | undefined;
};

/**
 * Sets the mapping (and source, partial rows, kind) of an import not yet started. A mapping that
 * fails `ZImportMapping` (purchase files: `ZPurchaseMapping`) comes back as issues by path
 * (`mapping.3.target`).
 */
export async function setImportMapping(
  db: Executor,
  ctx: MutationContext,
  id: string,
  data: SetImportMappingData,
): Promise<Result<ImportRow, ImportFailure>> {
  return db.transaction(async (tx) => {
    const current = await lockImport(tx, ctx.workspaceId, id);
    if (!current) return fail(notFound('import', id));
    if (current.status !== 'uploaded') return fail(wrongStatus(id, current.status, 'change its mapping'));
    const kind = data.kind ?? current.kind;
    const issues: FieldIssue[] = [];
    let mapping: unknown[] = [];
    if (kind === 'clients') {
      const parsed = parseImportMapping(data.mapping);
      if (parsed.ok) mapping = parsed.value;
      else issues.push(...prefixIssues('mapping', parsed.error));
      if (parsed.ok && parsed.value.every((c) => c.target === null)) {
        issues.push(issue('mapping', 'mapping_empty', 'Map at least one column to a client field'));
      }
      if (parsed.ok) {
        const wide = parsed.value.find((c) => c.column >= Math.max(current.headers.length, 1));
        if (wide && current.headers.length > 0) {
          issues.push(
            issue(
              `mapping.${parsed.value.indexOf(wide)}.column`,
              'column_missing',
              `The file has no column ${wide.column + 1}`,
            ),
          );
        }
      }
    } else {
      const parsed = parsePurchaseMapping(data.mapping);
      if (parsed.ok) mapping = parsed.value;
      else issues.push(...prefixIssues('mapping', parsed.error));
    }
    let source = current.source;
    if (data.source !== undefined) {
      if (data.source === null) source = null;
      else {
        const parsed = ZImportSource.safeParse(data.source);
        if (parsed.success) source = parsed.data;
        else
          issues.push(
            ...parsed.error.issues.map((i) =>
              issue(['source', ...i.path.map(String)].join('.'), i.code, i.message),
            ),
          );
      }
    }
    if (issues.length > 0) return fail({ code: 'invalid', issues });
    const [row] = await tx
      .update(imports)
      .set({
        mapping,
        source,
        kind,
        ...(data.allowPartialRows !== undefined && { allowPartialRows: data.allowPartialRows }),
        // A dry run of another mapping no longer describes this one.
        dryRun: null,
        updatedAt: sql`now()`,
      })
      .where(eq(imports.id, id))
      .returning();
    return ok(row!);
  });
}

export const ZDuplicatePolicy = z
  .strictObject({
    matchBy: z.array(z.enum(['externalId', 'phone', 'email', 'fuzzy'])).max(4),
    action: z.enum(['skip', 'fill', 'overwrite', 'create']),
  })
  .superRefine((policy, ctx) => {
    if (new Set(policy.matchBy).size !== policy.matchBy.length) {
      ctx.addIssue({ code: 'custom', path: ['matchBy'], message: 'A match is listed twice' });
    }
    if (policy.action !== 'create' && policy.matchBy.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['matchBy'],
        message: 'Choose how rows are matched to existing clients (or the action "create")',
      });
    }
  });

/**
 * The duplicate policy a run of this kind is started with: a client import needs one (a missing or
 * bad one is refused by `duplicatePolicy`); a purchase import has none (its rows attach to
 * clients by external id), so one given is only checked, and not kept.
 */
function startPolicy(kind: ImportKind, policy: unknown): Result<ImportDuplicatePolicy | null, FieldIssue[]> {
  if (policy === undefined) {
    return kind === 'purchases'
      ? ok(null)
      : fail([
          issue(
            'duplicatePolicy',
            'duplicate_policy_required',
            'Choose how rows matching existing clients are handled (the duplicate policy)',
          ),
        ]);
  }
  const parsed = ZDuplicatePolicy.safeParse(policy);
  if (!parsed.success) {
    return fail(
      parsed.error.issues.map((i) =>
        issue(['duplicatePolicy', ...i.path.map(String)].join('.'), i.code, i.message),
      ),
    );
  }
  return ok(kind === 'purchases' ? null : parsed.data);
}

/**
 * Starts an uploaded import: checks the policy (client imports; `undefined` when none is given)
 * and the mapping, creates its batch (the source, or kind `import` named after the file), queues
 * it (`queued`) and writes the outbox row `import.run` the worker turns into a job — all in one
 * transaction.
 */
export async function startImport(
  db: Executor,
  ctx: MutationContext,
  id: string,
  policy?: unknown,
): Promise<Result<ImportRow, ImportFailure>> {
  return db.transaction(async (tx) => {
    const current = await lockImport(tx, ctx.workspaceId, id);
    if (!current) return fail(notFound('import', id));
    if (current.status !== 'uploaded') return fail(wrongStatus(id, current.status, 'start it'));
    const duplicatePolicy = startPolicy(current.kind, policy);
    if (!duplicatePolicy.ok) return fail({ code: 'invalid', issues: duplicatePolicy.error });
    if (current.kind === 'clients') {
      const mapping = parseImportMapping(current.mapping);
      if (!mapping.ok || mapping.value.every((c) => c.target === null)) {
        return fail({
          code: 'invalid',
          issues: [issue('mapping', 'mapping_empty', 'Map at least one column to a client field first')],
        });
      }
    } else if (!parsePurchaseMapping(current.mapping).ok) {
      return fail({
        code: 'invalid',
        issues: [
          issue(
            'mapping',
            'mapping_invalid',
            'Map the purchase columns first: the customer id, the date, and the price or the amount',
          ),
        ],
      });
    }
    const batchId = current.batchId ?? (await createImportBatch(tx, current));
    const [row] = await tx
      .update(imports)
      .set({
        duplicatePolicy: duplicatePolicy.value,
        batchId,
        status: 'queued',
        counts: EMPTY_IMPORT_COUNTS,
        checkpoint: null,
        bytesDone: 0,
        error: null,
        updatedAt: sql`now()`,
      })
      .where(eq(imports.id, id))
      .returning();
    await tx
      .insert(outbox)
      .values({ workspaceId: ctx.workspaceId, topic: IMPORT_RUN, payload: { importId: id } });
    await writeAudit(tx, ctx, {
      action: 'import.start',
      entity: 'import',
      entityId: id,
      after: {
        fileName: current.fileName,
        kind: current.kind,
        duplicatePolicy: duplicatePolicy.value,
        batchId,
      },
    });
    return ok(row!);
  });
}

async function createImportBatch(db: Executor, current: ImportRow): Promise<string> {
  const source = current.source;
  const [batch] = await db
    .insert(batches)
    .values({
      workspaceId: current.workspaceId,
      kind: source?.batchKind ?? 'import',
      name: source?.name ?? current.fileName,
      vendor: source?.vendor ?? null,
      costKopecks: source?.costKopecks ?? null,
      acquiredOn: source?.acquiredOn ?? null,
      meta: { importId: current.id, fileName: current.fileName },
    })
    .returning({ id: batches.id });
  return batch!.id;
}

/**
 * Asks for an import to be undone: `completed` (or `failed` part-way) → `undoing`, and the outbox
 * row `import.undo` for the worker. The undo itself is `runUndo` in the worker.
 */
export async function undoImport(
  db: Executor,
  ctx: MutationContext,
  id: string,
): Promise<Result<ImportRow, ImportFailure>> {
  return db.transaction(async (tx) => {
    const current = await lockImport(tx, ctx.workspaceId, id);
    if (!current) return fail(notFound('import', id));
    if (current.status !== 'completed' && current.status !== 'failed') {
      return fail(wrongStatus(id, current.status, 'undo it'));
    }
    const [row] = await tx
      .update(imports)
      .set({ status: 'undoing', undoReport: null, updatedAt: sql`now()` })
      .where(eq(imports.id, id))
      .returning();
    await tx
      .insert(outbox)
      .values({ workspaceId: ctx.workspaceId, topic: IMPORT_UNDO, payload: { importId: id } });
    await writeAudit(tx, ctx, { action: 'import.undo', entity: 'import', entityId: id });
    return ok(row!);
  });
}

async function lockImport(db: Executor, workspaceId: string, id: string): Promise<ImportRow | null> {
  if (!isUuid(id)) return null;
  const [row] = await db
    .select()
    .from(imports)
    .where(and(eq(imports.workspaceId, workspaceId), eq(imports.id, id)))
    .for('update');
  return row ?? null;
}

function wrongStatus(id: string, status: ImportStatus, what: string): DbFailure {
  return {
    code: 'conflict',
    field: 'status',
    message: `The import ${id} is ${status}: too late to ${what}`,
  };
}

const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

export type SaveImportMappingData = { name: string; headers: string[]; mapping: unknown; kind?: ImportKind };

/** Saves (or replaces, by name) a mapping for the next file of the same shape. */
export async function saveImportMapping(
  db: Executor,
  ctx: MutationContext,
  data: SaveImportMappingData,
): Promise<Result<ImportMappingRow, ImportFailure>> {
  const issues: FieldIssue[] = [];
  const name = data.name.trim();
  if (name === '' || name.length > 200)
    issues.push(issue('name', 'name_invalid', 'Name the mapping (1–200 characters)'));
  const kind = data.kind ?? 'clients';
  let mapping: unknown[] = [];
  if (kind === 'clients') {
    const parsed = parseImportMapping(data.mapping);
    if (parsed.ok) mapping = parsed.value;
    else issues.push(...prefixIssues('mapping', parsed.error));
  } else if (Array.isArray(data.mapping)) mapping = data.mapping;
  else issues.push(issue('mapping', 'invalid_type', 'The mapping must be a list of columns'));
  if (issues.length > 0) return fail({ code: 'invalid', issues });
  const [row] = await db
    .insert(importMappings)
    .values({
      workspaceId: ctx.workspaceId,
      kind,
      name,
      headers: data.headers,
      mapping,
      createdBy: ctx.actor.kind === 'user' ? ctx.actor.id : null,
    })
    .onConflictDoUpdate({
      target: [importMappings.workspaceId, importMappings.name],
      set: { headers: data.headers, mapping, kind, updatedAt: sql`now()` },
    })
    .returning();
  return ok(row!);
}

export async function listImportMappings(db: Executor, workspaceId: string): Promise<ImportMappingRow[]> {
  return db
    .select()
    .from(importMappings)
    .where(eq(importMappings.workspaceId, workspaceId))
    .orderBy(asc(importMappings.name), asc(importMappings.id));
}

export type ImportProgress = {
  rowsDone: number;
  totalRows: number | null;
  bytesDone: number;
  fileSize: number;
  /** 0…1: by rows when the total is known, else by bytes read. */
  fraction: number;
  rowsPerSecond: number | null;
  etaSeconds: number | null;
};

/** Progress of a run as the web app and the CLI show it. Pure: `now` comes in. */
export function importProgress(
  row: Pick<
    ImportRow,
    'counts' | 'totalRows' | 'bytesDone' | 'fileSize' | 'startedAt' | 'finishedAt' | 'status'
  >,
  now: Date,
): ImportProgress {
  const rowsDone = row.counts.rowsDone;
  const done = row.status === 'completed' || row.status === 'undone' || row.status === 'undoing';
  let fraction = done
    ? 1
    : row.totalRows
      ? rowsDone / row.totalRows
      : row.fileSize > 0
        ? row.bytesDone / row.fileSize
        : 0;
  fraction = Math.min(Math.max(fraction, 0), 1);
  const end = row.finishedAt ?? now;
  const seconds = row.startedAt ? (end.getTime() - row.startedAt.getTime()) / 1000 : 0;
  const rowsPerSecond = seconds > 0 && rowsDone > 0 ? rowsDone / seconds : null;
  let etaSeconds: number | null = null;
  if (done) etaSeconds = 0;
  else if (rowsPerSecond && row.totalRows) etaSeconds = Math.max(row.totalRows - rowsDone, 0) / rowsPerSecond;
  else if (seconds > 0 && fraction > 0) etaSeconds = (seconds * (1 - fraction)) / fraction;
  return {
    rowsDone,
    totalRows: row.totalRows,
    bytesDone: row.bytesDone,
    fileSize: row.fileSize,
    fraction,
    rowsPerSecond,
    etaSeconds: etaSeconds === null ? null : Math.round(etaSeconds),
  };
}

/** How many error rows the run (or the dry run) reported. */
export async function countImportErrors(db: Executor, importId: string, options: { dryRun?: boolean } = {}) {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(importErrors)
    .where(and(eq(importErrors.importId, importId), eq(importErrors.dryRun, options.dryRun ?? false)));
  return Number(row?.n ?? 0);
}

/** Every error row of the run (or the dry run) in file order, in keyset pages: for the CSV report. */
export async function* iterateImportErrors(
  db: Executor,
  importId: string,
  options: { dryRun?: boolean; pageSize?: number } = {},
): AsyncGenerator<ImportErrorRow> {
  const pageSize = options.pageSize ?? 1000;
  let after: { row: number; id: number } | null = null;
  for (;;) {
    const page: ImportErrorRow[] = await db
      .select()
      .from(importErrors)
      .where(
        and(
          eq(importErrors.importId, importId),
          eq(importErrors.dryRun, options.dryRun ?? false),
          after
            ? or(
                gt(importErrors.row, after.row),
                and(eq(importErrors.row, after.row), gt(importErrors.id, after.id)),
              )
            : undefined,
        ),
      )
      .orderBy(asc(importErrors.row), asc(importErrors.id))
      .limit(pageSize);
    yield* page;
    const last = page.at(-1);
    if (!last || page.length < pageSize) return;
    after = { row: last.row, id: last.id };
  }
}

export type {
  DuplicateAction,
  DuplicateMatchBy,
  ImportCheckpoint,
  ImportCounts,
  ImportDuplicatePolicy,
  ImportFileInfo,
  ImportKind,
  ImportSourceInfo,
  ImportStatus,
} from '../schema/imports.ts';
