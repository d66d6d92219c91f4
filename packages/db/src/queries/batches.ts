import { sql } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { queryRows } from '../raw.ts';
import type { ReadScope } from './context.ts';

export type BatchSummary = {
  id: string;
  kind: string;
  name: string;
  vendor: string | null;
  acquiredOn: string | null;
  costKopecks: number | null;
  createdAt: Date;
  clientCount: number;
};

/**
 * The workspace's purchased lists and imports, newest first, each with how many clients came from
 * it — counting only the clients the reader may see.
 */
export async function listBatches(db: Executor, scope: ReadScope): Promise<BatchSummary[]> {
  const owner = scope.onlyOwnerId ? sql`and c.owner_id = ${scope.onlyOwnerId}::uuid` : sql``;
  const rows = await queryRows<{
    id: string;
    kind: string;
    name: string;
    vendor: string | null;
    acquired_on: string | null;
    cost_kopecks: string | number | null;
    created_at: Date | string;
    client_count: string | number;
  }>(
    db,
    sql`select b.id, b.kind, b.name, b.vendor, b.acquired_on::text as acquired_on, b.cost_kopecks, b.created_at,
          (select count(*) from clients c where c.workspace_id = b.workspace_id and c.source_batch_id = b.id ${owner})
            as client_count
        from batches b
        where b.workspace_id = ${scope.workspaceId}::uuid
        order by b.created_at desc, b.id
        limit 500`,
  );
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    name: r.name,
    vendor: r.vendor,
    acquiredOn: r.acquired_on,
    costKopecks: r.cost_kopecks === null ? null : Number(r.cost_kopecks),
    createdAt: new Date(r.created_at),
    clientCount: Number(r.client_count),
  }));
}
