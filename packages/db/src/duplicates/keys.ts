import { createHash } from 'node:crypto';
import {
  blockingKeys,
  type DuplicateDecision,
  type DuplicateRecord,
  type ScoreReason,
  scorePair,
} from '@cb/domain';
import { type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { arrayParam, queryRows } from '../raw.ts';
import { type NeighbourWords, neighbourHits } from './neighbours.ts';
import { enqueueDuplicateCheck } from './outbox.ts';

/**
 * A key shared by more clients than this identifies nobody (a call-centre phone, `Иванов А.`):
 * comparing all its pairs is the quadratic blow-up blocking exists to avoid. The same limit as the
 * domain's in-memory `candidatePairs`.
 */
export const MAX_BLOCK_SIZE = 100;

/** Pairs scoring below this are not stored nor returned as matches (`POSSIBLE_FROM` of the domain). */
export const MIN_PAIR_SCORE = 0.5;

/** Ids per statement: big enough for set-based writes, small enough to keep array parameters modest. */
const CHUNK = 2_000;

function chunked<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * A blocking key as stored: the first 8 bytes of its md5 (of its UTF-8) read as a signed big-endian
 * int64, in decimal. SQL computes the same as `('x' || left(md5(key), 16))::bit(64)::bigint`
 * (migration 0008 backfills with it). Correctness does not rest on the hash: two keys of one hash
 * only add candidate pairs of clients that share neither key, and `scorePair` scores those like any
 * other, so a collision costs comparisons and never changes a score.
 */
export const keyHash = (key: string): string =>
  createHash('md5').update(key).digest().readBigInt64BE(0).toString();

/** A record's blocking keys as stored: hashed (`keyHash`), distinct, ascending. */
export function hashedKeys(record: DuplicateRecord): string[] {
  const hashes = [...new Set(blockingKeys(record).map((key) => BigInt(keyHash(key))))];
  return hashes.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(String);
}

/**
 * Key lists as one `text[]` parameter of array literals (`{1,-2}`), one per row: cast each to
 * `bigint[]` in SQL (`unnest` of a two-dimensional array would flatten it).
 */
export const keyListsParam = (lists: readonly string[][]): SQL =>
  arrayParam(
    lists.map((keys) => `{${keys.join(',')}}`),
    'text',
  );

/** One client's stored keys (`hashedKeys`); no key means no row. */
export type ClientKeys = { clientId: string; keys: string[] };

/**
 * Stores these clients' key lists as they are given, set-based: an upsert of the rows with keys
 * (a row already holding the same list is left as it is), a delete of those without. Rows of
 * another workspace are never touched. One statement of each per chunk.
 */
export async function storeClientKeys(
  db: Executor,
  workspaceId: string,
  rows: readonly ClientKeys[],
): Promise<void> {
  // One row per client: an upsert may not touch a row twice in a statement.
  const unique = [...new Map(rows.map((row) => [row.clientId, row] as const)).values()];
  for (const part of chunked(unique)) {
    const filled = part.filter((r) => r.keys.length > 0);
    const empty = part.filter((r) => r.keys.length === 0).map((r) => r.clientId);
    if (empty.length > 0) await deleteDuplicateKeys(db, workspaceId, empty);
    if (filled.length === 0) continue;
    await db.execute(sql`
      insert into client_dup_keys (client_id, workspace_id, keys)
      select t.client_id, ${workspaceId}::uuid, t.keys::bigint[]
      from unnest(${arrayParam(
        filled.map((r) => r.clientId),
        'uuid',
      )}, ${keyListsParam(filled.map((r) => r.keys))}) as t(client_id, keys)
      on conflict (client_id) do update set keys = excluded.keys
        where client_dup_keys.workspace_id = excluded.workspace_id
          and client_dup_keys.keys is distinct from excluded.keys`);
  }
}

/**
 * The blocking keys of clients just created, a row per client: a plain set-based insert (new ids
 * have no row to replace or collide with, unlike `writeDuplicateKeys`, which upserts).
 */
export async function insertDuplicateKeys(
  db: Executor,
  workspaceId: string,
  records: DuplicateRecord[],
): Promise<void> {
  const rows = records
    .map((record) => ({ id: record.id, keys: hashedKeys(record) }))
    .filter((row) => row.keys.length > 0);
  for (let i = 0; i < rows.length; i += 4_000) {
    const part = rows.slice(i, i + 4_000);
    await db.execute(sql`
      insert into client_dup_keys (client_id, workspace_id, keys)
      select t.client_id, ${workspaceId}::uuid, t.keys::bigint[]
      from unnest(${arrayParam(
        part.map((r) => r.id),
        'uuid',
      )}, ${keyListsParam(part.map((r) => r.keys))}) as t(client_id, keys)`);
  }
}

/**
 * Replaces the blocking keys of the given clients with the keys of these records, set-based (see
 * `storeClientKeys`). Call it in the transaction that writes the clients, so keys never describe a
 * record that is not stored. Returns the number of keys the records have.
 */
export async function writeDuplicateKeys(
  db: Executor,
  workspaceId: string,
  records: readonly DuplicateRecord[],
): Promise<number> {
  const rows = records.map((record) => ({ clientId: record.id, keys: hashedKeys(record) }));
  await storeClientKeys(db, workspaceId, rows);
  return rows.reduce((sum, row) => sum + row.keys.length, 0);
}

/**
 * Merges the pending list of the keys' GIN index into its tree. Inserts append to that list (fast
 * update, up to 4 MB) and every lookup reads all of it besides the tree; the planner, counting its
 * pages, even prefers a sequential scan per key. Bulk lookups flush it first: the merge is work
 * owed anyway, done here in one sorted batch. Only the index's owner may (as for VACUUM): another
 * role's lookups read through the list, slower but the same.
 */
export async function flushPendingKeys(db: Executor): Promise<void> {
  await db.execute(sql`
    select gin_clean_pending_list(c.oid) from pg_class c
    where c.oid = 'client_dup_keys_keys_idx'::regclass and pg_has_role(c.relowner, 'USAGE')`);
}

/** Removes every blocking key of these clients (a merged record must not be matched again). */
export async function deleteDuplicateKeys(
  db: Executor,
  workspaceId: string,
  clientIds: string[],
): Promise<void> {
  if (clientIds.length === 0) return;
  await db.execute(sql`
    delete from client_dup_keys
    where workspace_id = ${workspaceId}::uuid and client_id = any(${arrayParam(clientIds, 'uuid')})`);
}

export type RecordRow = {
  id: string;
  kind: DuplicateRecord['kind'];
  last_name: string | null;
  first_name: string | null;
  patronymic: string | null;
  legal_name: string | null;
  birthday: string | null;
  inn: string | null;
  city: string | null;
  address: string | null;
  postcode: string | null;
  external_id: string | null;
  phones: string[] | null;
  emails: string[] | null;
};

/**
 * The selected columns of a client as a duplicate record. The schema has no postcode column: a
 * custom field `postcode` (as imports map `Индекс`) is read when present.
 */
export const RECORD_COLUMNS = sql`
  c.id::text as id, c.kind, c.last_name, c.first_name, c.patronymic, c.legal_name,
  c.birthday::text as birthday, c.inn, c.city, c.address, c.custom->>'postcode' as postcode, c.external_id,
  array(select p.e164 from client_phones p where p.client_id = c.id order by p.position, p.id) as phones,
  array(select e.address from client_emails e where e.client_id = c.id order by e.position, e.id) as emails`;

export function toDuplicateRecord(row: RecordRow): DuplicateRecord {
  return {
    id: row.id,
    kind: row.kind,
    lastName: row.last_name,
    firstName: row.first_name,
    patronymic: row.patronymic,
    legalName: row.legal_name,
    birthday: row.birthday,
    inn: row.inn,
    city: row.city,
    address: row.address,
    postcode: row.postcode,
    externalId: row.external_id,
    phones: row.phones ?? [],
    emails: row.emails ?? [],
  };
}

/**
 * Clients with their phones and e-mails as duplicate records, set-based (one statement per chunk
 * of ids). Ids of other workspaces and merged clients are left out; the order follows `clientIds`.
 */
export async function loadDuplicateRecords(
  db: Executor,
  workspaceId: string,
  clientIds: readonly string[],
): Promise<DuplicateRecord[]> {
  const out: DuplicateRecord[] = [];
  for (const part of chunked([...new Set(clientIds)])) {
    const rows = await queryRows<RecordRow>(
      db,
      sql`
        select ${RECORD_COLUMNS}
        from unnest(${arrayParam(part, 'uuid')}) with ordinality as ids(id, n)
        join clients c on c.id = ids.id
        where c.workspace_id = ${workspaceId}::uuid and c.merged_into_id is null
        order by ids.n`,
    );
    for (const row of rows) out.push(toDuplicateRecord(row));
  }
  return out;
}

export type DuplicateMatch = {
  clientId: string;
  score: number;
  decision: Exclude<DuplicateDecision, 'distinct'>;
  reasons: ScoreReason[];
};

export type RecordMatches = {
  recordId: string;
  /** Best first; only scores ≥ `minScore`, never a pair the workspace dismissed. */
  matches: DuplicateMatch[];
};

export type FindMatchesOptions = {
  /** Default `MIN_PAIR_SCORE` (0.5). */
  minScore?: number;
  /** Skip keys shared by more stored clients than this (default `MAX_BLOCK_SIZE`). */
  maxBlockSize?: number;
  /** Also the names' trigram neighbours (`neighbourHits`); default true. */
  neighbours?: boolean;
  /** Neighbour words already looked up, kept across calls (a scan's chunks). */
  words?: NeighbourWords;
};

/**
 * For each record (a row of an import, a client just created or changed), the stored clients of
 * the workspace sharing a blocking key with it or a trigram neighbour of its name, scored by `@cb/domain` `scorePair`. Merged clients
 * and the record itself are never matched; a pair dismissed as "not a duplicate" is left out.
 * Records need not be stored: their ids may be any strings (an import row's number).
 * Results come in the order of `records`.
 */
export async function findDuplicateMatches(
  db: Executor,
  workspaceId: string,
  records: readonly DuplicateRecord[],
  options: FindMatchesOptions = {},
): Promise<RecordMatches[]> {
  const minScore = options.minScore ?? MIN_PAIR_SCORE;
  const maxBlockSize = options.maxBlockSize ?? MAX_BLOCK_SIZE;
  const results: RecordMatches[] = [];
  if (records.length > 0) await flushPendingKeys(db);
  for (const part of chunked(records, 1_000)) {
    const keys: string[] = [];
    const indexes: number[] = [];
    part.forEach((record, index) => {
      for (const key of hashedKeys(record)) {
        keys.push(key);
        indexes.push(index);
      }
    });
    // Each distinct key is looked up once, reading at most `maxBlockSize + 1` of its clients: a
    // bigger block identifies nobody and is left out.
    const hits: { idx: number; client_id: string }[] =
      keys.length === 0
        ? []
        : await queryRows<{ idx: number; client_id: string }>(
            db,
            sql`
              with q as (
                select * from unnest(${arrayParam(keys, 'bigint')}, ${arrayParam(indexes, 'int')}) as q(key, idx)
              ),
              blocks as (
                select d.key, b.members
                from (select distinct key from q) d
                cross join lateral (
                  select array_agg(s.client_id) as members, count(*) as n from (
                    select k.client_id from client_dup_keys k
                    where k.keys @> array[d.key] and k.workspace_id = ${workspaceId}::uuid
                    limit ${maxBlockSize + 1}
                  ) s
                ) b
                where b.n <= ${maxBlockSize}
              )
              select distinct q.idx, m.client_id::text as client_id
              from q
              join blocks b on b.key = q.key
              cross join unnest(b.members) as m(client_id)
              join clients c on c.id = m.client_id and c.merged_into_id is null`,
          );
    if (options.neighbours ?? true) {
      // Trigram neighbours of the names: candidates no key shares (`neighbours.ts`).
      const found = new Set(hits.map((h) => `${h.idx}|${h.client_id}`));
      for (const hit of await neighbourHits(db, workspaceId, part, { maxBlockSize, words: options.words })) {
        if (!found.has(`${hit.idx}|${hit.clientId}`)) hits.push({ idx: hit.idx, client_id: hit.clientId });
      }
    }
    const candidateIds = [...new Set(hits.map((h) => h.client_id))];
    const stored = new Map(
      (await loadDuplicateRecords(db, workspaceId, candidateIds)).map((r) => [r.id, r] as const),
    );
    const dismissed = await dismissedPairsOf(db, workspaceId, candidateIds);
    const perRecord = part.map((): DuplicateMatch[] => []);
    for (const hit of hits) {
      const record = part[hit.idx];
      const other = stored.get(hit.client_id);
      if (!record || !other || other.id === record.id) continue;
      if (dismissed.has(pairKey(record.id, other.id))) continue;
      const result = scorePair(record, other);
      if (result.score < minScore || result.decision === 'distinct') continue;
      perRecord[hit.idx]!.push({
        clientId: other.id,
        score: result.score,
        decision: result.decision,
        reasons: result.reasons,
      });
    }
    part.forEach((record, index) => {
      const matches = perRecord[index]!.sort(
        (x, y) => y.score - x.score || (x.clientId < y.clientId ? -1 : 1),
      );
      results.push({ recordId: record.id, matches });
    });
  }
  return results;
}

export const pairKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);

/** The dismissed pairs touching any of these clients, as `pairKey`s. */
async function dismissedPairsOf(
  db: Executor,
  workspaceId: string,
  clientIds: string[],
): Promise<Set<string>> {
  if (clientIds.length === 0) return new Set();
  const rows = await queryRows<{ a: string; b: string }>(
    db,
    sql`
      select client_a::text as a, client_b::text as b from duplicate_pairs
      where workspace_id = ${workspaceId}::uuid and status = 'dismissed'
        and (client_a = any(${arrayParam(clientIds, 'uuid')}) or client_b = any(${arrayParam(clientIds, 'uuid')}))`,
  );
  return new Set(rows.map((r) => pairKey(r.a, r.b)));
}

/**
 * After a client is created or changed: rewrite its blocking keys from what is stored, and ask the
 * worker (outbox `duplicates.check`) to score it against the base. Call it in the same transaction.
 */
export async function refreshDuplicateKeys(
  db: Executor,
  workspaceId: string,
  clientIds: string[],
): Promise<void> {
  if (clientIds.length === 0) return;
  await writeDuplicateKeys(db, workspaceId, await loadDuplicateRecords(db, workspaceId, clientIds));
  await enqueueDuplicateCheck(db, workspaceId, clientIds);
}
