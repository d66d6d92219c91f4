import type {
  ConsentPurpose,
  ContactChannel,
  Result,
  SourceChannel,
  Stage,
  TemperatureLevel,
} from '@cb/domain';
import { fail, ok } from '@cb/domain';
import { and, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { clients } from '../schema/clients.ts';
import type { ReadScope } from './context.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

export type ClientListFilter = {
  stage?: Stage[] | undefined;
  temperature?: TemperatureLevel[] | undefined;
  sourceChannel?: SourceChannel[] | undefined;
  batchId?: string | undefined;
  /** Clients having any of these tags. */
  tags?: string[] | undefined;
  /** An owner's id, or null for clients without an owner. */
  ownerId?: string | null | undefined;
  city?: string | undefined;
  segmentId?: string | undefined;
  consent?: { channel: ContactChannel; purpose: ConsentPurpose } | undefined;
  /** Archived clients are hidden unless asked for (or unless the stage filter names them). */
  includeArchived?: boolean | undefined;
};

export const clientSortFields = ['createdAt', 'updatedAt', 'displayName', 'temperatureScore'] as const;
export type ClientSortField = (typeof clientSortFields)[number];
export type ClientSort = { field: ClientSortField; direction: 'asc' | 'desc' };

export type ClientListParams = {
  filter?: ClientListFilter | undefined;
  sort?: ClientSort | undefined;
  cursor?: string | null | undefined;
  limit?: number | undefined;
};

export type ClientListItem = {
  id: string;
  kind: 'person' | 'company';
  displayName: string;
  city: string | null;
  stage: Stage;
  temperatureLevel: TemperatureLevel | null;
  temperatureScore: number | null;
  tags: string[];
  ownerId: string | null;
  sourceChannel: SourceChannel;
  sourceBatchId: string | null;
  externalId: string | null;
  phone: string | null;
  email: string | null;
  createdAt: Date;
  updatedAt: Date;
};

/**
 * The outer client's id, always qualified: drizzle renders columns of a single-table select
 * unqualified, and inside a sub-select an unqualified `id` would bind to the inner table.
 */
const clientIdRef = sql.raw('"clients"."id"');

/** The columns of a list row; the primary phone and e-mail come from correlated sub-selects. */
export const listItemColumns = {
  id: clients.id,
  kind: clients.kind,
  displayName: clients.displayName,
  city: clients.city,
  stage: clients.stage,
  temperatureLevel: clients.temperatureLevel,
  temperatureScore: clients.temperatureScore,
  tags: clients.tags,
  ownerId: clients.ownerId,
  sourceChannel: clients.sourceChannel,
  sourceBatchId: clients.sourceBatchId,
  externalId: clients.externalId,
  phone: sql<
    string | null
  >`(select p.e164 from client_phones p where p.client_id = ${clientIdRef} order by p.position limit 1)`,
  email: sql<
    string | null
  >`(select e.address from client_emails e where e.client_id = ${clientIdRef} order by e.position limit 1)`,
  createdAt: clients.createdAt,
  updatedAt: clients.updatedAt,
};

/** The sort expression; nullable scores sort as -1 so keyset comparison stays total. */
function sortExpression(field: ClientSortField): SQL {
  switch (field) {
    case 'createdAt':
      return sql`${clients.createdAt}`;
    case 'updatedAt':
      return sql`${clients.updatedAt}`;
    case 'displayName':
      return sql`${clients.displayName}`;
    case 'temperatureScore':
      return sql`coalesce(${clients.temperatureScore}, -1)`;
  }
}

/** PostgreSQL's text form of a timestamptz, as the cursor carries it (microseconds and all). */
const TIMESTAMP_TEXT = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2})?|Z)?$/;

/**
 * Turns a decoded cursor value back into a typed SQL parameter, or null when it does not fit the
 * sort. Timestamps travel as PostgreSQL text, not as JS dates, which would drop the microseconds
 * and make the keyset skip or repeat rows.
 */
function cursorParam(field: ClientSortField, value: string | number | null): SQL | null {
  switch (field) {
    case 'createdAt':
    case 'updatedAt':
      return typeof value === 'string' && TIMESTAMP_TEXT.test(value) ? sql`${value}::timestamptz` : null;
    case 'displayName':
      return typeof value === 'string' ? sql`${value}::text` : null;
    case 'temperatureScore':
      return typeof value === 'number' && Number.isInteger(value) ? sql`${value}::int` : null;
  }
}

export function clientFilterConditions(scope: ReadScope, filter: ClientListFilter = {}): (SQL | undefined)[] {
  const showArchived = filter.includeArchived || filter.stage?.includes('archived');
  return [
    eq(clients.workspaceId, scope.workspaceId),
    scope.onlyOwnerId ? eq(clients.ownerId, scope.onlyOwnerId) : undefined,
    showArchived ? undefined : sql`${clients.archivedAt} is null`,
    // A client merged into another is history, never a row of a list (archived or not).
    sql`${clients.mergedIntoId} is null`,
    filter.stage?.length ? inArray(clients.stage, filter.stage) : undefined,
    filter.temperature?.length ? inArray(clients.temperatureLevel, filter.temperature) : undefined,
    filter.sourceChannel?.length ? inArray(clients.sourceChannel, filter.sourceChannel) : undefined,
    filter.batchId ? eq(clients.sourceBatchId, filter.batchId) : undefined,
    filter.tags?.length ? sql`${clients.tags} && ${sql.param(filter.tags)}::text[]` : undefined,
    filter.ownerId === null ? sql`${clients.ownerId} is null` : undefined,
    filter.ownerId ? eq(clients.ownerId, filter.ownerId) : undefined,
    filter.city ? sql`lower(${clients.city}) = lower(${filter.city.trim()})` : undefined,
    filter.segmentId
      ? sql`exists (select 1 from segment_members sm where sm.client_id = ${clientIdRef}
          and sm.segment_id = ${filter.segmentId} and sm.left_at is null)`
      : undefined,
    filter.consent
      ? sql`coalesce((select c.granted from consents c where c.client_id = ${clientIdRef}
          and c.channel = ${filter.consent.channel} and c.purpose = ${filter.consent.purpose} and c.at <= now()
          order by c.at desc, c.created_at desc limit 1), false)`
      : undefined,
  ];
}

/** A page of clients, filtered and sorted, with a keyset cursor for the next page. */
export async function listClients(
  db: Executor,
  scope: ReadScope,
  params: ClientListParams = {},
): Promise<
  Result<{ items: ClientListItem[]; nextCursor: string | null }, { field: string; message: string }>
> {
  const sort = params.sort ?? { field: 'createdAt', direction: 'desc' };
  const limit = Math.min(Math.max(params.limit ?? 50, 1), 500);
  const expr = sortExpression(sort.field);
  const conditions = clientFilterConditions(scope, params.filter);
  if (params.cursor) {
    const decoded = decodeCursor(params.cursor);
    const value = decoded ? cursorParam(sort.field, decoded.value) : null;
    if (!decoded || !value)
      return fail({ field: 'cursor', message: 'The cursor is not valid for this sort' });
    conditions.push(
      sort.direction === 'asc'
        ? sql`(${expr}, ${clients.id}) > (${value}, ${decoded.id}::uuid)`
        : sql`(${expr}, ${clients.id}) < (${value}, ${decoded.id}::uuid)`,
    );
  }
  const direction = sort.direction === 'asc' ? sql`asc` : sql`desc`;
  const rows = await db
    .select({ ...listItemColumns, sortValue: sql<string | number>`${expr}` })
    .from(clients)
    .where(and(...conditions))
    .orderBy(sql`${expr} ${direction}`, sql`${clients.id} ${direction}`)
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const items = page.map(({ sortValue: _sortValue, ...item }) => item as ClientListItem);
  return ok({
    items,
    nextCursor: rows.length > limit && last ? encodeCursor(last.sortValue, last.id) : null,
  });
}
