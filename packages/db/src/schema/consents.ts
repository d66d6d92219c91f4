import type { ConsentProof, ConsentPurpose, ContactChannel } from '@cb/domain';
import { boolean, index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { clients } from './clients.ts';
import { createdAt, id, tstz, workspaceId } from './columns.ts';
import { users } from './users.ts';

/**
 * The consent ledger: one row per grant or withdrawal, never updated. The latest row per client,
 * channel and purpose is the one in force.
 */
export const consents = pgTable(
  'consents',
  {
    id: id(),
    workspaceId: workspaceId(),
    clientId: uuid('client_id')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    channel: text('channel').$type<ContactChannel>().notNull(),
    purpose: text('purpose').$type<ConsentPurpose>().notNull(),
    granted: boolean('granted').notNull(),
    at: tstz('at').notNull(),
    proof: jsonb('proof').$type<ConsentProof>().notNull(),
    recordedBy: uuid('recorded_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [index('consents_client_idx').on(t.clientId, t.channel, t.purpose, t.at)],
);
