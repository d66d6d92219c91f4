import { index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, id, updatedAt, workspaceId } from './columns.ts';

/** A live rule (recomputed) or a static list (members added by hand). */
export const segments = pgTable(
  'segments',
  {
    id: id(),
    workspaceId: workspaceId(),
    name: text('name').notNull(),
    kind: text('kind').$type<'rule' | 'static'>().notNull().default('rule'),
    /** The rule tree, validated by `@cb/domain` ZSegmentRule; null for static lists. */
    rule: jsonb('rule').$type<unknown>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('segments_workspace_idx').on(t.workspaceId)],
);
