import type { TemperatureLevel, TemperatureReason } from '@cb/domain';
import { bigserial, index, integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { clients } from './clients.ts';
import { tstz, workspaceId } from './columns.ts';

/** One row each time a client's temperature level or score changes. */
export const temperatureHistory = pgTable(
  'temperature_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workspaceId: workspaceId(),
    clientId: uuid('client_id')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    at: tstz('at').notNull(),
    level: text('level').$type<TemperatureLevel>().notNull(),
    score: integer('score').notNull(),
    reasons: jsonb('reasons').$type<TemperatureReason[]>().notNull(),
  },
  (t) => [index('temperature_history_client_idx').on(t.clientId, t.at)],
);
