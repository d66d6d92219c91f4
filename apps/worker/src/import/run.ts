import {
  applyPurchaseChunk,
  type ChunkProgress,
  type ClientChunkContext,
  claimImport,
  clearDryRunErrors,
  commitImportChunk,
  completeImport,
  convertClientRows,
  type DatabaseHandle,
  enqueueChunkRecompute,
  enqueueDuplicateCheck,
  FileIndex,
  failImport,
  getImport,
  getImportById,
  heartbeatImport,
  type ImportDuplicatePolicy,
  type ImportFailure,
  ImportFencedError,
  type ImportRow,
  loadClientChunkContext,
  newPurchasePlanState,
  openImportChunk,
  type PlannedRow,
  type PurchasePlanCounts,
  type PurchasePlannedRow,
  planClientChunk,
  planErrors,
  planPurchaseChunk,
  RECOMPUTE_PER_CLIENT_MAX_ROWS,
  storeDryRun,
  writeClientChunk,
  writeImportErrors,
  ZDuplicatePolicy,
} from '@cb/db';
import { type ImportIssue, parsePurchaseMapping, prefixIssues } from '@cb/domain';
import { ConversionThread } from './converter.ts';
import { ImportReadError } from './errors.ts';
import { chunked, openRowSource, type SourceRow } from './plan.ts';
import { spoolImportFile } from './spool.ts';

/** Rows per chunk: one transaction each (rows, checkpoint and counts together). */
export const DEFAULT_CHUNK_ROWS = 2_000;
/** A run whose heartbeat is older than this is presumed dead and may be taken over. */
export const DEFAULT_STALL_SECONDS = 30;
const HEARTBEAT_MS = 5_000;

export type RunImportOptions = {
  /** Stops the run between chunks (the checkpoint of the last chunk is committed). */
  signal?: AbortSignal;
  /** Called after each committed chunk with the import as stored. */
  onProgress?: (row: ImportRow) => void;
  chunkRows?: number;
  /** Where the file is spooled (default: the OS temp folder). */
  tempDir?: string;
  /** Take the import whatever its heartbeat (an operator's CLI run). */
  force?: boolean;
  stallSeconds?: number;
  /** The clock the row normalization reads (birthdays in the future). */
  now?: () => Date;
  /**
   * Client files from this size on are converted on a second thread (`ConversionThread`); smaller
   * ones on this one, where starting a thread would cost more than it saves. Default 2 MB (about
   * 20,000 rows).
   */
  conversionThreadMinBytes?: number;
};

export const CONVERSION_THREAD_MIN_BYTES = 2 * 1024 * 1024;

export type RunImportOutcome = {
  status: 'completed' | 'stopped' | 'failed' | 'not_claimed' | 'taken_over';
  import: ImportRow | null;
};

/**
 * Runs (or resumes) an import: claims it with a new run token, spools the file, reads from the
 * checkpoint and writes chunk after chunk — each chunk's rows, counts and checkpoint in one
 * transaction fenced by the token, so a killed run loses no row and doubles none, and a run that
 * was taken over stops at its next chunk. An unreadable file fails the import with a reason; a
 * database error is thrown (the job retries, and the stall sweep takes the import over).
 */
export async function runImport(
  database: DatabaseHandle,
  importId: string,
  options: RunImportOptions = {},
): Promise<RunImportOutcome> {
  const db = database.db;
  const claim = await claimImport(db, importId, {
    stallSeconds: options.stallSeconds ?? DEFAULT_STALL_SECONDS,
    force: options.force ?? false,
  });
  if (!claim) return { status: 'not_claimed', import: await getImportById(db, importId) };
  const { runToken } = claim;
  const row = claim.row;
  const now = options.now ?? (() => new Date());
  let lost = false;
  let applier: ChunkApplier | null = null;
  const heartbeat = setInterval(() => {
    heartbeatImport(db, importId, runToken).then(
      (alive) => {
        if (!alive) lost = true;
      },
      () => undefined,
    );
  }, HEARTBEAT_MS);
  try {
    const path = await spoolImportFile(db, importId, options.tempDir);
    const source = await openRowSource(
      path,
      { format: row.file.format, sheet: row.file.sheet },
      row.checkpoint,
    );
    const chunkWriter = await chunkApplier(database, row, now(), {
      thread: row.fileSize >= (options.conversionThreadMinBytes ?? CONVERSION_THREAD_MIN_BYTES),
    });
    applier = chunkWriter;
    const chunks = readAhead(
      chunked(source.rows, options.chunkRows ?? DEFAULT_CHUNK_ROWS),
      chunkWriter.prepare,
    );
    for await (const { chunk, prepared } of chunks) {
      if (options.signal?.aborted || lost) break;
      const last = chunk.at(-1)!;
      await db.transaction(async (tx) => {
        if (!(await openImportChunk(tx, importId, runToken))) throw new ImportFencedError(importId);
        const counts = await chunkWriter.apply(tx, chunk, prepared);
        await commitImportChunk(tx, importId, runToken, {
          counts,
          checkpoint: last.checkpoint,
          bytesDone: last.bytesDone,
        });
      });
      if (options.onProgress) options.onProgress((await getImportById(db, importId))!);
    }
    if (options.signal?.aborted || lost) {
      return { status: lost ? 'taken_over' : 'stopped', import: await getImportById(db, importId) };
    }
    const done = await completeImport(db, importId, runToken, {
      recomputeWorkspace: !recomputesPerChunk(row),
    });
    if (!done) return { status: 'taken_over', import: await getImportById(db, importId) };
    options.onProgress?.(done);
    return { status: 'completed', import: done };
  } catch (error) {
    if (error instanceof ImportFencedError)
      return { status: 'taken_over', import: await getImportById(db, importId) };
    if (error instanceof ImportReadError) {
      await failImport(db, importId, runToken, { code: error.code, message: error.message });
      return { status: 'failed', import: await getImportById(db, importId) };
    }
    throw error;
  } finally {
    clearInterval(heartbeat);
    await applier?.close();
  }
}

/** Small imports recompute their clients chunk by chunk; big ones the whole workspace once at the end. */
const recomputesPerChunk = (row: ImportRow) =>
  row.totalRows !== null && row.totalRows <= RECOMPUTE_PER_CLIENT_MAX_ROWS;

type Tx = Parameters<Parameters<DatabaseHandle['db']['transaction']>[0]>[0];
/**
 * `prepare` is the chunk's work that needs no database (converting rows), done for the next chunk
 * while the current one is written; `apply` writes a chunk in its transaction.
 */
type ChunkApplier = {
  prepare: (rows: SourceRow[]) => unknown;
  apply: (tx: Tx, rows: SourceRow[], prepared: unknown) => Promise<ChunkProgress['counts']>;
  /** Ends what the applier started (the conversion thread). */
  close: () => Promise<void>;
};

/**
 * The chunks with `prepare` applied, one chunk read and prepared ahead: while the caller waits on
 * the database for the current chunk, this process reads and converts the next one. On an early
 * exit the read in flight settles before the source is closed; a read error surfaces when the
 * chunk it belongs to is reached (after the chunks before it are written).
 */
export async function* readAhead<T, P>(
  chunks: AsyncIterable<T>,
  prepare: (chunk: T) => P,
): AsyncGenerator<{ chunk: T; prepared: P }> {
  const iterator = chunks[Symbol.asyncIterator]();
  const pull = async () => {
    const next = await iterator.next();
    return next.done ? null : { chunk: next.value, prepared: prepare(next.value) };
  };
  let ahead = pull();
  // Handled here so a read that fails while the current chunk is written is not an unhandled rejection.
  ahead.catch(() => undefined);
  let finished = false;
  try {
    while (true) {
      const current = await ahead;
      if (!current) {
        finished = true;
        return;
      }
      ahead = pull();
      ahead.catch(() => undefined);
      yield current;
    }
  } finally {
    if (!finished) {
      await ahead.catch(() => undefined);
      await iterator.return?.();
    }
  }
}

/** Rows converted between two turns of the event loop. */
const CONVERT_SLICE_ROWS = 200;

/**
 * `convertClientRows` a slice at a time, yielding to the event loop in between. Converting a chunk
 * costs a few hundred milliseconds of CPU; in one piece it would hold up the replies to the chunk
 * being written, and the database would wait on this process instead of working beside it.
 */
async function convertInSlices(
  ctx: ClientChunkContext,
  rows: readonly SourceRow[],
): Promise<ReturnType<typeof convertClientRows>> {
  const out: ReturnType<typeof convertClientRows> = [];
  for (let i = 0; i < rows.length; i += CONVERT_SLICE_ROWS) {
    if (i > 0) await new Promise((resolve) => setImmediate(resolve));
    out.push(...convertClientRows(ctx, rows.slice(i, i + CONVERT_SLICE_ROWS)));
  }
  return out;
}

/** The writer of one chunk for the import's kind: clients, or purchases (helper E's `applyPurchaseChunk`). */
async function chunkApplier(
  database: DatabaseHandle,
  row: ImportRow,
  now: Date,
  options: { thread: boolean },
): Promise<ChunkApplier> {
  switch (row.kind) {
    case 'clients': {
      const ctx = await loadClientChunkContext(database.db, row, now);
      const perChunk = recomputesPerChunk(row);
      const thread = options.thread ? new ConversionThread(ctx) : null;
      return {
        close: async () => {
          await thread?.close();
        },
        prepare: (rows) => {
          const converted = thread ? thread.convert(rows) : convertInSlices(ctx, rows);
          // Awaited by `apply`; handled here too so a failure while another chunk is written is not unhandled.
          converted.catch(() => undefined);
          return converted;
        },
        apply: async (tx, rows, prepared) => {
          const plan = await planClientChunk(
            tx,
            ctx,
            rows,
            new FileIndex(),
            await (prepared as ReturnType<typeof convertInSlices>),
          );
          const touched = await writeClientChunk(tx, ctx, plan);
          if (perChunk) {
            await enqueueChunkRecompute(tx, ctx.workspaceId, touched);
            for (let i = 0; i < touched.length; i += 500) {
              await enqueueDuplicateCheck(tx, ctx.workspaceId, touched.slice(i, i + 500));
            }
          }
          return plan.counts;
        },
      };
    }
    case 'purchases': {
      const mapping = parsePurchaseMapping(row.mapping);
      if (!mapping.ok) {
        throw new ImportReadError({
          code: 'read_failed',
          message: `The purchase mapping is not valid: ${mapping.error.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
        });
      }
      return {
        close: async () => {},
        prepare: () => null,
        apply: async (tx, rows) => {
          const result = await applyPurchaseChunk(
            tx,
            {
              workspaceId: row.workspaceId,
              importId: row.id,
              batchId: row.batchId,
              now,
              currency: row.source?.currency ?? undefined,
              // A big import recomputes the whole workspace at the end instead.
              recompute: recomputesPerChunk(row),
            },
            rows.map((r) => ({ rowNumber: r.rowNumber, cells: r.cells })),
            mapping.value,
          );
          await writeImportErrors(
            tx,
            row.id,
            result.issues.map((i) => ({ ...i, rowImported: false })),
            false,
          );
          return {
            rows: result.rows,
            created: result.createdClients,
            updated: 0,
            duplicates: 0,
            invalid: result.invalid + result.returns,
            // New purchases only: an invoice continued from the chunk before was counted there.
            purchases: result.purchasesCreated,
          };
        },
      };
    }
  }
}

export type DryRunPreviewRow = Pick<
  PlannedRow,
  'row' | 'action' | 'client' | 'matchedClient' | 'matchedBy' | 'issues'
>;

/** What a dry run of either kind says about the part of the file it checked. */
type DryRunBase = {
  rowsChecked: number;
  totalRows: number | null;
  /** True when every row of the file was checked. */
  complete: boolean;
  errorCount: number;
  checkedAt: string;
};

export type ClientDryRunResult = DryRunBase & {
  kind: 'clients';
  counts: { create: number; update: number; duplicate: number; invalid: number; partial: number };
  preview: DryRunPreviewRow[];
  duplicatePolicy: ImportDuplicatePolicy;
};

export type PurchaseDryRunResult = DryRunBase & {
  kind: 'purchases';
  counts: Omit<PurchasePlanCounts, 'rows'>;
  preview: PurchasePlannedRow[];
};

/** By the import's `kind`. A result stored before purchase dry runs existed has no `kind`: clients. */
export type DryRunResult = ClientDryRunResult | PurchaseDryRunResult;

/** A dry run or a run refused for a reason the caller shows (not found, bad policy). */
export class ImportRefusedError extends Error {
  constructor(readonly failure: ImportFailure) {
    super('message' in failure ? failure.message : failure.code);
    this.name = 'ImportRefusedError';
  }
}

export const DEFAULT_DRY_RUN_POLICY: ImportDuplicatePolicy = {
  matchBy: ['externalId', 'phone', 'email'],
  action: 'skip',
};

export type DryRunOptions = {
  limit?: number;
  previewRows?: number;
  /** Client files only: the policy to check with (default: the import's, else the default one). */
  duplicatePolicy?: unknown;
  tempDir?: string;
  now?: () => Date;
};

/**
 * What the import would do with the first `limit` rows, by the same planner as the run, writing
 * nothing but its own report: the `dry_run` error rows (replaced) and the result in
 * `imports.dry_run`. Rows matched within the file (clients; invoices and new clients of purchase
 * files) are found across the whole checked part.
 * Throws `ImportRefusedError` (not found, bad policy or mapping) and `ImportReadError` (unreadable file).
 */
export async function dryRunImport(
  database: DatabaseHandle,
  workspaceId: string,
  importId: string,
  options: DryRunOptions = {},
): Promise<DryRunResult> {
  const row = await getImport(database.db, workspaceId, importId);
  if (!row) throw new ImportRefusedError({ code: 'not_found', entity: 'import', id: importId });
  switch (row.kind) {
    case 'clients':
      return dryRunClients(database, row, options);
    case 'purchases':
      return dryRunPurchases(database, row, options);
    default: {
      const never: never = row.kind;
      throw new Error(`Unknown import kind ${String(never)}`);
    }
  }
}

/** The first `limit` rows of the import's file, and whether that was all of them. */
async function checkedRows(database: DatabaseHandle, row: ImportRow, limit: number, tempDir?: string) {
  const path = await spoolImportFile(database.db, row.id, tempDir);
  const source = await openRowSource(path, { format: row.file.format, sheet: row.file.sheet }, null);
  const state = { rowsChecked: 0, complete: true };
  const rows = async function* () {
    for await (const r of source.rows) {
      if (state.rowsChecked >= limit) {
        state.complete = false;
        return;
      }
      state.rowsChecked++;
      yield r;
    }
  };
  return { chunks: chunked(rows(), DEFAULT_CHUNK_ROWS), state };
}

/** Replaces the dry run's error rows and stores its result, in one transaction. */
async function storeDryRunReport(
  database: DatabaseHandle,
  importId: string,
  errors: (ImportIssue & { rowImported: boolean })[],
  result: DryRunResult,
): Promise<void> {
  await database.db.transaction(async (tx) => {
    await clearDryRunErrors(tx, importId);
    await writeImportErrors(tx, importId, errors, true);
    await storeDryRun(tx, importId, result);
  });
}

async function dryRunClients(
  database: DatabaseHandle,
  row: ImportRow,
  options: DryRunOptions,
): Promise<ClientDryRunResult> {
  const db = database.db;
  const policyInput = options.duplicatePolicy ?? row.duplicatePolicy ?? DEFAULT_DRY_RUN_POLICY;
  const policy = ZDuplicatePolicy.safeParse(policyInput);
  if (!policy.success) {
    throw new ImportRefusedError({
      code: 'invalid',
      issues: policy.error.issues.map((i) => ({
        field: ['duplicatePolicy', ...i.path.map(String)].join('.'),
        code: i.code,
        message: i.message,
      })),
    });
  }
  const previewRows = options.previewRows ?? 50;
  const ctx: ClientChunkContext = {
    ...(await loadClientChunkContext(db, row, (options.now ?? (() => new Date()))())),
    policy: policy.data,
  };
  const { chunks, state } = await checkedRows(database, row, options.limit ?? 10_000, options.tempDir);
  const file = new FileIndex();
  const counts = { create: 0, update: 0, duplicate: 0, invalid: 0, partial: 0 };
  const preview: DryRunPreviewRow[] = [];
  const errors: ReturnType<typeof planErrors> = [];
  for await (const chunk of chunks) {
    const plan = await planClientChunk(db, ctx, chunk, file);
    counts.create += plan.counts.created;
    counts.update += plan.counts.updated;
    counts.duplicate += plan.counts.duplicates;
    counts.invalid += plan.counts.invalid;
    counts.partial += plan.counts.partial;
    for (const p of plan.rows) {
      if (preview.length >= previewRows) break;
      preview.push({
        row: p.row,
        action: p.action,
        client: p.client ? structuredClone(p.client) : null,
        matchedClient: p.matchedClient,
        matchedBy: p.matchedBy,
        issues: p.issues,
      });
    }
    errors.push(...planErrors(plan));
  }
  const result: ClientDryRunResult = {
    kind: 'clients',
    rowsChecked: state.rowsChecked,
    totalRows: state.complete ? state.rowsChecked : row.totalRows,
    complete: state.complete,
    counts,
    preview,
    errorCount: errors.length,
    duplicatePolicy: policy.data,
    checkedAt: new Date().toISOString(),
  };
  await storeDryRunReport(database, row.id, errors, result);
  return result;
}

/**
 * The dry run of a purchase file: the purchases, lines and clients the run would write (by
 * `planPurchaseChunk`, which the run's `applyPurchaseChunk` agrees with), the rows it would reject
 * and the returns it would skip, each with its error row, as the run reports them.
 */
async function dryRunPurchases(
  database: DatabaseHandle,
  row: ImportRow,
  options: DryRunOptions,
): Promise<PurchaseDryRunResult> {
  const mapping = parsePurchaseMapping(row.mapping);
  if (!mapping.ok) {
    throw new ImportRefusedError({ code: 'invalid', issues: prefixIssues('mapping', mapping.error) });
  }
  const previewRows = options.previewRows ?? 50;
  const ctx = { workspaceId: row.workspaceId, currency: row.source?.currency ?? undefined };
  const { chunks, state } = await checkedRows(database, row, options.limit ?? 10_000, options.tempDir);
  const plan = newPurchasePlanState();
  const counts: PurchaseDryRunResult['counts'] = {
    purchases: 0,
    lines: 0,
    newClients: 0,
    existingClients: 0,
    invalid: 0,
    returns: 0,
  };
  const preview: PurchasePlannedRow[] = [];
  const errors: (ImportIssue & { rowImported: boolean })[] = [];
  for await (const chunk of chunks) {
    const planned = await planPurchaseChunk(
      database.db,
      ctx,
      chunk.map((r) => ({ rowNumber: r.rowNumber, cells: r.cells })),
      mapping.value,
      plan,
    );
    for (const key of Object.keys(counts) as (keyof typeof counts)[]) counts[key] += planned.counts[key];
    for (const p of planned.rows) {
      if (preview.length >= previewRows) break;
      preview.push(p);
    }
    errors.push(...planned.issues.map((i) => ({ ...i, rowImported: false })));
  }
  const result: PurchaseDryRunResult = {
    kind: 'purchases',
    rowsChecked: state.rowsChecked,
    totalRows: state.complete ? state.rowsChecked : row.totalRows,
    complete: state.complete,
    counts,
    preview,
    errorCount: errors.length,
    checkedAt: new Date().toISOString(),
  };
  await storeDryRunReport(database, row.id, errors, result);
  return result;
}
