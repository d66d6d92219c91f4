import type { InteractionDirection, InteractionKind } from '@cb/domain';
import { index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { clients } from './clients.ts';
import { createdAt, id, tstz, workspaceId } from './columns.ts';
import { users } from './users.ts';

export const interactions = pgTable(
  'interactions',
  {
    id: id(),
    workspaceId: workspaceId(),
    clientId: uuid('client_id')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<InteractionKind>().notNull(),
    direction: text('direction').$type<InteractionDirection>().notNull().default('outbound'),
    at: tstz('at').notNull(),
    summary: text('summary'),
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    index('interactions_client_at_idx').on(t.clientId, t.at),
    index('interactions_workspace_at_idx').on(t.workspaceId, t.at),
  ],
);
