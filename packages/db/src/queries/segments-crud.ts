import { DAY_MS, fail, ok, type Result, type SegmentRule } from '@cb/domain';
import { and, asc, eq, isNull, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { queryRows } from '../raw.ts';
import { clients } from '../schema/clients.ts';
import { segmentMembers } from '../schema/segment-members.ts';
import { segments } from '../schema/segments.ts';
import { compileSegment } from '../segments/compile.ts';
import { previewSegment, SEGMENT_PREVIEW_MAX_SAMPLE, type SegmentPreview } from '../segments/queries.ts';
import { writeAudit } from './audit.ts';
import { type ClientListItem, listItemColumns } from './client-list.ts';
import type { MutationContext, ReadScope } from './context.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { type DbFailure, notFound } from './failures.ts';

/** The largest sample a live preview returns. */
export const SEGMENT_SAMPLE_MAX = SEGMENT_PREVIEW_MAX_SAMPLE;

/**
 * A live preview of a rule (`segments/queries.ts` `previewSegment`), reachable from `@cb/db`'s
 * entry point for the API.
 */
export function previewSegmentRule(
  db: Executor,
  params: { workspaceId: string; rule: SegmentRule; now: Date; sampleSize: number },
): Promise<SegmentPreview> {
  return previewSegment(db, params);
}

export type SegmentRow = typeof segments.$inferSelect;
export type SegmentSummary = SegmentRow & { memberCount: number };

/**
 * Current members; for a manager who sees only their own clients, only those (the count must not
 * tell how many clients others have). Qualified by hand: drizzle renders a single-table select's
 * columns bare, and `id` would bind to `sm`.
 */
function memberCount(onlyOwnerId?: string | null): SQL<number> {
  const owner = onlyOwnerId
    ? sql`and exists (select 1 from clients oc where oc.id = sm.client_id and oc.owner_id = ${onlyOwnerId}::uuid)`
    : sql``;
  return sql<number>`(select count(*)::int from segment_members sm
    where sm.segment_id = ${sql.raw('"segments"."id"')} and sm.left_at is null ${owner})`;
}

export async function listSegments(
  db: Executor,
  workspaceId: string,
  onlyOwnerId?: string | null,
): Promise<SegmentSummary[]> {
  const rows = await db
    .select({ segment: segments, memberCount: memberCount(onlyOwnerId) })
    .from(segments)
    .where(eq(segments.workspaceId, workspaceId))
    .orderBy(asc(segments.name), asc(segments.id));
  return rows.map((r) => ({ ...r.segment, memberCount: Number(r.memberCount) }));
}

export async function getSegment(
  db: Executor,
  workspaceId: string,
  id: string,
  onlyOwnerId?: string | null,
): Promise<SegmentSummary | null> {
  const [row] = await db
    .select({ segment: segments, memberCount: memberCount(onlyOwnerId) })
    .from(segments)
    .where(and(eq(segments.workspaceId, workspaceId), eq(segments.id, id)));
  return row ? { ...row.segment, memberCount: Number(row.memberCount) } : null;
}

/**
 * Brings the open membership spells of a rule segment in line with its rule at `now`: clients the
 * rule no longer selects leave (their spell is closed), newly selected ones enter. Two set-based
 * statements, whatever the size of the base; the worker calls the same function on recompute.
 */
export async function refreshSegmentMembers(
  db: Executor,
  params: { workspaceId: string; segmentId: string; rule: SegmentRule; now: Date },
): Promise<void> {
  const condition = compileSegment(params.rule, { now: params.now });
  const now = sql`${params.now.toISOString()}::timestamptz`;
  const selected: SQL = sql`select ${clients.id} from ${clients}
    where ${clients.workspaceId} = ${params.workspaceId} and ${condition}`;
  await db.execute(sql`update segment_members set left_at = ${now}
    where segment_id = ${params.segmentId} and left_at is null and client_id not in (${selected})`);
  await db.execute(sql`insert into segment_members (workspace_id, segment_id, client_id, entered_at)
    select ${clients.workspaceId}, ${params.segmentId}::uuid, ${clients.id}, ${now} from ${clients}
    where ${clients.workspaceId} = ${params.workspaceId} and ${condition}
      and not exists (select 1 from segment_members sm
        where sm.segment_id = ${params.segmentId} and sm.client_id = ${clients.id} and sm.left_at is null)`);
}

/** Creates a rule segment and computes its members at `now`, in one transaction. */
export async function createSegment(
  db: Executor,
  ctx: MutationContext,
  data: { name: string; rule: SegmentRule; now: Date },
): Promise<SegmentSummary> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(segments)
      .values({ workspaceId: ctx.workspaceId, name: data.name, kind: 'rule', rule: data.rule })
      .returning();
    await refreshSegmentMembers(tx, {
      workspaceId: ctx.workspaceId,
      segmentId: row!.id,
      rule: data.rule,
      now: data.now,
    });
    await writeAudit(tx, ctx, { action: 'segment.create', entity: 'segment', entityId: row!.id, after: row });
    return (await getSegment(tx, ctx.workspaceId, row!.id))!;
  });
}

/** Renames a segment and/or replaces its rule (members are recomputed when the rule changes). */
export async function updateSegment(
  db: Executor,
  ctx: MutationContext,
  data: { id: string; name?: string | undefined; rule?: SegmentRule | undefined; now: Date },
): Promise<Result<SegmentSummary, DbFailure>> {
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(segments)
      .where(and(eq(segments.workspaceId, ctx.workspaceId), eq(segments.id, data.id)))
      .for('update');
    if (!before) return fail(notFound('segment', data.id));
    const [after] = await tx
      .update(segments)
      .set({
        ...(data.name !== undefined ? { name: data.name } : {}),
        ...(data.rule !== undefined ? { rule: data.rule, kind: 'rule' as const } : {}),
        updatedAt: sql`now()`,
      })
      .where(eq(segments.id, data.id))
      .returning();
    if (data.rule !== undefined) {
      await refreshSegmentMembers(tx, {
        workspaceId: ctx.workspaceId,
        segmentId: data.id,
        rule: data.rule,
        now: data.now,
      });
    }
    await writeAudit(tx, ctx, {
      action: 'segment.update',
      entity: 'segment',
      entityId: data.id,
      before,
      after,
    });
    return ok((await getSegment(tx, ctx.workspaceId, data.id))!);
  });
}

export type SegmentMemberItem = ClientListItem & { enteredAt: Date };

/**
 * The current members of a segment (open spells), by display name, keyset-paged. Null when the
 * segment does not exist in the workspace or the cursor is not valid.
 */
export async function listSegmentMembers(
  db: Executor,
  scope: ReadScope,
  params: { segmentId: string; cursor?: string | null | undefined; limit?: number | undefined },
): Promise<
  Result<{ items: SegmentMemberItem[]; nextCursor: string | null }, DbFailure | { code: 'bad_cursor' }>
> {
  const segment = await getSegment(db, scope.workspaceId, params.segmentId);
  if (!segment) return fail(notFound('segment', params.segmentId));
  const limit = Math.min(Math.max(params.limit ?? 50, 1), 500);
  const decoded = params.cursor ? decodeCursor(params.cursor) : null;
  if (params.cursor && (!decoded || typeof decoded.value !== 'string')) return fail({ code: 'bad_cursor' });
  const rows = await db
    .select({ ...listItemColumns, enteredAt: segmentMembers.enteredAt })
    .from(clients)
    .innerJoin(segmentMembers, eq(segmentMembers.clientId, clients.id))
    .where(
      and(
        eq(clients.workspaceId, scope.workspaceId),
        eq(segmentMembers.segmentId, params.segmentId),
        isNull(segmentMembers.leftAt),
        scope.onlyOwnerId ? eq(clients.ownerId, scope.onlyOwnerId) : undefined,
        decoded
          ? sql`(${clients.displayName}, ${clients.id}) > (${decoded.value}::text, ${decoded.id}::uuid)`
          : undefined,
      ),
    )
    .orderBy(asc(clients.displayName), asc(clients.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit) as SegmentMemberItem[];
  const last = page.at(-1);
  return ok({
    items: page,
    nextCursor: rows.length > limit && last ? encodeCursor(last.displayName, last.id) : null,
  });
}

/** The segments a client is in now, with when it entered each. */
export async function clientSegments(db: Executor, workspaceId: string, clientId: string) {
  return db
    .select({ id: segments.id, name: segments.name, enteredAt: segmentMembers.enteredAt })
    .from(segmentMembers)
    .innerJoin(segments, eq(segments.id, segmentMembers.segmentId))
    .where(
      and(
        eq(segmentMembers.workspaceId, workspaceId),
        eq(segmentMembers.clientId, clientId),
        isNull(segmentMembers.leftAt),
      ),
    )
    .orderBy(asc(segments.name));
}

export type SegmentSizePoint = { day: string; size: number };

/**
 * The size of a segment at the end of each of the last `days` UTC days, ending with the day of
 * `now`: the spells that cover the day's end (entered before it, not left before it). One scan of
 * the segment's spells: each spell is an entry (+1) and, when closed, an exit (−1), bucketed by day
 * (earlier ones into the first day), and the sizes are the running sums. A restricted manager
 * counts only their own clients, as `listSegmentMembers` shows them.
 */
export async function segmentSizeHistory(
  db: Executor,
  scope: ReadScope,
  params: { segmentId: string; now: Date; days: number },
): Promise<Result<{ points: SegmentSizePoint[] }, DbFailure>> {
  const nowMs = params.now.getTime();
  if (Number.isNaN(nowMs)) throw new RangeError('segmentSizeHistory: now is not a valid date');
  const segment = await getSegment(db, scope.workspaceId, params.segmentId);
  if (!segment) return fail(notFound('segment', params.segmentId));
  const days = Math.max(1, Math.floor(params.days));
  const todayStart = Math.floor(nowMs / DAY_MS) * DAY_MS;
  const firstDayMs = todayStart - (days - 1) * DAY_MS;
  const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const firstDay = dayOf(firstDayMs);
  const end = new Date(todayStart + DAY_MS).toISOString();
  const rows = await queryRows<{ bucket: number; delta: number }>(
    db,
    sql`select greatest((e.at at time zone 'UTC')::date - ${firstDay}::date, 0) as bucket,
        sum(e.delta)::int as delta
      from segment_members sm
      cross join lateral (values (sm.entered_at, 1), (sm.left_at, -1)) as e(at, delta)
      where sm.segment_id = ${params.segmentId} and sm.workspace_id = ${scope.workspaceId}
        and e.at < ${end}::timestamptz
        ${
          scope.onlyOwnerId
            ? sql`and exists (select 1 from clients c where c.id = sm.client_id and c.owner_id = ${scope.onlyOwnerId})`
            : sql``
        }
      group by 1`,
  );
  const deltas = new Array<number>(days).fill(0);
  for (const row of rows) {
    const bucket = Number(row.bucket);
    deltas[bucket] = (deltas[bucket] ?? 0) + Number(row.delta);
  }
  let size = 0;
  const points = deltas.map((delta, i) => {
    size += delta;
    return { day: dayOf(firstDayMs + i * DAY_MS), size };
  });
  return ok({ points });
}
