import type { PhoneType } from '@cb/domain';
import { index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { clients } from './clients.ts';
import { id, tstz } from './columns.ts';

export const clientPhones = pgTable(
  'client_phones',
  {
    id: id(),
    // The client's (cascading) foreign key implies the workspace: no second check per row.
    workspaceId: uuid('workspace_id').notNull(),
    clientId: uuid('client_id')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    /** Normalized E.164, the only form that is searched and compared. */
    e164: text('e164').notNull(),
    /** As the user or the file wrote it. */
    raw: text('raw').notNull(),
    type: text('type').$type<PhoneType>().notNull().default('mobile'),
    verifiedAt: tstz('verified_at'),
    position: integer('position').notNull().default(0),
  },
  (t) => [
    index('client_phones_e164_idx').on(t.workspaceId, t.e164),
    index('client_phones_client_idx').on(t.clientId),
  ],
);
