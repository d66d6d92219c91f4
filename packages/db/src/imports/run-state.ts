import { randomUUID } from 'node:crypto';
import { type ImportColumn, parseImportMapping, type SourceChannel } from '@cb/domain';
import { sql } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { enqueueDuplicateScan } from '../duplicates/outbox.ts';
import { writeAudit } from '../queries/audit.ts';
import { loadCustomFieldDefinitions } from '../queries/custom-fields.ts';
import { enqueueWorkspaceRecompute } from '../queries/outbox.ts';
import { queryRows } from '../raw.ts';
import type { ImportCheckpoint, ImportCounts } from '../schema/imports.ts';
import type { ClientChunkContext } from './apply.ts';
import { getImportById, type ImportRow } from './records.ts';

/** Thrown inside a chunk's transaction when another run holds the import: rolls the chunk back. */
export class ImportFencedError extends Error {
  constructor(importId: string) {
    super(`Import ${importId} is being run by another worker`);
    this.name = 'ImportFencedError';
  }
}

/** Up to this many rows an import recomputes its clients one by one; above, the whole workspace once. */
export const RECOMPUTE_PER_CLIENT_MAX_ROWS = 20_000;

export type ClaimOptions = {
  /** A `running` import whose heartbeat is older than this is taken over. */
  stallSeconds?: number;
  /** Take it whatever its heartbeat (the CLI, run by an operator). */
  force?: boolean;
};

/**
 * Claims an import for this run with a new run token: `queued`, or `running` with a stale
 * heartbeat (its worker died), or `force`. Null when another run holds it or it is finished.
 */
export async function claimImport(
  db: Executor,
  importId: string,
  options: ClaimOptions = {},
): Promise<{ row: ImportRow; runToken: string } | null> {
  const runToken = randomUUID();
  const stall = options.stallSeconds ?? 30;
  const rows = await queryRows<{ id: string }>(
    db,
    sql`update imports set run_token = ${runToken}::uuid, status = 'running', heartbeat_at = now(),
          started_at = coalesce(started_at, now()), updated_at = now()
        where id = ${importId}::uuid and (
          status = 'queued'
          or (status = 'running' and (heartbeat_at is null
              or heartbeat_at < now() - make_interval(secs => ${stall})))
          or (${options.force ?? false} and status = 'running'))
        returning id`,
  );
  if (rows.length === 0) return null;
  const row = await getImportById(db, importId);
  return row ? { row, runToken } : null;
}

export type ChunkProgress = {
  counts: {
    rows: number;
    created: number;
    updated: number;
    duplicates: number;
    invalid: number;
    /** Purchases the chunk added: given by purchase runs only, whose counts then always hold it. */
    purchases?: number;
  };
  checkpoint: ImportCheckpoint;
  bytesDone: number;
};

/**
 * Adds a chunk's counts and moves the checkpoint, fenced by the run token. Call it first in the
 * chunk's transaction: it locks the import row, and throws `ImportFencedError` (rolling the chunk
 * back) when another run took the import over.
 */
export async function commitImportChunk(
  db: Executor,
  importId: string,
  runToken: string,
  progress: ChunkProgress,
): Promise<ImportCounts> {
  const c = progress.counts;
  // Counts stored before purchases were counted have no `purchases`: they start from 0.
  const purchases =
    c.purchases === undefined
      ? sql``
      : sql`, 'purchases', coalesce((counts->>'purchases')::int, 0) + ${c.purchases}::int`;
  const rows = await queryRows<{ counts: ImportCounts }>(
    db,
    sql`update imports set
          counts = jsonb_build_object(
            'rowsDone', (counts->>'rowsDone')::int + ${c.rows}::int,
            'created', (counts->>'created')::int + ${c.created}::int,
            'updated', (counts->>'updated')::int + ${c.updated}::int,
            'duplicates', (counts->>'duplicates')::int + ${c.duplicates}::int,
            'invalid', (counts->>'invalid')::int + ${c.invalid}::int${purchases}),
          checkpoint = ${JSON.stringify(progress.checkpoint)}::jsonb,
          bytes_done = greatest(bytes_done, ${progress.bytesDone}::bigint),
          heartbeat_at = now(), updated_at = now()
        where id = ${importId}::uuid and run_token = ${runToken}::uuid and status = 'running'
        returning counts`,
  );
  if (rows.length === 0) throw new ImportFencedError(importId);
  return rows[0]!.counts;
}

/**
 * An import's counts as shown: `purchases` is 0 where it was never counted (client imports,
 * counts stored before purchases were).
 */
export function importCounts(counts: ImportCounts): Required<ImportCounts> {
  return { ...counts, purchases: counts.purchases ?? 0 };
}

/**
 * Opens a chunk's transaction: fences it by the run token (false: another run took the import
 * over) and lets its commit return before the WAL reaches the disk. That is safe here and only
 * here: the chunk's rows and the checkpoint past them commit together, so a crash of the database
 * can lose at most the last chunks whole, checkpoint included, and the run that takes over reads
 * them again: no row lost, none doubled. It saves a disk flush per chunk.
 */
export async function openImportChunk(db: Executor, importId: string, runToken: string): Promise<boolean> {
  await db.execute(sql`set local synchronous_commit = off`);
  return heartbeatImport(db, importId, runToken);
}

/** Keeps the claim alive while a chunk is slow (a big XLSX sheet being spooled). False: lost it. */
export async function heartbeatImport(db: Executor, importId: string, runToken: string): Promise<boolean> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`update imports set heartbeat_at = now()
        where id = ${importId}::uuid and run_token = ${runToken}::uuid and status = 'running' returning id`,
  );
  return rows.length > 0;
}

/**
 * Marks the run completed (fenced): total rows, finish time, one audit row `import.completed`
 * with the counts, and for a big import one workspace recompute (small ones are recomputed per chunk).
 */
export async function completeImport(
  db: Executor,
  importId: string,
  runToken: string,
  options: { recomputeWorkspace?: boolean } = {},
): Promise<ImportRow | null> {
  return db.transaction(async (tx) => {
    const rows = await queryRows<{ id: string }>(
      tx,
      sql`update imports set status = 'completed', total_rows = (counts->>'rowsDone')::int, finished_at = now(),
            run_token = null, heartbeat_at = null, bytes_done = file_size, updated_at = now()
          where id = ${importId}::uuid and run_token = ${runToken}::uuid and status = 'running'
          returning id`,
    );
    if (rows.length === 0) return null;
    const row = (await getImportById(tx, importId))!;
    const big = (row.totalRows ?? 0) > RECOMPUTE_PER_CLIENT_MAX_ROWS;
    if (options.recomputeWorkspace ?? big) {
      await enqueueWorkspaceRecompute(tx, row.workspaceId);
      // A client import too big to check its clients chunk by chunk is checked for duplicates by
      // one scan of the workspace, once, at its end (a purchase import checks the clients it names
      // as it creates them).
      const changed = importCounts(row.counts);
      if (row.kind === 'clients' && changed.created + changed.updated > 0) {
        await enqueueDuplicateScan(tx, row.workspaceId);
      }
    }
    await writeAudit(
      tx,
      {
        workspaceId: row.workspaceId,
        actor: row.createdBy ? { kind: 'user', id: row.createdBy } : { kind: 'system', id: null },
      },
      {
        action: 'import.completed',
        entity: 'import',
        entityId: importId,
        after: { fileName: row.fileName, batchId: row.batchId, counts: row.counts },
      },
    );
    return row;
  });
}

/** Stops the run for good with a reason the user can read (an unreadable file). Fenced. */
export async function failImport(
  db: Executor,
  importId: string,
  runToken: string,
  error: { code: string; message: string },
): Promise<void> {
  await db.execute(
    sql`update imports set status = 'failed', error = ${JSON.stringify(error)}::jsonb, finished_at = now(),
          run_token = null, heartbeat_at = null, updated_at = now()
        where id = ${importId}::uuid and run_token = ${runToken}::uuid`,
  );
}

/** Everything the planner needs about an import and its workspace. */
export async function loadClientChunkContext(
  db: Executor,
  row: ImportRow,
  now: Date,
): Promise<ClientChunkContext> {
  const [ws] = await queryRows<{ region: string | null; unique_phones: boolean | null }>(
    db,
    sql`select settings->>'defaultRegion' as region, (settings->>'uniquePhones')::boolean as unique_phones
        from workspaces where id = ${row.workspaceId}::uuid`,
  );
  const mapping = parseImportMapping(row.mapping);
  const channel: SourceChannel = row.source?.batchKind === 'purchased_list' ? 'purchased_list' : 'import';
  return {
    workspaceId: row.workspaceId,
    importId: row.id,
    batchId: row.batchId,
    sourceChannel: channel,
    ownerId: row.createdBy,
    mapping: mapping.ok ? mapping.value : ([] as ImportColumn[]),
    policy: row.duplicatePolicy ?? { matchBy: ['externalId', 'phone', 'email'], action: 'skip' },
    allowPartialRows: row.allowPartialRows,
    uniquePhones: ws?.unique_phones === true,
    normalize: {
      defaultRegion: ws?.region ?? 'RU',
      customFields: await loadCustomFieldDefinitions(db, row.workspaceId),
      now,
    },
  };
}

/** Recompute asks for the clients a chunk touched: one outbox row each, set-based. */
export async function enqueueChunkRecompute(
  db: Executor,
  workspaceId: string,
  clientIds: string[],
): Promise<void> {
  if (clientIds.length === 0) return;
  await db.execute(sql`
    insert into outbox (workspace_id, topic, payload)
    select ${workspaceId}::uuid, 'client.recompute', jsonb_build_object('clientId', id)
    from unnest(${sql.param(clientIds)}::uuid[]) as id`);
}

/** Stores the dry run's result and replaces its error rows. */
export async function storeDryRun(
  db: Executor,
  importId: string,
  result: Record<string, unknown>,
): Promise<void> {
  await db.execute(
    sql`update imports set dry_run = ${JSON.stringify(result)}::jsonb, updated_at = now() where id = ${importId}::uuid`,
  );
}

export async function clearDryRunErrors(db: Executor, importId: string): Promise<void> {
  await db.execute(sql`delete from import_errors where import_id = ${importId}::uuid and dry_run`);
}

/** Imports whose run stalled (`running`, heartbeat older than `stallSeconds`) or `queued` ones. */
export async function listImportsToRun(
  db: Executor,
  stallSeconds: number,
): Promise<{ id: string; workspaceId: string; status: string }[]> {
  return queryRows(
    db,
    sql`select id::text as id, workspace_id::text as "workspaceId", status from imports
        where (status = 'running' and (heartbeat_at is null or heartbeat_at < now() - make_interval(secs => ${stallSeconds})))
           or status in ('queued', 'undoing')
        order by created_at
        limit 100`,
  );
}
