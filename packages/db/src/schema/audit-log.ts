import { bigserial, index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { tstz, workspaceId } from './columns.ts';

/** Who did what to which record, with the record before and after. Written in the mutation's transaction. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workspaceId: workspaceId(),
    /** A user id, or null for the system (worker, import) and operators. */
    actorId: uuid('actor_id'),
    actorKind: text('actor_kind').$type<'user' | 'api_token' | 'system' | 'operator'>().notNull(),
    /** An operator's login on the server (`pnpm cb`), who has no account to point to. */
    actorName: text('actor_name'),
    action: text('action').notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id'),
    before: jsonb('before'),
    after: jsonb('after'),
    requestId: text('request_id'),
    at: tstz('at').notNull().defaultNow(),
  },
  (t) => [
    index('audit_log_workspace_idx').on(t.workspaceId, t.id),
    index('audit_log_entity_idx').on(t.workspaceId, t.entity, t.entityId),
  ],
);
