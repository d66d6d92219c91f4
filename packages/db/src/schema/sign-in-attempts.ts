import { bigserial, index, pgTable, text } from 'drizzle-orm/pg-core';
import { tstz } from './columns.ts';

/**
 * Failed sign-ins, counted per e-mail and per IP over a sliding window to refuse guessing. Kept in
 * the database (not in memory) so the limit holds across several API instances.
 */
export const signInAttempts = pgTable(
  'sign_in_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** Normalized (trimmed, lowercased) as typed, whether or not such a user exists. */
    email: text('email').notNull(),
    ip: text('ip').notNull(),
    at: tstz('at').notNull().defaultNow(),
  },
  (t) => [
    index('sign_in_attempts_email_idx').on(t.email, t.at),
    index('sign_in_attempts_ip_idx').on(t.ip, t.at),
    index('sign_in_attempts_at_idx').on(t.at),
  ],
);
