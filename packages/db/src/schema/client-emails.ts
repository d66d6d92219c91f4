import type { EmailType } from '@cb/domain';
import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { clients } from './clients.ts';
import { id, tstz } from './columns.ts';

export const clientEmails = pgTable(
  'client_emails',
  {
    id: id(),
    // The client's (cascading) foreign key implies the workspace: no second check per row.
    workspaceId: uuid('workspace_id').notNull(),
    clientId: uuid('client_id')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    /** Normalized: trimmed, lowercased, IDN domain in punycode. */
    address: text('address').notNull(),
    type: text('type').$type<EmailType>().notNull().default('work'),
    verifiedAt: tstz('verified_at'),
    position: integer('position').notNull().default(0),
  },
  (t) => [
    index('client_emails_address_idx').on(t.workspaceId, t.address),
    // Prefix search (`address like 'ivan%'`) whatever the database's collation.
    index('client_emails_prefix_idx').on(t.workspaceId, sql`${t.address} text_pattern_ops`),
    index('client_emails_client_idx').on(t.clientId),
  ],
);
