import { bigint, char, index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { clients } from './clients.ts';
import { createdAt, id, tstz, workspaceId } from './columns.ts';

export type PurchaseLine = {
  sku?: string;
  name: string;
  quantity: number;
  priceKopecks: number;
  /** The file row it came from, for lines written by an import. */
  row?: number;
};

export const purchases = pgTable(
  'purchases',
  {
    id: id(),
    workspaceId: workspaceId(),
    clientId: uuid('client_id')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    at: tstz('at').notNull(),
    amountKopecks: bigint('amount_kopecks', { mode: 'number' }).notNull(),
    currency: char('currency', { length: 3 }).notNull().default('RUB'),
    /** Optional invoice lines; the amount is the truth for RFM. */
    lines: jsonb('lines').$type<PurchaseLine[]>(),
    externalId: text('external_id'),
    note: text('note'),
    createdAt: createdAt(),
  },
  (t) => [
    index('purchases_client_at_idx').on(t.clientId, t.at),
    index('purchases_workspace_at_idx').on(t.workspaceId, t.at),
  ],
);
