import type { Role } from '@cb/domain';
import { index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, tstz, workspaceId } from './columns.ts';
import { users } from './users.ts';

/**
 * A one-time invitation for a user without a password: whoever holds the token sets the password
 * and is signed in. Only the token's SHA-256 is stored.
 */
export const invites = pgTable(
  'invites',
  {
    tokenHash: text('token_hash').primaryKey(),
    workspaceId: workspaceId(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role').$type<Role>().notNull(),
    invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    expiresAt: tstz('expires_at').notNull(),
    usedAt: tstz('used_at'),
  },
  (t) => [index('invites_user_idx').on(t.userId)],
);
