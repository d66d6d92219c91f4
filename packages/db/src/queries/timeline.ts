import { type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { queryRows, toDate } from '../raw.ts';
import { clientExists } from './clients.ts';
import type { ReadScope } from './context.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

export type TimelineEntry =
  | { type: 'interaction'; id: string; at: Date; kind: string; direction: string; summary: string | null }
  | { type: 'purchase'; id: string; at: Date; amountKopecks: number; currency: string; note: string | null }
  | { type: 'payment'; id: string; at: Date; amountKopecks: number; currency: string; method: string | null }
  | { type: 'task'; id: string; at: Date; title: string; dueAt: Date | null; doneAt: Date | null }
  | { type: 'consent'; id: string; at: Date; channel: string; purpose: string; granted: boolean };

type Row = {
  type: TimelineEntry['type'];
  id: string;
  at: string;
  kind: string | null;
  direction: string | null;
  text: string | null;
  amount: number | null;
  currency: string | null;
  due_at: string | null;
  done_at: string | null;
  granted: boolean | null;
};

/**
 * One timeline of everything that happened with a client, newest first, keyset-paged on (at, id).
 * Tasks stand at their creation time.
 */
export async function clientTimeline(
  db: Executor,
  scope: ReadScope,
  params: { clientId: string; cursor?: string | null | undefined; limit?: number | undefined },
): Promise<{ items: TimelineEntry[]; nextCursor: string | null } | null> {
  if (!(await clientExists(db, scope, params.clientId))) return null;
  const limit = Math.min(Math.max(params.limit ?? 50, 1), 200);
  const decoded = params.cursor ? decodeCursor(params.cursor) : null;
  if (params.cursor && (!decoded || typeof decoded.value !== 'string')) return null;
  const id = params.clientId;
  const after: SQL = decoded
    ? sql`where (t.at, t.id) < (${decoded.value}::timestamptz, ${decoded.id}::uuid)`
    : sql``;
  const rows = await queryRows<Row>(
    db,
    sql`select * from (
      select 'interaction' as type, id, at, kind, direction, summary as text, null::float8 as amount, null::text as currency,
             null::timestamptz as due_at, null::timestamptz as done_at, null::boolean as granted
        from interactions where client_id = ${id}
      union all
      select 'purchase', id, at, null, null, note, amount_kopecks::float8, currency, null, null, null from purchases where client_id = ${id}
      union all
      select 'payment', id, at, null, null, method, amount_kopecks::float8, currency, null, null, null from payments where client_id = ${id}
      union all
      select 'task', id, created_at, null, null, title, null, null, due_at, done_at, null from tasks where client_id = ${id}
      union all
      select 'consent', id, at, channel, purpose, null, null, null, null, null, granted from consents where client_id = ${id}
    ) t ${after} order by t.at desc, t.id desc limit ${limit + 1}`,
  );
  const page = rows.slice(0, limit);
  // The cursor keeps the database's own text of `at` (microseconds), not a JS date (milliseconds).
  const last = page.at(-1);
  return {
    items: page.map(toEntry),
    nextCursor: rows.length > limit && last ? encodeCursor(String(last.at), last.id) : null,
  };
}

function toEntry(r: Row): TimelineEntry {
  const at = toDate(r.at)!;
  switch (r.type) {
    case 'interaction':
      return { type: r.type, id: r.id, at, kind: r.kind!, direction: r.direction!, summary: r.text };
    case 'purchase':
      return {
        type: r.type,
        id: r.id,
        at,
        amountKopecks: Number(r.amount),
        currency: r.currency!.trim(),
        note: r.text,
      };
    case 'payment':
      return {
        type: r.type,
        id: r.id,
        at,
        amountKopecks: Number(r.amount),
        currency: r.currency!.trim(),
        method: r.text,
      };
    case 'task':
      return {
        type: r.type,
        id: r.id,
        at,
        title: r.text!,
        dueAt: toDate(r.due_at),
        doneAt: toDate(r.done_at),
      };
    case 'consent':
      return { type: r.type, id: r.id, at, channel: r.kind!, purpose: r.direction!, granted: r.granted! };
  }
}
