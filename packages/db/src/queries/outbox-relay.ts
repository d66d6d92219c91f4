import type { DatabaseHandle } from '../client.ts';
import { execute, type SqlExecutor } from '../session.ts';

/**
 * The outbox statements the worker's relay needs, at the driver level: the relay runs them on the
 * very connection its job queue inserts the jobs on (see `session.ts`), in one transaction.
 */

export type OutboxRow = { id: string; workspaceId: string; topic: string; payload: unknown };

/**
 * Locks up to `limit` pending rows, oldest first. `skip locked` lets any number of relays run at
 * once: each claims rows no other open transaction holds, so no row is relayed twice.
 */
export async function claimPendingOutbox(execute: SqlExecutor, limit: number): Promise<OutboxRow[]> {
  const { rows } = await execute(
    `select id::text as id, workspace_id::text as workspace_id, topic, payload
       from outbox
      where relayed_at is null
      order by id
      limit $1
      for update skip locked`,
    [limit],
  );
  return rows.map((row) => ({
    id: String(row.id),
    workspaceId: String(row.workspace_id),
    topic: String(row.topic),
    payload: row.payload,
  }));
}

export async function markOutboxRelayed(execute: SqlExecutor, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await execute('update outbox set relayed_at = now() where id = any($1::int8[])', [ids]);
}

/** Deletes rows relayed more than `olderThanDays` ago, in slices so no statement runs long. */
export async function pruneRelayedOutbox(database: DatabaseHandle, olderThanDays: number): Promise<number> {
  const slice = 5000;
  let deleted = 0;
  for (;;) {
    const { rows } = await execute(
      database,
      `with doomed as (
         select id from outbox
          where relayed_at is not null and relayed_at < now() - make_interval(days => $1::int)
          limit $2
       )
       delete from outbox where id in (select id from doomed) returning id`,
      [olderThanDays, slice],
    );
    deleted += rows.length;
    if (rows.length < slice) return deleted;
  }
}

/** Rows still waiting for the relay (for health checks and tests). */
export async function countPendingOutbox(database: DatabaseHandle): Promise<number> {
  const { rows } = await execute(database, 'select count(*)::int as n from outbox where relayed_at is null');
  return Number(rows[0]?.n ?? 0);
}
