import { type DuplicateRecord, scorePair } from '@cb/domain';
import { sql } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { arrayParam, queryRows } from '../raw.ts';
import {
  type ClientKeys,
  findDuplicateMatches,
  flushPendingKeys,
  hashedKeys,
  loadDuplicateRecords,
  MAX_BLOCK_SIZE,
  MIN_PAIR_SCORE,
  RECORD_COLUMNS,
  type RecordRow,
  storeClientKeys,
  toDuplicateRecord,
} from './keys.ts';
import { NeighbourWords, neighbourHits } from './neighbours.ts';

export type ScanPhase = 'keys' | 'pairs';
export type ScanProgress = { phase: ScanPhase; done: number; total: number };

export type ScanOptions = {
  onProgress?: (progress: ScanProgress) => void;
  /** Clients per chunk (default 2,000): memory stays flat whatever the size of the base. */
  chunkSize?: number;
  /** Skip keys shared by more clients than this (default `MAX_BLOCK_SIZE`). */
  maxBlockSize?: number;
  /** Records kept in memory from the keys pass for the pairs pass (default 100,000: some 40–60 MB). */
  recordCacheSize?: number;
  /** Also the trigram neighbours of names (`neighbours.ts`); default true (false: the bench's baseline). */
  neighbours?: boolean;
};

export type ScanResult = {
  clientsScanned: number;
  /** Pairs that share a usable key and were scored. */
  candidatePairs: number;
  /** Pairs scoring ≥ 0.5 (stored, or kept as decided: dismissed and merged pairs stay as they are). */
  pairs: number;
  /** Open pairs removed because they no longer score. */
  removed: number;
};

/** A scored pair as stored: `clientA` < `clientB` (uuid order, which is the order of their text). */
export type ScoredPair = {
  clientA: string;
  clientB: string;
  score: number;
  decision: 'duplicate' | 'possible';
  reasons: unknown[];
};

/**
 * Inserts or refreshes scored pairs, set-based. A pair already decided (dismissed: "not a
 * duplicate"; merged) keeps its status and its score: a rescan never reopens it.
 */
export async function upsertDuplicatePairs(
  db: Executor,
  workspaceId: string,
  pairs: ScoredPair[],
): Promise<void> {
  if (pairs.length === 0) return;
  await db.execute(sql`
    insert into duplicate_pairs (workspace_id, client_a, client_b, score, decision, reasons)
    select ${workspaceId}::uuid, p.a, p.b, p.score, p.decision, p.reasons::jsonb
    from unnest(
      ${arrayParam(
        pairs.map((p) => p.clientA),
        'uuid',
      )},
      ${arrayParam(
        pairs.map((p) => p.clientB),
        'uuid',
      )},
      ${arrayParam(
        pairs.map((p) => p.score),
        'float8',
      )},
      ${arrayParam(
        pairs.map((p) => p.decision),
        'text',
      )},
      ${arrayParam(
        pairs.map((p) => JSON.stringify(p.reasons)),
        'text',
      )}
    ) as p(a, b, score, decision, reasons)
    on conflict (workspace_id, client_a, client_b) do update
      set score = excluded.score, decision = excluded.decision, reasons = excluded.reasons
      where duplicate_pairs.status = 'open'`);
}

/** Scores two records as a stored pair, or null when they are not worth storing. */
export function scoreStoredPair(
  x: DuplicateRecord,
  y: DuplicateRecord,
  minScore = MIN_PAIR_SCORE,
): ScoredPair | null {
  const [a, b] = x.id < y.id ? [x, y] : [y, x];
  const result = scorePair(a, b);
  if (result.decision === 'distinct' || result.score < minScore) return null;
  return {
    clientA: a.id,
    clientB: b.id,
    score: result.score,
    decision: result.decision,
    reasons: result.reasons,
  };
}

/**
 * The whole-base scan, in two passes over the clients in id order, a chunk at a time:
 *
 * 1. Keys. Each chunk's records are read with their stored blocking keys, the keys are computed
 *    again (`@cb/domain` may have changed them) and only the clients whose keys differ are written:
 *    a rescan of an unchanged base writes no key.
 * 2. Pairs. The keys written are merged into the index (`flushPendingKeys`), then each distinct
 *    key of the chunk's clients is looked up once, leaving out keys shared by more than
 *    `maxBlockSize` clients; phones, e-mails, ИНН and external ids are keys too, so "same phone"
 *    is a candidate whatever the names. A pair is taken in the chunk of its smaller id only,
 *    so each pair is scored once in the scan. Pairs scoring ≥ 0.5 are upserted and the chunk's open
 *    pairs that no longer score are removed.
 *
 * Records read in pass 1 are kept for pass 2 up to `recordCacheSize`; the others are read again
 * when a chunk needs them. The next chunk is read while the current one is worked on. Dismissed and
 * merged pairs are never reopened. Each chunk's writes are one transaction: a scan stopped halfway
 * leaves a consistent state.
 */
export async function scanDuplicates(
  db: Executor,
  workspaceId: string,
  options: ScanOptions = {},
): Promise<ScanResult> {
  const chunkSize = options.chunkSize ?? 2_000;
  const maxBlockSize = options.maxBlockSize ?? MAX_BLOCK_SIZE;
  const total = await countWorkspaceClients(db, workspaceId);

  // Merged clients are nobody's duplicate any more: their keys and open pairs go.
  await db.execute(sql`
    delete from client_dup_keys k using clients c
    where k.workspace_id = ${workspaceId}::uuid and c.id = k.client_id and c.merged_into_id is not null`);
  await db.execute(sql`
    delete from duplicate_pairs p using clients c
    where p.workspace_id = ${workspaceId}::uuid and p.status = 'open'
      and c.id in (p.client_a, p.client_b) and c.merged_into_id is not null`);

  const records = new RecordCache(options.recordCacheSize ?? 100_000);
  const pass = {
    chunkSize,
    records,
    total,
    onProgress: options.onProgress,
    neighbours: options.neighbours ?? true,
  };
  await syncAllKeys(db, workspaceId, pass);
  await flushPendingKeys(db);
  return scoreAllPairs(db, workspaceId, { ...pass, maxBlockSize });
}

type Pass = {
  chunkSize: number;
  records: RecordCache;
  total: number;
  onProgress: ScanOptions['onProgress'];
  neighbours: boolean;
};

/** Pass 1: the stored keys of every client brought in line with its record. */
async function syncAllKeys(db: Executor, workspaceId: string, pass: Pass): Promise<void> {
  // Planner statistics taken before many keys were written (a first scan, new blocking keys) plan
  // the key reads for a table of another size: a sequential scan per key of an "empty" table
  // makes a first scan quadratic. They are taken again each time the key rows written reach half
  // of those seen, so a few times per scan at most, and never on a rescan of an unchanged base.
  let rowsSeen = 0;
  let writtenSinceAnalyze = 0;
  const analyzeDue = (final: boolean) =>
    writtenSinceAnalyze >= ANALYZE_AFTER_ROWS && (final || writtenSinceAnalyze * 2 >= rowsSeen);
  const writes = new WriteBehind();
  let done = 0;
  try {
    for await (const { rows, stored } of readAhead(recordChunks(db, workspaceId, pass.chunkSize))) {
      const change = keyChanges(
        rows.map((row) => pass.records.add(toDuplicateRecord(row))),
        stored,
      );
      rowsSeen += change.kept + change.write.length;
      writtenSinceAnalyze += change.write.length;
      done += rows.length;
      const reached = done;
      await writes.push(async () => {
        if (change.write.length > 0) {
          await db.transaction((tx) => storeClientKeys(tx, workspaceId, change.write));
        }
        pass.onProgress?.({ phase: 'keys', done: reached, total: pass.total });
      });
      if (analyzeDue(false)) {
        await writes.flush();
        await db.execute(sql`analyze client_dup_keys`);
        writtenSinceAnalyze = 0;
      }
    }
    await writes.flush();
  } finally {
    await writes.settled();
  }
  if (analyzeDue(true)) await db.execute(sql`analyze client_dup_keys`);
}

/** Pass 2: every candidate pair scored once, and the stored pairs brought in line, chunk by chunk. */
async function scoreAllPairs(
  db: Executor,
  workspaceId: string,
  pass: Pass & { maxBlockSize: number },
): Promise<ScanResult> {
  const result: ScanResult = { clientsScanned: 0, candidatePairs: 0, pairs: 0, removed: 0 };
  const writes = new WriteBehind();
  try {
    for await (const { ids, candidates, found } of readAhead(pairChunks(db, workspaceId, pass))) {
      // Reading and scoring happen outside the transaction: only the writes of the chunk hold one.
      const scored: ScoredPair[] = [];
      for (let i = 0; i < candidates.length; i++) {
        // Scoring takes most of a scan: the next chunk's reads and this one's writes go on meanwhile.
        if (i % 1_000 === 999) await nextTurn();
        const [a, b] = candidates[i]!;
        const x = found.get(a);
        const y = found.get(b);
        if (!x || !y) continue;
        const pair = scoreStoredPair(x, y);
        if (pair) scored.push(pair);
      }
      await writes.push(async () => {
        result.removed += await db.transaction((tx) => syncChunkPairs(tx, workspaceId, ids, scored));
        result.candidatePairs += candidates.length;
        result.pairs += scored.length;
        result.clientsScanned += ids.length;
        pass.onProgress?.({ phase: 'pairs', done: result.clientsScanned, total: pass.total });
      });
    }
    await writes.flush();
  } finally {
    await writes.settled();
  }
  return result;
}

/** One turn of the event loop: lets queries already asked for go out and their answers come in. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Chunk writes one at a time, each going on while the next chunk is read and worked on: `push`
 * waits for the previous write (and throws its error), then starts this one; `flush` waits for
 * the last. Each write is still its own transaction, and they land in chunk order.
 */
class WriteBehind {
  #pending: Promise<void> = Promise.resolve();

  async push(write: () => Promise<void>): Promise<void> {
    await this.#pending;
    const started = write();
    // Its failure is thrown by the next `push` or `flush`, not reported as unhandled meanwhile.
    started.catch(() => {});
    this.#pending = started;
  }

  flush(): Promise<void> {
    return this.#pending;
  }

  /** Waits for the last write however it ends: nothing is left running when a pass throws. */
  async settled(): Promise<void> {
    await this.#pending.catch(() => {});
  }
}

/**
 * The items of `source`, asking for the next one as soon as one is handed out: the database reads
 * the next chunk while this process works on the current one (on PGlite the reads simply wait).
 */
async function* readAhead<T>(source: AsyncIterator<T>): AsyncGenerator<T> {
  let next = source.next();
  try {
    for (;;) {
      const item = await next;
      if (item.done) return;
      next = source.next();
      // A read that fails while the consumer still works is reported when it is awaited.
      next.catch(() => {});
      await nextTurn();
      yield item.value;
    }
  } finally {
    await source.return?.(undefined);
  }
}

type PairChunk = { ids: string[]; candidates: [string, string][]; found: Map<string, DuplicateRecord> };

/** Pass 2's chunks: the ids, their candidate pairs and the records of every client in them. */
async function* pairChunks(
  db: Executor,
  workspaceId: string,
  options: { chunkSize: number; maxBlockSize: number; records: RecordCache; neighbours: boolean },
): AsyncGenerator<PairChunk> {
  const words = new NeighbourWords();
  for await (const ids of clientIdChunks(db, workspaceId, options.chunkSize)) {
    const candidates = await chunkCandidates(db, workspaceId, ids, options.maxBlockSize);
    // The chunk's own records, read once: the trigram neighbours of their names need them first.
    const own = options.neighbours
      ? await options.records.get(db, workspaceId, ids)
      : new Map<string, DuplicateRecord>();
    if (options.neighbours) {
      candidates.push(
        ...(await neighbourPairs(db, workspaceId, ids, own, candidates, options.maxBlockSize, words)),
      );
    }
    const found = await options.records.get(
      db,
      workspaceId,
      candidates.flat().filter((id) => !own.has(id)),
    );
    for (const [id, record] of own) found.set(id, record);
    yield { ids, candidates, found };
  }
}

/**
 * The trigram-neighbour pairs of a chunk not among its key candidates, of the same shape: the
 * smaller id in the chunk (the relation is symmetric, so the chunk of the other finds the rest).
 */
async function neighbourPairs(
  db: Executor,
  workspaceId: string,
  ids: string[],
  own: Map<string, DuplicateRecord>,
  candidates: [string, string][],
  maxBlockSize: number,
  words: NeighbourWords,
): Promise<[string, string][]> {
  const records = ids.flatMap((id) => own.get(id) ?? []);
  const known = new Set(candidates.map(([a, b]) => `${a}|${b}`));
  const pairs: [string, string][] = [];
  for (const hit of await neighbourHits(db, workspaceId, records, { maxBlockSize, words })) {
    const a = records[hit.idx]!.id;
    const b = hit.clientId;
    if (a >= b || known.has(`${a}|${b}`)) continue;
    known.add(`${a}|${b}`);
    pairs.push([a, b]);
  }
  return pairs;
}

/** Key rows (clients) written or deleted by pass 1 from which planner statistics may be taken again. */
const ANALYZE_AFTER_ROWS = 2_000;

/**
 * Duplicate records by id, kept from pass 1 up to a fixed number (the first ones read, never
 * evicted: pass 2 asks for ids all over the base, so no eviction order would hit more often), so
 * that memory stays bounded whatever the size of the base. Ids not kept are read when asked for.
 */
class RecordCache {
  readonly #kept = new Map<string, DuplicateRecord>();
  readonly #limit: number;

  constructor(limit: number) {
    this.#limit = limit;
  }

  add(record: DuplicateRecord): DuplicateRecord {
    if (this.#kept.size < this.#limit) this.#kept.set(record.id, record);
    return record;
  }

  /**
   * These ids' records: kept ones as pass 1 read them, the others read now (clients merged or
   * deleted meanwhile left out). A client changed during the scan may be scored as it was, as with
   * any read outside the chunk's transaction; the change's own `duplicates.check` scores it anew.
   */
  async get(db: Executor, workspaceId: string, ids: string[]): Promise<Map<string, DuplicateRecord>> {
    const out = new Map<string, DuplicateRecord>();
    const missing = new Set<string>();
    for (const id of ids) {
      const record = this.#kept.get(id);
      if (record) out.set(id, record);
      else missing.add(id);
    }
    for (const record of await loadDuplicateRecords(db, workspaceId, [...missing]))
      out.set(record.id, record);
    return out;
  }
}

/** The clients whose stored keys must be written (an empty list: deleted), and the number that stay. */
type KeyChanges = { write: ClientKeys[]; kept: number };

/** What to write so that the stored keys of these clients are the keys of their records, as sets. */
function keyChanges(records: DuplicateRecord[], storedKeys: Map<string, string[]>): KeyChanges {
  const change: KeyChanges = { write: [], kept: 0 };
  for (const record of records) {
    const stored = new Set(storedKeys.get(record.id));
    const wanted = hashedKeys(record);
    const same = wanted.length === stored.size && wanted.every((key) => stored.has(key));
    if (same) {
      if (stored.size > 0) change.kept += 1;
    } else change.write.push({ clientId: record.id, keys: wanted });
  }
  return change;
}

/**
 * The candidate pairs `[a, b]` (a < b) whose smaller id is in `ids`, each once. Each distinct key
 * of the chunk's clients is looked up once in the GIN index on the key lists, reading at most
 * `maxBlockSize + 1` of its clients' rows: a bigger block identifies nobody and is left out without
 * its rows being read. The pairs are formed and deduplicated here.
 */
async function chunkCandidates(
  db: Executor,
  workspaceId: string,
  ids: string[],
  maxBlockSize: number,
): Promise<[string, string][]> {
  const blocks = await queryRows<{ members: string[] }>(
    db,
    sql`
      select b.members
      from (
        select distinct u.key from client_dup_keys m cross join unnest(m.keys) as u(key)
        where m.workspace_id = ${workspaceId}::uuid and m.client_id = any(${arrayParam(ids, 'uuid')})
      ) d
      cross join lateral (
        select array_agg(s.client_id::text) as members, count(*) as n
        from (
          select k.client_id from client_dup_keys k
          where k.keys @> array[d.key] and k.workspace_id = ${workspaceId}::uuid
          limit ${maxBlockSize + 1}
        ) s
      ) b
      where b.n between 2 and ${maxBlockSize}`,
  );
  const inChunk = new Set(ids);
  const seen = new Set<string>();
  const pairs: [string, string][] = [];
  for (const { members } of blocks) {
    for (const a of members) {
      if (!inChunk.has(a)) continue;
      for (const b of members) {
        if (b <= a) continue;
        const key = `${a}|${b}`;
        if (seen.has(key)) continue;
        seen.add(key);
        pairs.push([a, b]);
      }
    }
  }
  return pairs;
}

/**
 * Stores the scored pairs of one chunk (pairs whose smaller id is in `ids`), writing only what
 * changed: new pairs, open pairs whose score moved, and open pairs no longer scoring (deleted).
 * Dismissed and merged pairs are left as they are. Returns the number of pairs deleted.
 */
async function syncChunkPairs(
  db: Executor,
  workspaceId: string,
  ids: string[],
  scored: ScoredPair[],
): Promise<number> {
  const stored = await queryRows<{ a: string; b: string; score: number; decision: string; status: string }>(
    db,
    sql`
      select client_a::text as a, client_b::text as b, score, decision, status from duplicate_pairs
      where workspace_id = ${workspaceId}::uuid and client_a = any(${arrayParam(ids, 'uuid')})`,
  );
  const byKey = new Map(stored.map((r) => [`${r.a}|${r.b}`, r]));
  const changed: ScoredPair[] = [];
  const keep = new Set<string>();
  for (const pair of scored) {
    const key = `${pair.clientA}|${pair.clientB}`;
    keep.add(key);
    const old = byKey.get(key);
    if (!old) changed.push(pair);
    else if (
      old.status === 'open' &&
      (Math.abs(Number(old.score) - pair.score) > 1e-12 || old.decision !== pair.decision)
    )
      changed.push(pair);
  }
  for (let i = 0; i < changed.length; i += 2_000) {
    await upsertDuplicatePairs(db, workspaceId, changed.slice(i, i + 2_000));
  }
  const gone = stored.filter((r) => r.status === 'open' && !keep.has(`${r.a}|${r.b}`));
  if (gone.length > 0) {
    await db.execute(sql`
      delete from duplicate_pairs d
      using unnest(${arrayParam(
        gone.map((g) => g.a),
        'uuid',
      )}, ${arrayParam(
        gone.map((g) => g.b),
        'uuid',
      )}) as g(a, b)
      where d.workspace_id = ${workspaceId}::uuid and d.client_a = g.a and d.client_b = g.b and d.status = 'open'`);
  }
  return gone.length;
}

/** The ids of the workspace's unmerged clients in id order, a chunk at a time (keyset). */
async function* clientIdChunks(db: Executor, workspaceId: string, size: number): AsyncGenerator<string[]> {
  let after: string | null = null;
  for (;;) {
    const rows: { id: string }[] = await queryRows<{ id: string }>(
      db,
      sql`
        select id::text as id from clients
        where workspace_id = ${workspaceId}::uuid and merged_into_id is null
          ${after === null ? sql`` : sql`and id > ${after}::uuid`}
        order by id limit ${size}`,
    );
    if (rows.length === 0) return;
    yield rows.map((r) => r.id);
    after = rows[rows.length - 1]!.id;
    if (rows.length < size) return;
  }
}

type RecordChunk = { rows: RecordRow[]; stored: Map<string, string[]> };

/**
 * The workspace's unmerged clients in id order, a chunk at a time (keyset): the columns of their
 * duplicate records and the blocking keys stored for them. The keys are read for the whole chunk
 * in one statement, not per client: a per-client lookup planned on statistics from before the
 * keys were written (an "empty" table) scans the table once per client.
 */
async function* recordChunks(db: Executor, workspaceId: string, size: number): AsyncGenerator<RecordChunk> {
  let after: string | null = null;
  for (;;) {
    const rows: RecordRow[] = await queryRows<RecordRow>(
      db,
      sql`
        select ${RECORD_COLUMNS}
        from clients c
        where c.workspace_id = ${workspaceId}::uuid and c.merged_into_id is null
          ${after === null ? sql`` : sql`and c.id > ${after}::uuid`}
        order by c.id limit ${size}`,
    );
    if (rows.length === 0) return;
    // As text: both drivers hand a bigint[] back differently (strings, bigints), text[] alike.
    const keys = await queryRows<{ client_id: string; keys: string[] }>(
      db,
      sql`
        select client_id::text as client_id, keys::text[] as keys from client_dup_keys
        where workspace_id = ${workspaceId}::uuid and client_id = any(${arrayParam(
          rows.map((r) => r.id),
          'uuid',
        )})`,
    );
    const stored = new Map(keys.map((k) => [k.client_id, k.keys] as const));
    yield { rows, stored };
    after = rows[rows.length - 1]!.id;
    if (rows.length < size) return;
  }
}

export type CheckResult = { clientsChecked: number; pairs: number; removed: number };

/**
 * The check on create, change and import: scores these clients against the base (their keys are
 * expected written already) and upserts their pairs; their open pairs that no longer score go.
 */
export async function checkDuplicates(
  db: Executor,
  workspaceId: string,
  clientIds: string[],
): Promise<CheckResult> {
  const result: CheckResult = { clientsChecked: 0, pairs: 0, removed: 0 };
  for (let i = 0; i < clientIds.length; i += 1_000) {
    await db.transaction(async (tx) => {
      const records = await loadDuplicateRecords(tx, workspaceId, clientIds.slice(i, i + 1_000));
      const matches = await findDuplicateMatches(tx, workspaceId, records);
      const byKey = new Map<string, ScoredPair>();
      for (const { recordId, matches: found } of matches) {
        for (const m of found) {
          const [a, b] = recordId < m.clientId ? [recordId, m.clientId] : [m.clientId, recordId];
          byKey.set(`${a}|${b}`, {
            clientA: a,
            clientB: b,
            score: m.score,
            decision: m.decision,
            reasons: m.reasons,
          });
        }
      }
      const scored = [...byKey.values()];
      await upsertDuplicatePairs(tx, workspaceId, scored);
      const ids = records.map((r) => r.id);
      const removed = await queryRows<{ n: number }>(
        tx,
        sql`
          with gone as (
            delete from duplicate_pairs d
            where d.workspace_id = ${workspaceId}::uuid and d.status = 'open'
              and (d.client_a = any(${arrayParam(ids, 'uuid')}) or d.client_b = any(${arrayParam(ids, 'uuid')}))
              and not exists (
                select 1 from unnest(${arrayParam(
                  scored.map((p) => p.clientA),
                  'uuid',
                )}, ${arrayParam(
                  scored.map((p) => p.clientB),
                  'uuid',
                )}) as n(a, b)
                where n.a = d.client_a and n.b = d.client_b
              )
            returning 1
          )
          select count(*)::int as n from gone`,
      );
      result.clientsChecked += records.length;
      result.pairs += scored.length;
      result.removed += removed[0]?.n ?? 0;
    });
  }
  return result;
}

/** Clients of the workspace a scan would read (merged ones are history and not scanned). */
export async function countWorkspaceClients(db: Executor, workspaceId: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from clients where workspace_id = ${workspaceId}::uuid and merged_into_id is null`,
  );
  return row?.n ?? 0;
}
