import { jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export type WorkspaceSettings = {
  /** ISO 3166 region used to read phone numbers written without a country code. */
  defaultRegion?: string;
  /** A customer with no purchase for this many days becomes lapsed. */
  lapsedAfterDays?: number;
  /** When true, a phone number may belong to one client only (CONFLICT otherwise). */
  uniquePhones?: boolean;
  /** When true, managers see and change only the clients they own. */
  managersSeeOwnClientsOnly?: boolean;
  /** When true, an import keeps the valid part of a row that has invalid cells. */
  allowPartialRows?: boolean;
};

export const workspaces = pgTable('workspaces', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  settings: jsonb('settings').$type<WorkspaceSettings>().notNull().default({}),
  /** The workspace's temperature policy (validated by `@cb/domain`); null means the default. */
  temperaturePolicy: jsonb('temperature_policy').$type<unknown>(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});
