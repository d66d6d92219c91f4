import { sql } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { queryRows, toDate } from '../raw.ts';

export type RfmScoresRow = {
  clientId: string;
  lastPurchaseAt: Date;
  purchaseCount: number;
  monetaryKopecks: number;
  r: 1 | 2 | 3 | 4 | 5;
  f: 1 | 2 | 3 | 4 | 5;
  m: 1 | 2 | 3 | 4 | 5;
};

type Row = {
  client_id: string;
  last_at: string | Date;
  cnt: number;
  total: number;
  r: number;
  f: number;
  m: number;
};

/**
 * R, F and M quintile scores of one client against the workspace's base (every live client with a
 * purchase), computed in SQL exactly as `@cb/domain` `computeRfm` defines them:
 * `least(5, 1 + floor(5 * percent_rank()))`, written in exact integers as
 * `least(5, 1 + (5 * (rank() - 1)) / greatest(n - 1, 1))`. Null when the client has no purchase.
 */
export async function clientRfmScores(
  db: Executor,
  params: { workspaceId: string; clientId: string },
): Promise<RfmScoresRow | null> {
  const rows = await queryRows<Row>(
    db,
    sql`with agg as (
        select p.client_id, max(p.at) as last_at, count(*)::int as cnt, sum(p.amount_kopecks) as total
        from purchases p join clients c on c.id = p.client_id
        where p.workspace_id = ${params.workspaceId} and c.archived_at is null
        group by p.client_id
      ), scored as (
        select client_id, last_at, cnt, total,
          least(5, 1 + (5 * (rank() over (order by last_at) - 1)) / greatest(count(*) over () - 1, 1))::int as r,
          least(5, 1 + (5 * (rank() over (order by cnt) - 1)) / greatest(count(*) over () - 1, 1))::int as f,
          least(5, 1 + (5 * (rank() over (order by total) - 1)) / greatest(count(*) over () - 1, 1))::int as m
        from agg
      )
      select client_id, last_at, cnt, total::float8 as total, r, f, m from scored
      where client_id = ${params.clientId}`,
  );
  const row = rows[0];
  if (!row) return null;
  return {
    clientId: row.client_id,
    lastPurchaseAt: toDate(row.last_at)!,
    purchaseCount: Number(row.cnt),
    monetaryKopecks: Number(row.total),
    r: Number(row.r) as RfmScoresRow['r'],
    f: Number(row.f) as RfmScoresRow['f'],
    m: Number(row.m) as RfmScoresRow['m'],
  };
}
