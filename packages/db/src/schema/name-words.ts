import { sql } from 'drizzle-orm';
import { index, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { workspaceId } from './columns.ts';

/**
 * The lexicon of name words per workspace: every distinct word of every client's match key
 * (`ivanov`, `mariia`, `romashka`). Typo-tolerant search looks words up here by trigram
 * similarity — a small table, so that stays fast whatever the size of the base — and then finds
 * clients by exact word through `clients.name_tokens`. Kept by triggers on `clients` (see the
 * migration), so bulk inserts and imports fill it too. Words of deleted clients may linger; they
 * only ever match nothing.
 */
export const nameWords = pgTable(
  'name_words',
  {
    workspaceId: workspaceId(),
    word: text('word').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.word] }),
    index('name_words_trgm_idx').using('gin', sql`${t.word} gin_trgm_ops`),
  ],
);
