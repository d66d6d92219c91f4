import { sql } from 'drizzle-orm';
import { bigserial, index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, tstz, workspaceId } from './columns.ts';

/**
 * Transactional outbox: a mutation writes its follow-up work here in its own transaction, so a
 * change is never lost even if the process dies right after commit. The worker relays rows to
 * the job queue and marks them relayed.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workspaceId: workspaceId(),
    topic: text('topic').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
    relayedAt: tstz('relayed_at'),
  },
  (t) => [index('outbox_pending_idx').on(t.id).where(sql`${t.relayedAt} is null`)],
);
