import type { BatchKind } from '@cb/domain';
import { bigint, date, index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, id, workspaceId } from './columns.ts';

/** One purchased list or one import file: a unit with a vendor, a date, a cost and a quality. */
export const batches = pgTable(
  'batches',
  {
    id: id(),
    workspaceId: workspaceId(),
    kind: text('kind').$type<BatchKind>().notNull(),
    name: text('name').notNull(),
    vendor: text('vendor'),
    acquiredOn: date('acquired_on', { mode: 'string' }),
    costKopecks: bigint('cost_kopecks', { mode: 'number' }),
    meta: jsonb('meta').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [index('batches_workspace_idx').on(t.workspaceId, t.createdAt)],
);
