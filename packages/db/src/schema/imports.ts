import type { BatchKind } from '@cb/domain';
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { batches } from './batches.ts';
import { clients } from './clients.ts';
import { createdAt, id, tstz, updatedAt, workspaceId } from './columns.ts';
import { users } from './users.ts';

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

export type ImportKind = 'clients' | 'purchases';
export type ImportStatus =
  /** Uploaded and read: format, headers and a suggested mapping are known. */
  | 'uploaded'
  /** Waiting for a worker. */
  | 'queued'
  | 'running'
  | 'completed'
  /** Stopped for good (unreadable file past the first rows, a bug): `error` says why. */
  | 'failed'
  | 'undoing'
  | 'undone';

/** What the file is, as detected at upload (`@cb/worker` import/detect). */
export type ImportFileInfo = {
  format: 'csv' | 'xlsx';
  encoding: string | null;
  delimiter: string | null;
  sheet: string | null;
  sheets: string[];
};

/** Where a run stopped: the next row to read. CSV: a byte offset; XLSX: the last row done. */
export type ImportCheckpoint = { byteOffset: number; rowNumber: number; line: number } | { afterRow: number };

export type ImportSourceInfo = {
  batchKind: BatchKind;
  name: string;
  vendor?: string | null;
  costKopecks?: number | null;
  acquiredOn?: string | null;
  /** Purchase files: currency of amounts without a currency column (ISO 4217). */
  currency?: string | null;
};

export type DuplicateMatchBy = 'externalId' | 'phone' | 'email' | 'fuzzy';
export type DuplicateAction = 'skip' | 'fill' | 'overwrite' | 'create';
export type ImportDuplicatePolicy = { matchBy: DuplicateMatchBy[]; action: DuplicateAction };

export type ImportCounts = {
  rowsDone: number;
  created: number;
  updated: number;
  /** Rows matched to an existing client (or an earlier row) and skipped by the policy. */
  duplicates: number;
  invalid: number;
  /**
   * Purchase imports: the purchases they added. Absent from client imports and from counts stored
   * before purchases were counted; read it as 0 (`importCounts`).
   */
  purchases?: number;
};

/**
 * One import of one file: a batch with its source, the file's detected shape, the mapping, the
 * duplicate policy, progress and the checkpoint a resumed run continues from. The checkpoint is
 * written in the same transaction as the rows it covers, so a killed run loses nothing and doubles
 * nothing. `runToken` fences runs: a run that finds another token in place stops.
 */
export const imports = pgTable(
  'imports',
  {
    id: id(),
    workspaceId: workspaceId(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    kind: text('kind').$type<ImportKind>().notNull().default('clients'),
    fileName: text('file_name').notNull(),
    fileSize: bigint('file_size', { mode: 'number' }).notNull(),
    sha256: text('sha256').notNull(),
    file: jsonb('file').$type<ImportFileInfo>().notNull(),
    headers: jsonb('headers').$type<string[]>().notNull().default([]),
    /** The first rows as read, for the mapping screen. */
    sample: jsonb('sample').$type<string[][]>().notNull().default([]),
    /** `ImportColumn[]` (`@cb/domain`); the suggested one until a person sets it. */
    mapping: jsonb('mapping').$type<unknown[]>().notNull().default([]),
    source: jsonb('source').$type<ImportSourceInfo>(),
    allowPartialRows: boolean('allow_partial_rows').notNull().default(false),
    duplicatePolicy: jsonb('duplicate_policy').$type<ImportDuplicatePolicy>(),
    batchId: uuid('batch_id').references(() => batches.id, { onDelete: 'set null' }),
    status: text('status').$type<ImportStatus>().notNull().default('uploaded'),
    /** Data rows in the file when known (counted at upload for CSV up to a size, or after the run). */
    totalRows: integer('total_rows'),
    bytesDone: bigint('bytes_done', { mode: 'number' }).notNull().default(0),
    counts: jsonb('counts')
      .$type<ImportCounts>()
      .notNull()
      .default({ rowsDone: 0, created: 0, updated: 0, duplicates: 0, invalid: 0 }),
    /** The dry run's counts and preview (null until run). */
    dryRun: jsonb('dry_run').$type<Record<string, unknown>>(),
    checkpoint: jsonb('checkpoint').$type<ImportCheckpoint>(),
    runToken: uuid('run_token'),
    heartbeatAt: tstz('heartbeat_at'),
    startedAt: tstz('started_at'),
    finishedAt: tstz('finished_at'),
    error: jsonb('error').$type<{ code: string; message: string }>(),
    /** After an undo: the clients it left because they were edited since, with why. */
    undoReport: jsonb('undo_report').$type<Record<string, unknown>>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('imports_workspace_idx').on(t.workspaceId, t.createdAt),
    index('imports_status_idx').on(t.status).where(sql`${t.status} in ('queued', 'running', 'undoing')`),
  ],
);

/** The uploaded file itself, in pieces of up to 1 MiB, so any worker process can read it. */
export const importFileChunks = pgTable(
  'import_file_chunks',
  {
    importId: uuid('import_id')
      .notNull()
      .references(() => imports.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    data: bytea('data').notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.seq] })],
);

/** One problem of one row (or cell): the error report. `dryRun` rows come from the dry run. */
export const importErrors = pgTable(
  'import_errors',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    importId: uuid('import_id')
      .notNull()
      .references(() => imports.id, { onDelete: 'cascade' }),
    dryRun: boolean('dry_run').notNull().default(false),
    row: integer('row').notNull(),
    column: integer('column'),
    header: text('header'),
    value: text('value').notNull().default(''),
    code: text('code').notNull(),
    message: text('message').notNull(),
    /** True when the row was still imported without this cell (partial rows). */
    rowImported: boolean('row_imported').notNull().default(false),
  },
  (t) => [index('import_errors_import_idx').on(t.importId, t.dryRun, t.row)],
);

/**
 * What an import did to each client, for undo: `created`, or `updated` with the values it
 * replaced (`before`) and the version it left (`versionAfter`): undo restores only clients still
 * at that version, and lists the others.
 */
export const importChanges = pgTable(
  'import_changes',
  {
    importId: uuid('import_id')
      .notNull()
      .references(() => imports.id, { onDelete: 'cascade' }),
    clientId: uuid('client_id').notNull(),
    action: text('action').$type<'created' | 'updated'>().notNull(),
    /** Updated: the replaced column values and the ids of contact rows the import added. */
    before: jsonb('before').$type<Record<string, unknown>>(),
    versionAfter: integer('version_after').notNull(),
    /** The file row that made the change (first one, when several rows hit one client). */
    row: integer('row').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.importId, t.clientId] }),
    index('import_changes_client_idx').on(t.clientId),
  ],
);

/** A mapping saved by name, to reuse for the next file of the same shape. */
export const importMappings = pgTable(
  'import_mappings',
  {
    id: id(),
    workspaceId: workspaceId(),
    kind: text('kind').$type<ImportKind>().notNull().default('clients'),
    name: text('name').notNull(),
    /** The headers it was made for: reuse matches columns by header, not by position. */
    headers: jsonb('headers').$type<string[]>().notNull(),
    mapping: jsonb('mapping').$type<unknown[]>().notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('import_mappings_name_key').on(t.workspaceId, t.name)],
);

/**
 * The blocking keys of every client (`@cb/domain` duplicates/blocking): clients that share a key
 * are candidate duplicates. Written on create, on import and by the scan. One row per client with
 * its keys hashed to bigint (`keyHash` of duplicates/keys, distinct, ascending); a client with no
 * key has no row. Found by key through the GIN index: a row per (key, client) cost four times the
 * space and the write time of an import (migration 0008).
 */
export const clientDupKeys = pgTable(
  'client_dup_keys',
  {
    // No foreign key: a check per row costs a bulk insert dearly. A statement trigger on clients
    // (`clients_dup_keys_delete`, migration 0007) deletes the keys of deleted clients, set-based, so
    // a deleted workspace's go with its (cascading) clients; a key whose client is gone is never
    // read (lookups join clients).
    clientId: uuid('client_id').primaryKey(),
    // Implied by the client; kept to filter lookups by workspace without a join.
    workspaceId: uuid('workspace_id').notNull(),
    keys: bigint('keys', { mode: 'bigint' }).array().notNull(),
  },
  (t) => [
    // A fast-update pending list of 4 MB: an import's inserts append to it and it is merged into
    // the tree in sorted batches, far cheaper than entry by entry.
    index('client_dup_keys_keys_idx')
      .using('gin', t.keys)
      .with({ fastupdate: true, gin_pending_list_limit: 4096 }),
  ],
);

export type DuplicatePairStatus = 'open' | 'dismissed' | 'merged';

/**
 * A candidate pair (`clientA` < `clientB`) with its score and the reasons. `dismissed` is the
 * workspace's "not a duplicate" and survives rescans; `merged` after a merge.
 */
export const duplicatePairs = pgTable(
  'duplicate_pairs',
  {
    workspaceId: workspaceId(),
    clientA: uuid('client_a')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    clientB: uuid('client_b')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    /** 0…1, `PairScore.score`. */
    score: doublePrecision('score').notNull(),
    decision: text('decision').$type<'duplicate' | 'possible'>().notNull(),
    /** `PairScore.reasons` of `@cb/domain`. */
    reasons: jsonb('reasons').$type<unknown[]>().notNull(),
    status: text('status').$type<DuplicatePairStatus>().notNull().default('open'),
    foundAt: tstz('found_at').notNull().defaultNow(),
    decidedAt: tstz('decided_at'),
    decidedBy: uuid('decided_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.clientA, t.clientB] }),
    index('duplicate_pairs_queue_idx').on(t.workspaceId, t.status, t.score, t.clientA, t.clientB),
    index('duplicate_pairs_b_idx').on(t.clientB),
  ],
);

/**
 * One merge: `mergedId` folded into `survivorId`. Keeps what unmerge needs: the survivor's
 * replaced values, the merged record as it was, and the ids of every row moved between them.
 */
export const merges = pgTable(
  'merges',
  {
    id: id(),
    workspaceId: workspaceId(),
    survivorId: uuid('survivor_id')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    mergedId: uuid('merged_id')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    by: uuid('by').references(() => users.id, { onDelete: 'set null' }),
    survivorBefore: jsonb('survivor_before').$type<Record<string, unknown>>().notNull(),
    mergedSnapshot: jsonb('merged_snapshot').$type<Record<string, unknown>>().notNull(),
    /** Table name → ids of the rows moved from the merged client to the survivor. */
    moved: jsonb('moved').$type<Record<string, string[]>>().notNull(),
    survivorVersionAfter: integer('survivor_version_after').notNull(),
    createdAt: createdAt(),
    undoneAt: tstz('undone_at'),
  },
  (t) => [
    index('merges_workspace_idx').on(t.workspaceId, t.createdAt),
    index('merges_merged_idx').on(t.mergedId),
  ],
);
