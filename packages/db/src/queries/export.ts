import type { ClientKind, CustomValue, SourceChannel, Stage, TemperatureLevel } from '@cb/domain';
import { fail, ok, type Result } from '@cb/domain';
import { and, eq, inArray, or, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { queryRows } from '../raw.ts';
import { clients } from '../schema/clients.ts';
import { savedViews } from '../schema/saved-views.ts';
import { segments } from '../schema/segments.ts';
import {
  type ClientListFilter,
  type ClientSort,
  type ClientSortField,
  clientFilterConditions,
  clientSortFields,
} from './client-list.ts';
import { searchClients } from './client-search.ts';
import type { ReadScope } from './context.ts';
import { type DbFailure, notFound } from './failures.ts';

/*
 * Exports read the clients list set by set: a keyset cursor over (sort value, id) in pages of a few
 * thousand rows, each page one statement. No transaction is held between pages (an embedded PGlite
 * has one connection, and a slow download must not block the app), so a row changed during a long
 * export shows as it is when its page is read; the keyset never repeats nor skips a row that stays.
 */

/** Where the rows of an export come from, as the caller named it. */
export type ExportSource =
  | { kind: 'all' }
  | {
      kind: 'filter';
      filter?: ClientListFilter | undefined;
      sort?: ClientSort | undefined;
      q?: string | undefined;
    }
  /** A rule segment or a static list (a segment of kind `static`): its current members. */
  | { kind: 'segment'; segmentId: string }
  | { kind: 'view'; viewId: string };

/** The rows to read: what a source comes to once its view or segment is looked up. */
export type ExportSelection = {
  filter: ClientListFilter;
  sort: ClientSort;
  /** A search, as the list runs it (it ignores the filter): the search's hits only. */
  q: string | null;
  /** The columns a saved view shows (the list's keys), when the source is a view. */
  viewColumns: string[] | null;
  /** The view's or segment's name, for the file name and the audit row. */
  name: string | null;
};

export const DEFAULT_EXPORT_SORT: ClientSort = { field: 'createdAt', direction: 'desc' };

/** The most hits a search source exports: the list shows no more than this for one query. */
export const EXPORT_SEARCH_MAX = 100;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A stored view's sort, if it is one the list still accepts. */
function storedSort(value: unknown): ClientSort | null {
  if (!isRecord(value)) return null;
  const field = clientSortFields.find((f) => f === value.field);
  const direction = value.direction === 'asc' || value.direction === 'desc' ? value.direction : null;
  return field && direction ? { field, direction } : null;
}

/**
 * Looks up the view or segment a source names. A view must be visible to `userId` (their own, or
 * shared); without a `userId` (the operator's CLI) any view of the workspace will do. Another
 * workspace's view or segment is `not_found`, like one that does not exist.
 */
export async function resolveExportSource(
  db: Executor,
  scope: ReadScope & { userId?: string | null | undefined },
  source: ExportSource,
): Promise<Result<ExportSelection, DbFailure>> {
  switch (source.kind) {
    case 'all':
      return ok({ filter: {}, sort: DEFAULT_EXPORT_SORT, q: null, viewColumns: null, name: null });
    case 'filter':
      return ok({
        filter: source.filter ?? {},
        sort: source.sort ?? DEFAULT_EXPORT_SORT,
        q: source.q?.trim() || null,
        viewColumns: null,
        name: null,
      });
    case 'segment': {
      const [row] = await db
        .select({ id: segments.id, name: segments.name })
        .from(segments)
        .where(and(eq(segments.workspaceId, scope.workspaceId), eq(segments.id, source.segmentId)));
      if (!row) return fail(notFound('segment', source.segmentId));
      return ok({
        filter: { segmentId: row.id },
        sort: DEFAULT_EXPORT_SORT,
        q: null,
        viewColumns: null,
        name: row.name,
      });
    }
    case 'view': {
      const [row] = await db
        .select({ name: savedViews.name, state: savedViews.state })
        .from(savedViews)
        .where(
          and(
            eq(savedViews.workspaceId, scope.workspaceId),
            eq(savedViews.id, source.viewId),
            scope.userId ? or(eq(savedViews.userId, scope.userId), eq(savedViews.shared, true)) : undefined,
          ),
        );
      if (!row) return fail(notFound('view', source.viewId));
      // The state was validated by the API when the view was saved, and may only grow since.
      const state = row.state;
      const q = typeof state.q === 'string' ? state.q.trim() : '';
      const columns = Array.isArray(state.columns)
        ? state.columns.filter((c): c is string => typeof c === 'string')
        : null;
      return ok({
        filter: isRecord(state.filter) ? (state.filter as ClientListFilter) : {},
        sort: storedSort(state.sort) ?? DEFAULT_EXPORT_SORT,
        q: q || null,
        viewColumns: columns,
        name: row.name,
      });
    }
  }
}

/** One client as an export reads it: every exportable field, dates already formatted. */
export type ExportClientRow = {
  id: string;
  kind: ClientKind;
  displayName: string;
  lastName: string | null;
  firstName: string | null;
  patronymic: string | null;
  legalName: string | null;
  inn: string | null;
  kpp: string | null;
  /** E.164, in the client's order. */
  phones: string[];
  emails: string[];
  /** `YYYY-MM-DD`. */
  birthday: string | null;
  city: string | null;
  address: string | null;
  tags: string[];
  stage: Stage;
  temperatureLevel: TemperatureLevel | null;
  temperatureScore: number | null;
  sourceChannel: SourceChannel;
  /** The source batch's name. */
  sourceBatch: string | null;
  externalId: string | null;
  /** The owner's name. */
  owner: string | null;
  /** `YYYY-MM-DD HH:MM` in the export's time zone. */
  createdAt: string;
  updatedAt: string;
  custom: Record<string, CustomValue>;
};

export type ExportReadOptions = {
  /** Rows per statement (default 2,000). */
  pageSize?: number | undefined;
  /** IANA zone for `createdAt` / `updatedAt` (default UTC). */
  timeZone?: string | undefined;
  /** Region for reading a search query's phone written without a country code (default RU). */
  region?: string | undefined;
};

export const EXPORT_PAGE_SIZE = 2_000;

const clientRef = (column: string) => sql.raw(`"clients"."${column}"`);

function sortExpression(field: ClientSortField): SQL {
  switch (field) {
    case 'createdAt':
      return sql`${clientRef('created_at')}`;
    case 'updatedAt':
      return sql`${clientRef('updated_at')}`;
    case 'displayName':
      return sql`${clientRef('display_name')}`;
    case 'temperatureScore':
      return sql`coalesce(${clientRef('temperature_score')}, -1)`;
  }
}

/** The last sort value read, back as a typed parameter (timestamps keep their microseconds as text). */
function keysetParam(field: ClientSortField, value: string): SQL {
  switch (field) {
    case 'createdAt':
    case 'updatedAt':
      return sql`${value}::timestamptz`;
    case 'displayName':
      return sql`${value}::text`;
    case 'temperatureScore':
      return sql`${value}::int`;
  }
}

function exportColumns(timeZone: string) {
  const instant = (column: string) =>
    sql<string>`to_char(${clientRef(column)} at time zone ${timeZone}, 'YYYY-MM-DD HH24:MI')`;
  return {
    id: clients.id,
    kind: clients.kind,
    displayName: clients.displayName,
    lastName: clients.lastName,
    firstName: clients.firstName,
    patronymic: clients.patronymic,
    legalName: clients.legalName,
    inn: clients.inn,
    kpp: clients.kpp,
    phones: sql<string[]>`array(select p.e164 from client_phones p
      where p.client_id = ${clientRef('id')} order by p.position, p.id)`,
    emails: sql<string[]>`array(select e.address from client_emails e
      where e.client_id = ${clientRef('id')} order by e.position, e.id)`,
    birthday: sql<string | null>`to_char(${clientRef('birthday')}, 'YYYY-MM-DD')`,
    city: clients.city,
    address: clients.address,
    tags: clients.tags,
    stage: clients.stage,
    temperatureLevel: clients.temperatureLevel,
    temperatureScore: clients.temperatureScore,
    sourceChannel: clients.sourceChannel,
    sourceBatch: sql<
      string | null
    >`(select b.name from batches b where b.id = ${clientRef('source_batch_id')})`,
    externalId: clients.externalId,
    owner: sql<string | null>`(select u.name from users u where u.id = ${clientRef('owner_id')})`,
    createdAt: instant('created_at'),
    updatedAt: instant('updated_at'),
    custom: clients.custom,
  };
}

/**
 * The selected clients, page by page in the selection's sort, for an export to write as they
 * come: memory holds one page whatever the size of the base. Clients merged into another are
 * never exported (the survivor stands for them).
 */
export async function* readExportPages(
  db: Executor,
  scope: ReadScope,
  selection: Pick<ExportSelection, 'filter' | 'sort' | 'q'>,
  options: ExportReadOptions = {},
): AsyncGenerator<ExportClientRow[]> {
  const pageSize = Math.min(Math.max(options.pageSize ?? EXPORT_PAGE_SIZE, 1), 10_000);
  const timeZone = options.timeZone ?? 'UTC';
  const { sort } = selection;
  const expr = sortExpression(sort.field);
  const base: (SQL | undefined)[] = [sql`${clientRef('merged_into_id')} is null`];
  if (selection.q) {
    // What the list shows for a search: its hits, whatever the filter says.
    const hits = await searchClients(db, scope, {
      q: selection.q,
      limit: EXPORT_SEARCH_MAX,
      region: options.region,
    });
    if (hits.length === 0) return;
    base.push(
      ...clientFilterConditions(scope, {}),
      inArray(
        clients.id,
        hits.map((h) => h.id),
      ),
    );
  } else {
    base.push(...clientFilterConditions(scope, selection.filter));
  }
  const direction = sort.direction === 'asc' ? sql`asc` : sql`desc`;
  const columns = exportColumns(timeZone);
  let after: { value: string; id: string } | null = null;
  for (;;) {
    const keyset: SQL | undefined = after
      ? sort.direction === 'asc'
        ? sql`(${expr}, ${clientRef('id')}) > (${keysetParam(sort.field, after.value)}, ${after.id}::uuid)`
        : sql`(${expr}, ${clientRef('id')}) < (${keysetParam(sort.field, after.value)}, ${after.id}::uuid)`
      : undefined;
    const rows: (ExportClientRow & { sortValue: string })[] = await db
      .select({ ...columns, sortValue: sql<string>`(${expr})::text` })
      .from(clients)
      .where(and(...base, keyset))
      .orderBy(sql`${expr} ${direction}`, sql`${clientRef('id')} ${direction}`)
      .limit(pageSize);
    if (rows.length === 0) return;
    const last = rows.at(-1)!;
    after = { value: last.sortValue, id: last.id };
    yield rows.map(({ sortValue: _sortValue, ...row }) => ({
      ...row,
      // Both drivers read `text[]` as arrays; a null guard costs nothing against a driver change.
      phones: row.phones ?? [],
      emails: row.emails ?? [],
      tags: row.tags ?? [],
      custom: row.custom ?? {},
    }));
    if (rows.length < pageSize) return;
  }
}

/** The workspace's custom fields (key → label), for `custom.<key>` columns and their headers. */
export async function exportCustomFields(db: Executor, workspaceId: string): Promise<Map<string, string>> {
  const rows = await queryRows<{ key: string; label: string }>(
    db,
    sql`select key, label from custom_field_definitions where workspace_id = ${workspaceId} order by created_at, key`,
  );
  return new Map(rows.map((r) => [r.key, r.label]));
}
