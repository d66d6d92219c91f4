import {
  companyDisplayName,
  companyMatchKey,
  fail,
  matchKey,
  ok,
  personDisplayName,
  type Result,
} from '@cb/domain';
import { sql } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { writeAudit } from '../queries/audit.ts';
import type { MutationContext, ReadScope } from '../queries/context.ts';
import { type DbFailure, notFound } from '../queries/failures.ts';
import { enqueueRecompute } from '../queries/outbox.ts';
import { arrayParam, queryRows, toDate } from '../raw.ts';
import { deleteDuplicateKeys, refreshDuplicateKeys } from './keys.ts';

/** Fields a merge fills on the survivor, each from the survivor or from the merged record. */
export const MERGE_FIELDS = [
  'lastName',
  'firstName',
  'patronymic',
  'birthday',
  'legalName',
  'inn',
  'kpp',
  'city',
  'address',
  'externalId',
] as const;
export type MergeField = (typeof MERGE_FIELDS)[number];
export type MergePick = Partial<Record<MergeField, 'survivor' | 'merged'>>;

const COLUMN: Record<MergeField | 'displayName' | 'matchKey', string> = {
  lastName: 'last_name',
  firstName: 'first_name',
  patronymic: 'patronymic',
  birthday: 'birthday',
  legalName: 'legal_name',
  inn: 'inn',
  kpp: 'kpp',
  city: 'city',
  address: 'address',
  externalId: 'external_id',
  displayName: 'display_name',
  matchKey: 'match_key',
};

/**
 * Tables whose rows follow the client on a merge, moved by id and moved back by exactly those
 * ids on unmerge. Phones, e-mails and static-list memberships are moved selectively (below).
 */
const HISTORY_TABLES = ['interactions', 'purchases', 'payments', 'tasks', 'consents'] as const;

export type MergeParams = {
  survivorId: string;
  mergedId: string;
  expectedVersions: { survivor: number; merged: number };
  pick?: MergePick | undefined;
};

type ClientState = {
  id: string;
  kind: 'person' | 'company';
  display_name: string;
  match_key: string;
  last_name: string | null;
  first_name: string | null;
  patronymic: string | null;
  birthday: string | null;
  legal_name: string | null;
  inn: string | null;
  kpp: string | null;
  city: string | null;
  address: string | null;
  external_id: string | null;
  owner_id: string | null;
  stage: string;
  archived_at: string | null;
  merged_into_id: string | null;
  version: number;
};

async function lockClients(
  db: Executor,
  workspaceId: string,
  ids: string[],
): Promise<Map<string, ClientState>> {
  const rows = await queryRows<ClientState>(
    db,
    sql`
      select id::text as id, kind, display_name, match_key, last_name, first_name, patronymic,
        birthday::text as birthday, legal_name, inn, kpp, city, address, external_id, owner_id::text as owner_id,
        stage, archived_at::text as archived_at, merged_into_id::text as merged_into_id, version
      from clients
      where workspace_id = ${workspaceId}::uuid and id = any(${arrayParam(ids, 'uuid')})
      order by id
      for update`,
  );
  return new Map(rows.map((r) => [r.id, { ...r, version: Number(r.version) }]));
}

const fieldValue = (state: ClientState, field: MergeField) =>
  state[COLUMN[field] as keyof ClientState] as string | null;

const isEmpty = (v: string | null) => v === null || v.trim() === '';

export type MergeResult = { mergeId: string; survivorId: string; survivorVersion: number };

/**
 * Folds `mergedId` into `survivorId` in one transaction: history rows move to the survivor,
 * phones and e-mails the survivor lacks move too, static-list memberships the survivor lacks
 * move, referrals point to the survivor; the survivor's fields are filled per `pick` (default: its
 * own value, the merged one when its own is empty). The merged record stays, archived, with
 * `merged_into_id`. The `merges` row keeps what unmerge needs. Versions must match (`stale`).
 */
export async function mergeClients(
  db: Executor,
  ctx: MutationContext,
  params: MergeParams,
): Promise<Result<MergeResult, DbFailure>> {
  const { survivorId, mergedId } = params;
  if (survivorId === mergedId) {
    return fail({ code: 'conflict', field: 'mergedId', message: 'A client cannot be merged into itself' });
  }
  return db.transaction(async (tx) => {
    const locked = await lockClients(tx, ctx.workspaceId, [survivorId, mergedId]);
    const survivor = locked.get(survivorId);
    const merged = locked.get(mergedId);
    const hidden = (c: ClientState) => ctx.onlyOwnerId && c.owner_id !== ctx.onlyOwnerId;
    if (!survivor || hidden(survivor)) return fail(notFound('client', survivorId));
    if (!merged || hidden(merged)) return fail(notFound('client', mergedId));
    for (const [field, c] of [
      ['survivorId', survivor],
      ['mergedId', merged],
    ] as const) {
      if (c.merged_into_id !== null) {
        return fail({
          code: 'conflict',
          field,
          message: `«${c.display_name}» is already merged into another client`,
          other: { entity: 'client', id: c.merged_into_id, name: c.display_name },
        });
      }
    }
    if (survivor.kind !== merged.kind) {
      return fail({
        code: 'conflict',
        field: 'mergedId',
        message: 'A person cannot be merged with a company',
      });
    }
    for (const [role, c, expected] of [
      ['survivor', survivor, params.expectedVersions.survivor],
      ['merged', merged, params.expectedVersions.merged],
    ] as const) {
      if (c.version !== expected) {
        return fail({
          code: 'stale',
          entity: 'client',
          id: c.id,
          message: `«${c.display_name}» (${role}) was changed by someone else (version ${c.version}, expected ${expected})`,
        });
      }
    }

    // Fields: the survivor's value unless picked from the merged record or empty on the survivor.
    const filled: Partial<Record<MergeField, string | null>> = {};
    for (const field of MERGE_FIELDS) {
      const own = fieldValue(survivor, field);
      const theirs = fieldValue(merged, field);
      const choice = params.pick?.[field] ?? (isEmpty(own) && !isEmpty(theirs) ? 'merged' : 'survivor');
      if (choice === 'merged' && theirs !== own) filled[field] = theirs;
    }
    const next = (f: MergeField) => (f in filled ? (filled[f] ?? null) : fieldValue(survivor, f));
    const names =
      survivor.kind === 'person'
        ? {
            displayName: personDisplayName({
              lastName: next('lastName') ?? undefined,
              firstName: next('firstName') ?? undefined,
              patronymic: next('patronymic') ?? undefined,
            }),
            matchKey: matchKey(next('lastName'), next('firstName')),
          }
        : {
            displayName: companyDisplayName(next('legalName') ?? ''),
            matchKey: companyMatchKey(next('legalName') ?? ''),
          };
    const survivorBefore: Record<string, unknown> = { version: survivor.version };
    const assignments: { column: string; value: string | null }[] = [];
    for (const [field, value] of Object.entries(filled) as [MergeField, string | null][]) {
      survivorBefore[field] = fieldValue(survivor, field);
      assignments.push({ column: COLUMN[field], value });
    }
    if (Object.keys(filled).length > 0) {
      if (names.displayName !== '' && names.displayName !== survivor.display_name) {
        survivorBefore.displayName = survivor.display_name;
        assignments.push({ column: COLUMN.displayName, value: names.displayName });
      }
      if (names.matchKey !== survivor.match_key) {
        survivorBefore.matchKey = survivor.match_key;
        assignments.push({ column: COLUMN.matchKey, value: names.matchKey });
      }
    }

    const moved: Record<string, string[]> = {};
    // The external id is unique per workspace: the merged record gives it up when the survivor takes it.
    const takesExternalId = 'externalId' in filled && filled.externalId !== null;
    await tx.execute(sql`
      update clients set merged_into_id = ${survivorId}::uuid, archived_at = coalesce(archived_at, now()),
        stage = 'archived', updated_at = now(), version = version + 1
        ${takesExternalId ? sql`, external_id = null` : sql``}
      where id = ${mergedId}::uuid`);
    for (const table of HISTORY_TABLES) {
      moved[table] = await moveRows(
        tx,
        sql`update ${sql.identifier(table)} set client_id = ${survivorId}::uuid
            where client_id = ${mergedId}::uuid returning id::text as id`,
      );
    }
    moved.client_phones = await moveRows(
      tx,
      sql`update client_phones m set client_id = ${survivorId}::uuid
          where m.client_id = ${mergedId}::uuid
            and not exists (select 1 from client_phones s where s.client_id = ${survivorId}::uuid and s.e164 = m.e164)
          returning m.id::text as id`,
    );
    moved.client_emails = await moveRows(
      tx,
      sql`update client_emails m set client_id = ${survivorId}::uuid
          where m.client_id = ${mergedId}::uuid
            and not exists (select 1 from client_emails s where s.client_id = ${survivorId}::uuid and s.address = m.address)
          returning m.id::text as id`,
    );
    // Static lists only: rule segments are recomputed from the survivor's own data.
    moved.segment_members = await moveRows(
      tx,
      sql`update segment_members m set client_id = ${survivorId}::uuid
          from segments g
          where g.id = m.segment_id and g.kind = 'static' and m.client_id = ${mergedId}::uuid and m.left_at is null
            and not exists (
              select 1 from segment_members s
              where s.segment_id = m.segment_id and s.client_id = ${survivorId}::uuid and s.left_at is null
            )
          returning m.id::text as id`,
    );
    // Its other spells (rule segments, lists the survivor is already in) close: a merged client
    // is in no segment. Unmerge reopens exactly these.
    moved.closed_spells = await moveRows(
      tx,
      sql`update segment_members set left_at = now()
          where client_id = ${mergedId}::uuid and left_at is null
          returning id::text as id`,
    );
    moved.referrals = await moveRows(
      tx,
      sql`update clients set source_referrer_id = ${survivorId}::uuid
          where workspace_id = ${ctx.workspaceId}::uuid and source_referrer_id = ${mergedId}::uuid
            and id <> ${survivorId}::uuid
          returning id::text as id`,
    );

    const setFields = assignments.map((a) =>
      a.column === 'birthday'
        ? sql`, ${sql.identifier(a.column)} = ${a.value}::date`
        : sql`, ${sql.identifier(a.column)} = ${a.value}`,
    );
    const [after] = await queryRows<{ version: number }>(
      tx,
      sql`update clients set updated_at = now(), version = version + 1 ${sql.join(setFields, sql``)}
          where id = ${survivorId}::uuid returning version`,
    );
    const survivorVersionAfter = Number(after!.version);

    const mergedSnapshot = {
      externalId: merged.external_id,
      archivedAt: merged.archived_at,
      stage: merged.stage,
      version: merged.version,
      displayName: merged.display_name,
    };
    const [mergeRow] = await queryRows<{ id: string }>(
      tx,
      sql`
        insert into merges (workspace_id, survivor_id, merged_id, by, survivor_before, merged_snapshot, moved,
          survivor_version_after)
        values (${ctx.workspaceId}::uuid, ${survivorId}::uuid, ${mergedId}::uuid,
          ${ctx.actor.kind === 'user' ? ctx.actor.id : null}::uuid, ${JSON.stringify(survivorBefore)}::jsonb,
          ${JSON.stringify(mergedSnapshot)}::jsonb, ${JSON.stringify(moved)}::jsonb, ${survivorVersionAfter})
        returning id::text as id`,
    );
    const [clientA, clientB] = survivorId < mergedId ? [survivorId, mergedId] : [mergedId, survivorId];
    await tx.execute(sql`
      insert into duplicate_pairs (workspace_id, client_a, client_b, score, decision, reasons, status, decided_at, decided_by)
      values (${ctx.workspaceId}::uuid, ${clientA}::uuid, ${clientB}::uuid, 1, 'duplicate', '[]'::jsonb, 'merged', now(),
        ${ctx.actor.kind === 'user' ? ctx.actor.id : null}::uuid)
      on conflict (workspace_id, client_a, client_b) do update
        set status = 'merged', decided_at = now(), decided_by = excluded.decided_by`);
    await deleteDuplicateKeys(tx, ctx.workspaceId, [mergedId]);
    await refreshDuplicateKeys(tx, ctx.workspaceId, [survivorId]);
    await writeAudit(tx, ctx, {
      action: 'client.merge',
      entity: 'client',
      entityId: survivorId,
      before: { survivor: survivorBefore, merged: mergedSnapshot },
      after: {
        mergeId: mergeRow!.id,
        mergedId,
        filled,
        moved: Object.fromEntries(Object.entries(moved).map(([t, ids]) => [t, ids.length])),
      },
    });
    await enqueueRecompute(tx, ctx.workspaceId, [survivorId, mergedId]);
    return ok({ mergeId: mergeRow!.id, survivorId, survivorVersion: survivorVersionAfter });
  });
}

async function moveRows(db: Executor, statement: ReturnType<typeof sql>): Promise<string[]> {
  return (await queryRows<{ id: string }>(db, statement)).map((r) => r.id);
}

/**
 * Undoes a merge: exactly the recorded rows move back, the survivor's replaced fields are restored
 * and the merged record comes back as it was. Refused when the survivor was edited since the merge
 * (its fields could no longer be restored without losing that edit).
 */
export async function unmergeClients(
  db: Executor,
  ctx: MutationContext,
  params: { mergeId: string },
): Promise<Result<{ survivorId: string; restoredId: string }, DbFailure>> {
  return db.transaction(async (tx) => {
    const [merge] = await queryRows<{
      survivor_id: string;
      merged_id: string;
      survivor_before: Record<string, unknown>;
      merged_snapshot: { externalId: string | null; archivedAt: string | null; stage: string };
      moved: Record<string, string[]>;
      survivor_version_after: number;
      undone_at: string | null;
    }>(
      tx,
      sql`
        select survivor_id::text as survivor_id, merged_id::text as merged_id, survivor_before, merged_snapshot,
          moved, survivor_version_after, undone_at
        from merges where id = ${params.mergeId}::uuid and workspace_id = ${ctx.workspaceId}::uuid
        for update`,
    );
    if (!merge) return fail(notFound('merge', params.mergeId));
    if (merge.undone_at !== null) {
      return fail({ code: 'conflict', field: 'mergeId', message: 'This merge was already undone' });
    }
    const locked = await lockClients(tx, ctx.workspaceId, [merge.survivor_id, merge.merged_id]);
    const survivor = locked.get(merge.survivor_id);
    const merged = locked.get(merge.merged_id);
    if (!survivor) return fail(notFound('client', merge.survivor_id));
    if (!merged) return fail(notFound('client', merge.merged_id));
    if (ctx.onlyOwnerId && survivor.owner_id !== ctx.onlyOwnerId)
      return fail(notFound('client', survivor.id));
    if (survivor.version !== Number(merge.survivor_version_after)) {
      return fail({
        code: 'conflict',
        field: 'mergeId',
        message: `«${survivor.display_name}» was changed after the merge; undo those changes or edit it by hand`,
        other: { entity: 'client', id: survivor.id, name: survivor.display_name },
      });
    }
    const back = (table: string, ids: string[] | undefined) => {
      if (!ids || ids.length === 0) return sql`select 1`;
      const idType = table === 'segment_members' ? 'bigint' : 'uuid';
      return sql`update ${sql.identifier(table)} set client_id = ${merge.merged_id}::uuid
        where client_id = ${merge.survivor_id}::uuid and id = any(${arrayParam(
          table === 'segment_members' ? ids.map(Number) : ids,
          idType,
        )})`;
    };
    for (const table of [...HISTORY_TABLES, 'client_phones', 'client_emails', 'segment_members']) {
      await tx.execute(back(table, merge.moved[table]));
    }
    const closedSpells = merge.moved.closed_spells ?? [];
    if (closedSpells.length > 0) {
      await tx.execute(sql`
        update segment_members set left_at = null
        where client_id = ${merge.merged_id}::uuid and id = any(${arrayParam(closedSpells.map(Number), 'bigint')})`);
    }
    const referrals = merge.moved.referrals ?? [];
    if (referrals.length > 0) {
      await tx.execute(sql`
        update clients set source_referrer_id = ${merge.merged_id}::uuid
        where source_referrer_id = ${merge.survivor_id}::uuid and id = any(${arrayParam(referrals, 'uuid')})`);
    }
    const restore = Object.entries(merge.survivor_before)
      .filter(([field]) => field !== 'version' && field in COLUMN)
      .map(([field, value]) => {
        const column = COLUMN[field as keyof typeof COLUMN];
        return column === 'birthday'
          ? sql`, ${sql.identifier(column)} = ${value as string | null}::date`
          : sql`, ${sql.identifier(column)} = ${value as string | null}`;
      });
    const snapshot = merge.merged_snapshot;
    await tx.execute(sql`
      update clients set updated_at = now(), version = version + 1 ${sql.join(restore, sql``)}
      where id = ${merge.survivor_id}::uuid`);
    await tx.execute(sql`
      update clients set merged_into_id = null, archived_at = ${snapshot.archivedAt}::timestamptz,
        stage = ${snapshot.stage}, external_id = ${snapshot.externalId}, updated_at = now(), version = version + 1
      where id = ${merge.merged_id}::uuid`);
    await tx.execute(sql`update merges set undone_at = now() where id = ${params.mergeId}::uuid`);
    const [clientA, clientB] =
      merge.survivor_id < merge.merged_id
        ? [merge.survivor_id, merge.merged_id]
        : [merge.merged_id, merge.survivor_id];
    await tx.execute(sql`
      update duplicate_pairs set status = 'open', decided_at = null, decided_by = null
      where workspace_id = ${ctx.workspaceId}::uuid and client_a = ${clientA}::uuid and client_b = ${clientB}::uuid
        and status = 'merged'`);
    await refreshDuplicateKeys(tx, ctx.workspaceId, [merge.survivor_id, merge.merged_id]);
    await writeAudit(tx, ctx, {
      action: 'client.unmerge',
      entity: 'client',
      entityId: merge.survivor_id,
      before: { mergeId: params.mergeId },
      after: { restoredId: merge.merged_id, survivorRestored: merge.survivor_before },
    });
    await enqueueRecompute(tx, ctx.workspaceId, [merge.survivor_id, merge.merged_id]);
    return ok({ survivorId: merge.survivor_id, restoredId: merge.merged_id });
  });
}

export type MergeHistoryItem = {
  id: string;
  survivor: { id: string; displayName: string };
  merged: { id: string; displayName: string };
  by: string | null;
  createdAt: Date;
  undoneAt: Date | null;
  moved: Record<string, number>;
};

/** Merge history, newest first, keyset-paged by (created_at, id). */
export async function listMerges(
  db: Executor,
  scope: ReadScope,
  params: { cursor?: string | undefined; limit?: number | undefined } = {},
): Promise<
  Result<{ items: MergeHistoryItem[]; nextCursor: string | null }, { field: string; message: string }>
> {
  const limit = Math.min(Math.max(params.limit ?? 50, 1), 200);
  let after = sql``;
  if (params.cursor) {
    const parsed = decodeMergeCursor(params.cursor);
    if (!parsed) return fail({ field: 'cursor', message: 'The cursor is not valid' });
    after = sql`and (m.created_at, m.id) < (${parsed.at}::timestamptz, ${parsed.id}::uuid)`;
  }
  const owner = scope.onlyOwnerId ? sql`and s.owner_id = ${scope.onlyOwnerId}::uuid` : sql``;
  const rows = await queryRows<{
    id: string;
    survivor_id: string;
    survivor_name: string;
    merged_id: string;
    merged_name: string;
    by: string | null;
    created_at: string | Date;
    created_key: string;
    undone_at: string | Date | null;
    moved: Record<string, string[]>;
  }>(
    db,
    sql`
      select m.id::text as id, m.survivor_id::text as survivor_id, s.display_name as survivor_name,
        m.merged_id::text as merged_id, d.display_name as merged_name, m.by::text as by, m.created_at,
        to_char(m.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_key,
        m.undone_at, m.moved
      from merges m
      join clients s on s.id = m.survivor_id
      join clients d on d.id = m.merged_id
      where m.workspace_id = ${scope.workspaceId}::uuid ${owner} ${after}
      order by m.created_at desc, m.id desc
      limit ${limit + 1}`,
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return ok({
    items: page.map((r) => ({
      id: r.id,
      survivor: { id: r.survivor_id, displayName: r.survivor_name },
      merged: { id: r.merged_id, displayName: r.merged_name },
      by: r.by,
      createdAt: toDate(r.created_at)!,
      undoneAt: toDate(r.undone_at),
      moved: Object.fromEntries(Object.entries(r.moved).map(([t, ids]) => [t, ids.length])),
    })),
    nextCursor:
      rows.length > limit && last
        ? Buffer.from(JSON.stringify([last.created_key, last.id]), 'utf8').toString('base64url')
        : null,
  });
}

function decodeMergeCursor(cursor: string): { at: string; id: string } | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 2) return null;
    const [at, id] = parsed as unknown[];
    if (typeof at !== 'string' || Number.isNaN(Date.parse(at))) return null;
    if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id)) return null;
    return { at, id };
  } catch {
    return null;
  }
}

/** The merged record's survivor, when it was merged (for a card that opens a merged id). */
export async function mergedInto(db: Executor, scope: ReadScope, clientId: string): Promise<string | null> {
  const [row] = await queryRows<{ merged_into_id: string | null }>(
    db,
    sql`select merged_into_id::text as merged_into_id from clients
        where workspace_id = ${scope.workspaceId}::uuid and id = ${clientId}::uuid`,
  );
  return row?.merged_into_id ?? null;
}
