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
    // Exact lookups (`address = …`, imports, duplicates) and prefix search (`address like 'ivan%'`)
    // whatever the database's collation: the pattern operator class has equality too, so a second
    // index by address would only double the cost of every e-mail stored (migration 0009).
    index('client_emails_prefix_idx').on(t.workspaceId, sql`${t.address} text_pattern_ops`),
    index('client_emails_client_idx').on(t.clientId),
  ],
);
