import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { observeElementRect, useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import {
  type KeyboardEvent,
  type ReactNode,
  useCallback,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
} from 'react';
import { useTranslation } from 'react-i18next';
import { trpc } from '../../api/trpc.ts';
import { useFormat, useLocale } from '../../i18n/format.ts';
import { Empty, ErrorState, Loading } from '../../ui/states.tsx';
import { type CellContext, type ClientRow, columnDefs } from './columns.tsx';
import { type ClientSort, type ColumnKey, defaultColumns, nextSort } from './filters.ts';
import './clients.css';

export type { ClientRow } from './columns.tsx';
export type { ClientSort, ColumnKey } from './filters.ts';

export type ClientPage = { items: ClientRow[]; nextCursor: string | null };

export type ExtraColumn = {
  key: string;
  header: string;
  cell: (row: ClientRow & Record<string, unknown>) => ReactNode;
};

export type ClientTableProps = {
  /** The key of the pages in the query cache; start it with the router name (`['clients', …]`, `['segments', …]`). */
  queryKey: readonly unknown[];
  /** One keyset page: `null` asks for the first. */
  fetchPage: (cursor: string | null) => Promise<ClientPage>;
  columns?: readonly ColumnKey[];
  selectable?: boolean;
  selected?: ReadonlySet<string>;
  onSelectedChange?: (ids: Set<string>) => void;
  emptyTitle?: string;
  emptyHint?: string;
  emptyAction?: ReactNode;
  extraColumns?: ExtraColumn[];
  /** The current sort; with `onSortChange`, the sortable headers become buttons. */
  sort?: ClientSort | undefined;
  onSortChange?: (sort: ClientSort) => void;
  /** The table's accessible name. */
  label?: string;
};

/** Rows are one line high and all the same height: the virtualizer never has to measure them. */
const ROW_HEIGHT = 44;
/** The sticky header row's height: where the first row starts inside the scroll box. */
const HEADER_HEIGHT = 40;
/** Rows rendered beyond the visible ones, so fast scrolling and Tab find them already there. */
const OVERSCAN = 12;
/** The next page is asked for when fewer than this many loaded rows are left below the visible ones. */
const LOAD_AHEAD = 40;
const CHECKBOX_WIDTH = 2.5;
const EXTRA_WIDTH = 10;

/**
 * The table's height before it has a layout of its own (first paint, or an environment without one):
 * the window's, so the first screenful of rows renders at once.
 */
const observeRect: typeof observeElementRect = (instance, cb) =>
  observeElementRect(instance, (rect) =>
    cb(rect.height > 0 ? rect : { width: rect.width, height: globalThis.innerHeight || 600 }),
  );

/**
 * A virtualized, keyset-paged table of clients: pages load as the user scrolls (never everything),
 * only the visible rows are in the DOM, so it stays smooth on a base of a million. A real `<table>`
 * (spacer rows above and below the rendered window) keeps native table semantics for screen
 * readers; the name cell links to the client's card, and ↑/↓ move between those links.
 */
export function ClientTable({
  queryKey,
  fetchPage,
  columns = defaultColumns,
  selectable = false,
  selected,
  onSelectedChange,
  emptyTitle,
  emptyHint,
  emptyAction,
  extraColumns = [],
  sort,
  onSortChange,
  label,
}: ClientTableProps) {
  const { t } = useTranslation('clients');
  const format = useFormat();
  const locale = useLocale();
  const statusId = useId();

  const query = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  const rows = useMemo(() => query.data?.pages.flatMap((p) => p.items) ?? [], [query.data]);

  const shown = useMemo(() => {
    const keys = columns.filter((k) => k in columnDefs);
    return keys.includes('name') ? keys : (['name', ...keys] as ColumnKey[]);
  }, [columns]);

  const members = useQuery({
    queryKey: ['members', 'list'],
    queryFn: () => trpc.members.list.query(),
    staleTime: 5 * 60_000,
    enabled: shown.includes('owner'),
  });
  const ownerNames = useMemo(
    () => new Map((members.data?.items ?? []).map((m) => [m.userId, m.name || m.email])),
    [members.data],
  );
  const ctx: CellContext = {
    format,
    locale,
    t,
    ownerName: (id) => (members.data ? (ownerNames.get(id) ?? null) : ''),
  };

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
    scrollMargin: HEADER_HEIGHT,
    scrollPaddingStart: HEADER_HEIGHT,
    observeElementRect: observeRect,
    getItemKey: useCallback((index: number) => rows[index]?.id ?? index, [rows]),
  });
  const virtualRows = virtualizer.getVirtualItems();
  const lastRendered = virtualRows.at(-1)?.index ?? -1;

  const { hasNextPage, isFetchingNextPage, fetchNextPage, isFetchNextPageError } = query;
  useEffect(() => {
    if (
      hasNextPage &&
      !isFetchingNextPage &&
      !isFetchNextPageError &&
      lastRendered >= rows.length - LOAD_AHEAD
    ) {
      void fetchNextPage();
    }
  }, [hasNextPage, isFetchingNextPage, isFetchNextPageError, lastRendered, rows.length, fetchNextPage]);

  const focusRow = useRowFocus(scrollRef, virtualizer, rows.length);

  const selectedCount = selected ? rows.filter((r) => selected.has(r.id)).length : 0;
  const toggleRow = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    onSelectedChange?.(next);
  };
  const toggleAll = () => {
    const next = new Set(selected);
    if (selectedCount === rows.length) for (const r of rows) next.delete(r.id);
    else for (const r of rows) next.add(r.id);
    onSelectedChange?.(next);
  };

  if (query.isPending) return <Loading label={t('loadingClients')} />;
  if (query.isError && !query.data)
    return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  if (rows.length === 0)
    return <Empty title={emptyTitle ?? t('empty.nothing')} hint={emptyHint} action={emptyAction} />;

  const columnCount = shown.length + extraColumns.length + (selectable ? 1 : 0);
  const totalWidth =
    shown.reduce((sum, k) => sum + columnDefs[k].width, 0) +
    extraColumns.length * EXTRA_WIDTH +
    (selectable ? CHECKBOX_WIDTH : 0);
  // Item offsets count from the top of the scroll box (past the header); the spacers from the first row.
  const paddingTop = (virtualRows[0]?.start ?? HEADER_HEIGHT) - HEADER_HEIGHT;
  const paddingBottom =
    virtualizer.getTotalSize() - ((virtualRows.at(-1)?.end ?? HEADER_HEIGHT) - HEADER_HEIGHT);

  return (
    <div className="client-table-wrap">
      <div className="client-table-scroll" ref={scrollRef}>
        <table
          className="data client-table"
          style={{ minWidth: `${totalWidth}rem` }}
          aria-label={label ?? t('tableLabel')}
          aria-describedby={statusId}
          aria-rowcount={hasNextPage ? -1 : rows.length + 1}
        >
          <colgroup>
            {selectable ? <col style={{ width: `${CHECKBOX_WIDTH}rem` }} /> : null}
            {shown.map((k) => (
              <col key={k} style={{ width: `${columnDefs[k].width}rem` }} />
            ))}
            {extraColumns.map((c) => (
              <col key={c.key} style={{ width: `${EXTRA_WIDTH}rem` }} />
            ))}
          </colgroup>
          <thead>
            <tr aria-rowindex={1} style={{ height: HEADER_HEIGHT }}>
              {selectable ? (
                <th scope="col" className="select-cell">
                  <input
                    type="checkbox"
                    aria-label={t('selectAllLoaded', { count: rows.length })}
                    checked={selectedCount > 0 && selectedCount === rows.length}
                    ref={(el) => {
                      if (el) el.indeterminate = selectedCount > 0 && selectedCount < rows.length;
                    }}
                    onChange={toggleAll}
                  />
                </th>
              ) : null}
              {shown.map((k) => (
                <HeaderCell key={k} column={k} sort={sort} onSortChange={onSortChange} />
              ))}
              {extraColumns.map((c) => (
                <th key={c.key} scope="col">
                  {c.header}
                </th>
              ))}
            </tr>
          </thead>
          <Spacer height={paddingTop} columns={columnCount} />
          <tbody onKeyDown={(e) => onRowKeyDown(e, focusRow)}>
            {virtualRows.map((v) => {
              const row = rows[v.index]!;
              const isSelected = selected?.has(row.id) ?? false;
              return (
                <tr
                  key={row.id}
                  data-testid="client-row"
                  data-index={v.index}
                  aria-rowindex={v.index + 2}
                  className={isSelected ? 'selected' : undefined}
                  style={{ height: ROW_HEIGHT }}
                >
                  {selectable ? (
                    <td className="select-cell">
                      <input
                        type="checkbox"
                        aria-label={t('selectClient', { name: row.displayName })}
                        checked={isSelected}
                        onChange={() => toggleRow(row.id)}
                      />
                    </td>
                  ) : null}
                  {shown.map((k) => (
                    <td key={k} className={`cell-${k}`}>
                      {columnDefs[k].cell(row, ctx)}
                    </td>
                  ))}
                  {extraColumns.map((c) => (
                    <td key={c.key}>{c.cell(row as ClientRow & Record<string, unknown>)}</td>
                  ))}
                </tr>
              );
            })}
          </tbody>
          <Spacer height={paddingBottom} columns={columnCount} />
        </table>
      </div>
      <div className="client-table-footer">
        <p id={statusId} role="status" className="muted">
          {isFetchingNextPage
            ? t('loadingMore', { count: rows.length })
            : hasNextPage
              ? t('loadedSome', { count: rows.length })
              : t('loadedAll', { count: rows.length })}
        </p>
        {query.isError ? (
          // Rows already shown stay; a failed next page (or refresh) says so below them.
          <ErrorState
            error={query.error}
            onRetry={() => void (isFetchNextPageError ? fetchNextPage() : query.refetch())}
          />
        ) : hasNextPage && !isFetchingNextPage ? (
          <button type="button" className="btn" onClick={() => void fetchNextPage()}>
            {t('common:loadMore')}
          </button>
        ) : null}
      </div>
    </div>
  );
}

/** The height of the rows not rendered above or below the window: hidden, it is not a row of the table. */
function Spacer({ height, columns }: { height: number; columns: number }) {
  if (height <= 0) return null;
  return (
    <tbody aria-hidden="true" className="spacer">
      <tr>
        <td colSpan={columns} style={{ height }} />
      </tr>
    </tbody>
  );
}

function HeaderCell({
  column,
  sort,
  onSortChange,
}: {
  column: ColumnKey;
  sort: ClientSort | undefined;
  onSortChange: ((sort: ClientSort) => void) | undefined;
}) {
  const { t } = useTranslation('clients');
  const field = columnDefs[column].sortField;
  const title = t(`columns.${column}`);
  if (!field || !onSortChange) {
    return (
      <th scope="col" className={`cell-${column}`}>
        {title}
      </th>
    );
  }
  const active = sort?.field === field ? sort.direction : null;
  return (
    <th
      scope="col"
      className={`cell-${column}`}
      aria-sort={active === 'asc' ? 'ascending' : active === 'desc' ? 'descending' : 'none'}
    >
      <button type="button" className="sort-button" onClick={() => onSortChange(nextSort(sort, field))}>
        {title}
        <span aria-hidden="true" className="sort-icon">
          {active === 'asc' ? '▲' : active === 'desc' ? '▼' : '↕'}
        </span>
      </button>
    </th>
  );
}

type FocusRow = (index: number) => void;

/** ↑/↓ on a row's link move to the link of the row above or below, scrolling it into the window first. */
function onRowKeyDown(e: KeyboardEvent<HTMLTableSectionElement>, focusRow: FocusRow) {
  if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
  const target = e.target as HTMLElement;
  if (!target.classList.contains('client-name')) return;
  const index = Number(target.closest('tr')?.dataset.index);
  if (Number.isNaN(index)) return;
  e.preventDefault();
  focusRow(index + (e.key === 'ArrowDown' ? 1 : -1));
}

/** Focus for a row that may not be rendered yet: scroll to it, then focus its link once it is. */
function useRowFocus(
  scrollRef: React.RefObject<HTMLDivElement | null>,
  virtualizer: Virtualizer<HTMLDivElement, Element>,
  count: number,
): FocusRow {
  const [pending, setPending] = useState<number | null>(null);
  useEffect(() => {
    if (pending === null) return;
    const link = scrollRef.current?.querySelector<HTMLElement>(`tr[data-index="${pending}"] .client-name`);
    if (link) {
      link.focus();
      setPending(null);
    }
  });
  return useCallback(
    (index: number) => {
      if (index < 0 || index >= count) return;
      virtualizer.scrollToIndex(index, { align: 'auto' });
      setPending(index);
    },
    [virtualizer, count],
  );
}
