import { bigint, char, index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { clients } from './clients.ts';
import { createdAt, id, tstz, workspaceId } from './columns.ts';
import { purchases } from './purchases.ts';

export const payments = pgTable(
  'payments',
  {
    id: id(),
    workspaceId: workspaceId(),
    clientId: uuid('client_id')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    purchaseId: uuid('purchase_id').references(() => purchases.id, { onDelete: 'set null' }),
    at: tstz('at').notNull(),
    amountKopecks: bigint('amount_kopecks', { mode: 'number' }).notNull(),
    currency: char('currency', { length: 3 }).notNull().default('RUB'),
    method: text('method'),
    createdAt: createdAt(),
  },
  (t) => [index('payments_client_at_idx').on(t.clientId, t.at)],
);
