import { sql } from 'drizzle-orm';
import { bigserial, index, pgTable, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { clients } from './clients.ts';
import { tstz, workspaceId } from './columns.ts';
import { segments } from './segments.ts';

/**
 * Membership spells: a row per stay of a client in a segment. The open spell (left_at null) is the
 * current membership; closed ones are the history that "size over time" is drawn from.
 */
export const segmentMembers = pgTable(
  'segment_members',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workspaceId: workspaceId(),
    segmentId: uuid('segment_id')
      .notNull()
      .references(() => segments.id, { onDelete: 'cascade' }),
    clientId: uuid('client_id')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    enteredAt: tstz('entered_at').notNull(),
    leftAt: tstz('left_at'),
  },
  (t) => [
    uniqueIndex('segment_members_open_key').on(t.segmentId, t.clientId).where(sql`${t.leftAt} is null`),
    index('segment_members_client_idx').on(t.clientId),
  ],
);
