import { index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { clients } from './clients.ts';
import { createdAt, id, tstz, workspaceId } from './columns.ts';
import { users } from './users.ts';

export const tasks = pgTable(
  'tasks',
  {
    id: id(),
    workspaceId: workspaceId(),
    clientId: uuid('client_id').references(() => clients.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    dueAt: tstz('due_at'),
    doneAt: tstz('done_at'),
    assigneeId: uuid('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    index('tasks_client_idx').on(t.clientId),
    index('tasks_workspace_open_idx').on(t.workspaceId, t.doneAt, t.dueAt),
  ],
);
