import { boolean, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, updatedAt, workspaceId } from './columns.ts';
import { users } from './users.ts';

/**
 * A saved view of the clients list (search, filter, sort, columns), owned by one member. The
 * owner may share it: other members of the workspace then see it too, but only the owner may
 * change or remove it. `state` is validated by the API before it is stored.
 */
export const savedViews = pgTable(
  'saved_views',
  {
    id: id(),
    workspaceId: workspaceId(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    state: jsonb('state').$type<Record<string, unknown>>().notNull(),
    shared: boolean('shared').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('saved_views_owner_name_key').on(t.workspaceId, t.userId, t.name)],
);
