import { timestamp, uuid } from 'drizzle-orm/pg-core';
import { uuidv7 } from '../ids.ts';
import { workspaces } from './workspaces.ts';

/**
 * Shared column builders, so every table spells ids and times the same way. Ids made by the app
 * are time-ordered (`uuidv7`: indexes keyed by them grow at one edge); raw SQL gets the database's
 * random default.
 */
export const id = () =>
  uuid('id')
    .primaryKey()
    .defaultRandom()
    .$defaultFn(() => uuidv7());
export const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
export const createdAt = () => tstz('created_at').notNull().defaultNow();
export const updatedAt = () => tstz('updated_at').notNull().defaultNow();
/** Every tenant table carries its workspace, and every query filters on it. */
export const workspaceId = () =>
  uuid('workspace_id')
    .notNull()
    .references(() => workspaces.id, { onDelete: 'cascade' });
