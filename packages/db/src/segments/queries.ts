import type { SegmentRule } from '@cb/domain';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { clients } from '../schema/index.ts';
import { compileSegment } from './compile.ts';

export type SegmentQueryParams = {
  workspaceId: string;
  /** A rule that passed `parseSegmentRule`. */
  rule: SegmentRule;
  now: Date;
};

export type SegmentPreview = {
  count: number;
  /** The first members by display name, for the rule editor to show what the rule selects. */
  sample: { id: string; displayName: string }[];
};

/** The largest sample a preview returns. */
export const SEGMENT_PREVIEW_MAX_SAMPLE = 100;

/**
 * How many clients of the workspace the rule selects at `now`, and a few of them. Archived clients
 * are ordinary clients here: a rule that should skip them says so (`stage` not `archived`).
 */
export async function previewSegment(
  db: Executor,
  params: SegmentQueryParams & { sampleSize: number },
): Promise<SegmentPreview> {
  const where = membersWhere(params);
  const sampleSize = Math.max(0, Math.min(SEGMENT_PREVIEW_MAX_SAMPLE, Math.floor(params.sampleSize)));
  const [counted] = await db.select({ count: sql<number>`count(*)::int` }).from(clients).where(where);
  const sample =
    sampleSize === 0
      ? []
      : await db
          .select({ id: clients.id, displayName: clients.displayName })
          .from(clients)
          .where(where)
          .orderBy(asc(clients.displayName), asc(clients.id))
          .limit(sampleSize);
  return { count: Number(counted?.count ?? 0), sample };
}

/** Ids of every client of the workspace the rule selects at `now`, in id order. */
export async function segmentMemberIds(db: Executor, params: SegmentQueryParams): Promise<string[]> {
  const rows = await db
    .select({ id: clients.id })
    .from(clients)
    .where(membersWhere(params))
    .orderBy(asc(clients.id));
  return rows.map((r) => r.id);
}

function membersWhere(params: SegmentQueryParams) {
  return and(
    eq(clients.workspaceId, params.workspaceId),
    // A client merged into another is history: no rule selects it.
    sql`${clients.mergedIntoId} is null`,
    compileSegment(params.rule, { now: params.now }),
  );
}
