import type { ClientKind, Result, ScoreReason } from '@cb/domain';
import { fail, ok } from '@cb/domain';
import { sql } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { writeAudit } from '../queries/audit.ts';
import type { MutationContext, ReadScope } from '../queries/context.ts';
import { type DbFailure, notFound } from '../queries/failures.ts';
import { arrayParam, queryRows, toDate } from '../raw.ts';
import type { DuplicatePairStatus } from '../schema/imports.ts';
import { loadDuplicateRecords } from './keys.ts';
import { scoreStoredPair, upsertDuplicatePairs } from './scan.ts';

/** What the review queue shows of each client of a pair. */
export type ClientBrief = {
  id: string;
  kind: ClientKind;
  displayName: string;
  lastName: string | null;
  firstName: string | null;
  patronymic: string | null;
  legalName: string | null;
  externalId: string | null;
  phones: string[];
  emails: string[];
  birthday: string | null;
  city: string | null;
  address: string | null;
  inn: string | null;
  createdAt: Date;
  version: number;
};

export type DuplicatePairItem = {
  a: ClientBrief;
  b: ClientBrief;
  score: number;
  decision: 'duplicate' | 'possible';
  reasons: ScoreReason[];
  status: DuplicatePairStatus;
  /** The smallest client id of the pair's cluster (clients joined by open pairs). */
  clusterId: string;
  foundAt: Date;
  decidedAt: Date | null;
};

export type ListPairsParams = {
  cursor?: string | undefined;
  limit?: number | undefined;
  /** Default `open`. */
  status?: DuplicatePairStatus | undefined;
  minScore?: number | undefined;
};

type ListFailure = { field: string; message: string };

type PairCursor = { score: number; a: string; b: string };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function encodePairCursor(c: PairCursor): string {
  return Buffer.from(JSON.stringify([c.score, c.a, c.b]), 'utf8').toString('base64url');
}

export function decodePairCursor(cursor: string): PairCursor | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 3) return null;
    const [score, a, b] = parsed as unknown[];
    if (typeof score !== 'number' || !Number.isFinite(score)) return null;
    if (typeof a !== 'string' || typeof b !== 'string' || !UUID.test(a) || !UUID.test(b)) return null;
    return { score, a, b };
  } catch {
    return null;
  }
}

type BriefRow = {
  id: string;
  kind: ClientKind;
  display_name: string;
  last_name: string | null;
  first_name: string | null;
  patronymic: string | null;
  legal_name: string | null;
  external_id: string | null;
  phones: string[] | null;
  emails: string[] | null;
  birthday: string | null;
  city: string | null;
  address: string | null;
  inn: string | null;
  created_at: string | Date;
  version: number;
};

/** Briefs of these clients by id, set-based. */
export async function loadClientBriefs(
  db: Executor,
  workspaceId: string,
  ids: string[],
): Promise<Map<string, ClientBrief>> {
  if (ids.length === 0) return new Map();
  const rows = await queryRows<BriefRow>(
    db,
    sql`
      select c.id::text as id, c.kind, c.display_name, c.last_name, c.first_name, c.patronymic, c.legal_name,
        c.external_id, c.birthday::text as birthday, c.city, c.address, c.inn, c.created_at, c.version,
        array(select p.e164 from client_phones p where p.client_id = c.id order by p.position, p.id) as phones,
        array(select e.address from client_emails e where e.client_id = c.id order by e.position, e.id) as emails
      from clients c
      where c.workspace_id = ${workspaceId}::uuid and c.id = any(${arrayParam([...new Set(ids)], 'uuid')})`,
  );
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        kind: r.kind,
        displayName: r.display_name,
        lastName: r.last_name,
        firstName: r.first_name,
        patronymic: r.patronymic,
        legalName: r.legal_name,
        externalId: r.external_id,
        phones: r.phones ?? [],
        emails: r.emails ?? [],
        birthday: r.birthday,
        city: r.city,
        address: r.address,
        inn: r.inn,
        createdAt: toDate(r.created_at)!,
        version: Number(r.version),
      },
    ]),
  );
}

/**
 * Cluster of each client: the smallest id reachable from it through open pairs (a recursive walk
 * from just these clients, so a page costs the size of its clusters, not of the queue).
 */
export async function clusterIdsOf(
  db: Executor,
  workspaceId: string,
  ids: string[],
): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await queryRows<{ start: string; cluster: string }>(
    db,
    sql`
      with recursive reach(start, node) as (
        select id, id from unnest(${arrayParam([...new Set(ids)], 'uuid')}) as id
        union
        select r.start, case when p.client_a = r.node then p.client_b else p.client_a end
        from reach r
        join duplicate_pairs p on p.workspace_id = ${workspaceId}::uuid and p.status = 'open'
          and (p.client_a = r.node or p.client_b = r.node)
      )
      select start::text as start, min(node::text) as cluster from reach group by start`,
  );
  return new Map(rows.map((r) => [r.start, r.cluster]));
}

type PairRow = {
  a: string;
  b: string;
  score: number;
  decision: 'duplicate' | 'possible';
  reasons: ScoreReason[];
  status: DuplicatePairStatus;
  found_at: string | Date;
  decided_at: string | Date | null;
};

/**
 * The review queue: pairs best first, keyset-paged by (score desc, a, b). Pairs touching a merged
 * client are left out of the open queue; with `onlyOwnerId` only pairs of two of the owner's
 * clients are shown.
 */
export async function listDuplicatePairs(
  db: Executor,
  scope: ReadScope,
  params: ListPairsParams = {},
): Promise<Result<{ items: DuplicatePairItem[]; nextCursor: string | null }, ListFailure>> {
  const limit = Math.min(Math.max(params.limit ?? 50, 1), 500);
  const status = params.status ?? 'open';
  let after = sql``;
  if (params.cursor) {
    const c = decodePairCursor(params.cursor);
    if (!c) return fail({ field: 'cursor', message: 'The cursor is not valid' });
    after = sql`and (-p.score, p.client_a, p.client_b) > (${-c.score}::float8, ${c.a}::uuid, ${c.b}::uuid)`;
  }
  const owner = scope.onlyOwnerId
    ? sql`and ca.owner_id = ${scope.onlyOwnerId}::uuid and cb.owner_id = ${scope.onlyOwnerId}::uuid`
    : sql``;
  const unmerged =
    status === 'merged' ? sql`` : sql`and ca.merged_into_id is null and cb.merged_into_id is null`;
  const rows = await queryRows<PairRow>(
    db,
    sql`
      select p.client_a::text as a, p.client_b::text as b, p.score, p.decision, p.reasons, p.status,
        p.found_at, p.decided_at
      from duplicate_pairs p
      join clients ca on ca.id = p.client_a
      join clients cb on cb.id = p.client_b
      where p.workspace_id = ${scope.workspaceId}::uuid and p.status = ${status}
        and p.score >= ${params.minScore ?? 0}::float8
        ${unmerged} ${owner} ${after}
      order by p.score desc, p.client_a, p.client_b
      limit ${limit + 1}`,
  );
  const page = rows.slice(0, limit);
  const ids = page.flatMap((r) => [r.a, r.b]);
  const briefs = await loadClientBriefs(db, scope.workspaceId, ids);
  const clusters = await clusterIdsOf(db, scope.workspaceId, ids);
  const items = page.map(
    (r): DuplicatePairItem => ({
      a: briefs.get(r.a)!,
      b: briefs.get(r.b)!,
      score: Number(r.score),
      decision: r.decision,
      reasons: r.reasons,
      status: r.status,
      clusterId: clusters.get(r.a) ?? r.a,
      foundAt: toDate(r.found_at)!,
      decidedAt: toDate(r.decided_at),
    }),
  );
  const last = page.at(-1);
  const nextCursor =
    rows.length > limit && last
      ? encodePairCursor({ score: Number(last.score), a: last.a, b: last.b })
      : null;
  return ok({ items, nextCursor });
}

/**
 * "Not a duplicate": the pair is stored as dismissed (scored now when the scan never stored it),
 * and later scans and the import's fuzzy check respect it.
 */
export async function dismissPair(
  db: Executor,
  ctx: MutationContext,
  params: { a: string; b: string },
): Promise<Result<{ ok: true }, DbFailure>> {
  if (params.a === params.b) {
    return fail({ code: 'conflict', field: 'b', message: 'A client cannot be a duplicate of itself' });
  }
  const [clientA, clientB] = params.a < params.b ? [params.a, params.b] : [params.b, params.a];
  return db.transaction(async (tx) => {
    const visible = await queryRows<{ id: string }>(
      tx,
      sql`
        select id::text as id from clients
        where workspace_id = ${ctx.workspaceId}::uuid and id in (${clientA}::uuid, ${clientB}::uuid)
          ${ctx.onlyOwnerId ? sql`and owner_id = ${ctx.onlyOwnerId}::uuid` : sql``}`,
    );
    for (const id of [params.a, params.b]) {
      if (!visible.some((v) => v.id === id)) return fail(notFound('client', id));
    }
    const [x, y] = await loadDuplicateRecords(tx, ctx.workspaceId, [clientA, clientB]);
    const scored = x && y ? scoreStoredPair(x, y, 0) : null;
    await upsertDuplicatePairs(tx, ctx.workspaceId, [
      scored ?? { clientA, clientB, score: 0, decision: 'possible', reasons: [] },
    ]);
    await tx.execute(sql`
      update duplicate_pairs
      set status = 'dismissed', decided_at = now(),
        decided_by = ${ctx.actor.kind === 'user' ? ctx.actor.id : null}::uuid
      where workspace_id = ${ctx.workspaceId}::uuid and client_a = ${clientA}::uuid and client_b = ${clientB}::uuid`);
    await writeAudit(tx, ctx, {
      action: 'duplicate.dismiss',
      entity: 'client',
      entityId: clientA,
      after: { clientA, clientB, status: 'dismissed' },
    });
    return ok({ ok: true as const });
  });
}

/** Pairs stored for the CSV export, every status, in (score desc, a, b) pages. */
export type ExportPairRow = {
  clientA: string;
  aExternalId: string | null;
  aName: string;
  clientB: string;
  bExternalId: string | null;
  bName: string;
  score: number;
  decision: string;
  status: DuplicatePairStatus;
};

/** Every candidate pair, page by page (keyset), for a streamed export. */
export async function* exportDuplicatePairs(
  db: Executor,
  scope: ReadScope,
  pageSize = 1_000,
): AsyncGenerator<ExportPairRow[]> {
  let after: PairCursor | null = null;
  const owner = scope.onlyOwnerId
    ? sql`and ca.owner_id = ${scope.onlyOwnerId}::uuid and cb.owner_id = ${scope.onlyOwnerId}::uuid`
    : sql``;
  for (;;) {
    const rows: {
      a: string;
      b: string;
      a_ext: string | null;
      a_name: string;
      b_ext: string | null;
      b_name: string;
      score: number;
      decision: string;
      status: DuplicatePairStatus;
    }[] = await queryRows(
      db,
      sql`
        select p.client_a::text as a, p.client_b::text as b, ca.external_id as a_ext, ca.display_name as a_name,
          cb.external_id as b_ext, cb.display_name as b_name, p.score, p.decision, p.status
        from duplicate_pairs p
        join clients ca on ca.id = p.client_a
        join clients cb on cb.id = p.client_b
        where p.workspace_id = ${scope.workspaceId}::uuid ${owner}
          ${after ? sql`and (-p.score, p.client_a, p.client_b) > (${-after.score}::float8, ${after.a}::uuid, ${after.b}::uuid)` : sql``}
        order by p.score desc, p.client_a, p.client_b
        limit ${pageSize}`,
    );
    if (rows.length === 0) return;
    yield rows.map((r) => ({
      clientA: r.a,
      aExternalId: r.a_ext,
      aName: r.a_name,
      clientB: r.b,
      bExternalId: r.b_ext,
      bName: r.b_name,
      score: Number(r.score),
      decision: r.decision,
      status: r.status,
    }));
    const last = rows[rows.length - 1]!;
    after = { score: Number(last.score), a: last.a, b: last.b };
    if (rows.length < pageSize) return;
  }
}
