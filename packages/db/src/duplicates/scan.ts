import { blockingKeys, type DuplicateRecord, scorePair } from '@cb/domain';
import { sql } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { queryRows } from '../raw.ts';
import {
  arrayParam,
  findDuplicateMatches,
  loadDuplicateRecords,
  MAX_BLOCK_SIZE,
  MIN_PAIR_SCORE,
} from './keys.ts';

export type ScanPhase = 'keys' | 'pairs';
export type ScanProgress = { phase: ScanPhase; done: number; total: number };

export type ScanOptions = {
  onProgress?: (progress: ScanProgress) => void;
  /** Clients per chunk (default 2,000): memory stays flat whatever the size of the base. */
  chunkSize?: number;
  /** Skip keys shared by more clients than this (default `MAX_BLOCK_SIZE`). */
  maxBlockSize?: number;
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
 * The whole-base scan: (1) rebuilds every client's blocking keys chunk by chunk; (2) finds the
 * candidate pairs by a self-join of `client_dup_keys` on the key — one chunk of clients on the
 * left at a time, each pair once (left id < right id) — leaving out keys shared by more than
 * `maxBlockSize` clients; phones, e-mails, ИНН and external ids are keys too, so "same phone" is a
 * candidate whatever the names; (3) scores each chunk's pairs in JS and upserts those ≥ 0.5; (4)
 * removes the chunk's open pairs that no longer score. Dismissed and merged pairs are never
 * reopened. Each chunk is its own transaction: a scan stopped halfway leaves a consistent state.
 */
export async function scanDuplicates(
  db: Executor,
  workspaceId: string,
  options: ScanOptions = {},
): Promise<ScanResult> {
  const chunkSize = options.chunkSize ?? 2_000;
  const maxBlockSize = options.maxBlockSize ?? MAX_BLOCK_SIZE;
  const [count] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from clients where workspace_id = ${workspaceId}::uuid and merged_into_id is null`,
  );
  const total = count?.n ?? 0;

  // Merged clients are nobody's duplicate any more: their keys and open pairs go.
  await db.execute(sql`
    delete from client_dup_keys k using clients c
    where k.workspace_id = ${workspaceId}::uuid and c.id = k.client_id and c.merged_into_id is not null`);
  await db.execute(sql`
    delete from duplicate_pairs p using clients c
    where p.workspace_id = ${workspaceId}::uuid and p.status = 'open'
      and c.id in (p.client_a, p.client_b) and c.merged_into_id is not null`);

  let done = 0;
  for await (const ids of clientIdChunks(db, workspaceId, chunkSize)) {
    await db.transaction(async (tx) => {
      await syncDuplicateKeys(tx, workspaceId, ids, await loadDuplicateRecords(tx, workspaceId, ids));
    });
    done += ids.length;
    options.onProgress?.({ phase: 'keys', done, total });
  }

  // Keys too common to identify anyone; there are at most (keys / maxBlockSize) of them.
  const bigKeys = (
    await queryRows<{ key: string }>(
      db,
      sql`
        select key from client_dup_keys where workspace_id = ${workspaceId}::uuid
        group by key having count(*) > ${maxBlockSize}`,
    )
  ).map((r) => r.key);

  const result: ScanResult = { clientsScanned: 0, candidatePairs: 0, pairs: 0, removed: 0 };
  for await (const ids of clientIdChunks(db, workspaceId, chunkSize)) {
    // Reading and scoring happen outside the transaction: only the writes of the chunk hold one.
    const candidates = await queryRows<{ a: string; b: string }>(
      db,
      sql`
        select distinct l.client_id::text as a, r.client_id::text as b
        from client_dup_keys l
        join client_dup_keys r on r.workspace_id = l.workspace_id and r.key = l.key and r.client_id > l.client_id
        where l.workspace_id = ${workspaceId}::uuid
          and l.client_id = any(${arrayParam(ids, 'uuid')})
          and l.key <> all(${arrayParam(bigKeys, 'text')})`,
    );
    const records = new Map(
      (await loadDuplicateRecords(db, workspaceId, [...new Set(candidates.flatMap((c) => [c.a, c.b]))])).map(
        (r) => [r.id, r] as const,
      ),
    );
    const scored: ScoredPair[] = [];
    for (const { a, b } of candidates) {
      const x = records.get(a);
      const y = records.get(b);
      if (!x || !y) continue;
      const pair = scoreStoredPair(x, y);
      if (pair) scored.push(pair);
    }
    result.removed += await db.transaction((tx) => syncChunkPairs(tx, workspaceId, ids, scored));
    result.candidatePairs += candidates.length;
    result.pairs += scored.length;
    result.clientsScanned += ids.length;
    options.onProgress?.({ phase: 'pairs', done: result.clientsScanned, total });
  }
  return result;
}

/**
 * Brings the stored keys of these clients in line with their records, writing only the
 * difference: a rescan of an unchanged base reads keys and writes none.
 */
async function syncDuplicateKeys(
  db: Executor,
  workspaceId: string,
  ids: string[],
  records: DuplicateRecord[],
): Promise<void> {
  const stored = await queryRows<{ key: string; client_id: string }>(
    db,
    sql`
      select key, client_id::text as client_id from client_dup_keys
      where workspace_id = ${workspaceId}::uuid and client_id = any(${arrayParam(ids, 'uuid')})`,
  );
  const storedSet = new Set(stored.map((r) => `${r.client_id} ${r.key}`));
  const wanted = new Set<string>();
  const addKeys: string[] = [];
  const addIds: string[] = [];
  for (const record of records) {
    for (const key of blockingKeys(record)) {
      const id = `${record.id} ${key}`;
      if (wanted.has(id)) continue;
      wanted.add(id);
      if (!storedSet.has(id)) {
        addKeys.push(key);
        addIds.push(record.id);
      }
    }
  }
  const gone = stored.filter((r) => !wanted.has(`${r.client_id} ${r.key}`));
  if (gone.length > 0) {
    await db.execute(sql`
      delete from client_dup_keys k
      using unnest(${arrayParam(
        gone.map((g) => g.key),
        'text',
      )}, ${arrayParam(
        gone.map((g) => g.client_id),
        'uuid',
      )}) as g(key, client_id)
      where k.workspace_id = ${workspaceId}::uuid and k.key = g.key and k.client_id = g.client_id`);
  }
  if (addKeys.length > 0) {
    await db.execute(sql`
      insert into client_dup_keys (workspace_id, key, client_id)
      select ${workspaceId}::uuid, k.key, k.client_id
      from unnest(${arrayParam(addKeys, 'text')}, ${arrayParam(addIds, 'uuid')}) as k(key, client_id)
      on conflict do nothing`);
  }
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
