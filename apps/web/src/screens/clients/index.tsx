import { useQuery } from '@tanstack/react-query';
import { useCallback, useContext, useEffect, useId, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, UNSAFE_DataRouterStateContext, useLocation, useSearchParams } from 'react-router';
import { trpc } from '../../api/trpc.ts';
import { useCan } from '../../app/session.tsx';
import { Page } from '../../ui/page.tsx';
import { BulkActions } from './bulk-actions.tsx';
import { ClientTable } from './client-table.tsx';
import { ColumnChooser, useStoredColumns } from './column-chooser.tsx';
import { ExportButton } from './export-dialog.tsx';
import { FilterPanel } from './filter-panel.tsx';
import {
  activeFilterCount,
  emptyFilter,
  type FilterState,
  filterStateToInput,
  type ListInput,
  type ListState,
  listStateToSearchParams,
  searchParamsToListState,
} from './filters.ts';
import { SavedViews } from './saved-views.tsx';

/** Rows per keyset page: a few screenfuls, so scrolling rarely waits. */
export const PAGE_SIZE = 100;
/** Search answers with its best matches only, ranked; there is no next page. */
export const SEARCH_LIMIT = 100;
export const SEARCH_DEBOUNCE_MS = 200;

/**
 * The clients list. Its state (search, filters, sort) lives in the URL, so a filtered list is a
 * link and Back works; the columns are the user's own, kept in this browser.
 */
export default function ClientsScreen() {
  const { t } = useTranslation('clients');
  const canWrite = useCan('manager');
  const [params, setParams] = useSearchParams();
  const state = useMemo(() => searchParamsToListState(params), [params]);
  const [columns, setColumns] = useStoredColumns();
  const [filtersOpen, setFiltersOpen] = useState(() => activeFilterCount(state.filter) > 0);
  const [selected, setSelected] = useState<Set<string>>(() => new Set());
  const filterPanelId = useId();

  const update = useCallback(
    (next: Omit<ListState, 'columns'>) => setParams(listStateToSearchParams(next), { replace: true }),
    [setParams],
  );

  const members = useQuery({
    queryKey: ['members', 'list'],
    queryFn: () => trpc.members.list.query(),
    staleTime: 5 * 60_000,
  });
  // What only the filter panel and the bulk bar need is asked when they open, not with the first rows.
  const needsChoices = filtersOpen || selected.size > 0;
  const segments = useQuery({
    queryKey: ['segments', 'list'],
    queryFn: () => trpc.segments.list.query(),
    enabled: needsChoices,
  });
  const batches = useQuery({
    queryKey: ['batches', 'list'],
    queryFn: () => trpc.batches.list.query(),
    staleTime: 5 * 60_000,
    enabled: needsChoices,
  });
  const memberOptions = members.data?.items ?? [];
  const segmentOptions = segments.data?.items ?? [];
  const staticLists = useMemo(() => segmentOptions.filter((s) => s.kind === 'static'), [segmentOptions]);

  const q = state.q;
  const searching = q.length > 0;
  const listInput: ListInput = useMemo(() => {
    const filter = filterStateToInput(state.filter);
    return { ...(filter ? { filter } : {}), sort: state.sort, limit: PAGE_SIZE };
  }, [state.filter, state.sort]);

  // A new list is a new selection: clients picked under other conditions may not be in view.
  const listIdentity = searching ? `q:${q}` : JSON.stringify(listInput);
  useEffect(() => setSelected(new Set()), [listIdentity]);

  const filterCount = activeFilterCount(state.filter);
  const table = searching
    ? {
        queryKey: ['clients', 'search', q] as const,
        fetchPage: async () => {
          const result = await trpc.clients.search.query({ q, limit: SEARCH_LIMIT });
          return { items: result.items, nextCursor: null };
        },
        emptyTitle: t('empty.noSearchMatches', { q }),
        emptyHint: t('empty.noSearchMatchesHint'),
      }
    : {
        queryKey: ['clients', 'list', 'pages', listInput] as const,
        fetchPage: (cursor: string | null) => trpc.clients.list.query({ ...listInput, cursor }),
        emptyTitle: filterCount ? t('empty.noMatches') : t('empty.noClients'),
        emptyHint: filterCount ? t('empty.noMatchesHint') : t('empty.noClientsHint'),
      };

  const setFilter = (filter: FilterState) => update({ ...state, filter });

  return (
    <Page
      title={t('title')}
      actions={
        canWrite ? (
          <Link to="/clients/new" className="btn btn-primary" data-testid="new-client">
            {t('newClient')}
          </Link>
        ) : null
      }
    >
      <div className="clients-toolbar">
        <SearchBox value={q} onChange={(next) => update({ ...state, q: next })} />
        <button
          type="button"
          className="btn"
          aria-expanded={filtersOpen}
          aria-controls={filterPanelId}
          onClick={() => setFiltersOpen((o) => !o)}
        >
          {filterCount ? t('filters.buttonCount', { count: filterCount }) : t('filters.button')}
        </button>
        <ColumnChooser columns={columns} onChange={setColumns} />
        <SavedViews
          current={{ ...state, columns }}
          onApply={(view) => {
            update(view);
            if (view.columns) setColumns(view.columns);
          }}
        />
        <ExportButton
          source={{ kind: 'list', filter: filterStateToInput(state.filter), sort: state.sort, q: state.q }}
        />
      </div>
      <div hidden={!filtersOpen} id={filterPanelId}>
        <FilterPanel
          value={state.filter}
          onChange={setFilter}
          members={memberOptions}
          segments={segmentOptions}
          batches={batches.data?.items ?? []}
        />
      </div>
      {searching ? (
        <p className="muted search-note">
          {t('searchNote')}
          {filterCount ? ` ${t('searchIgnoresFilters')}` : ''}
        </p>
      ) : null}
      {canWrite ? (
        <BulkActions
          selected={selected}
          onClear={() => setSelected(new Set())}
          members={memberOptions}
          lists={staticLists}
        />
      ) : null}
      <ClientTable
        key={searching ? 'search' : 'list'}
        queryKey={table.queryKey}
        fetchPage={table.fetchPage}
        columns={columns}
        selectable={canWrite}
        selected={selected}
        onSelectedChange={setSelected}
        emptyTitle={table.emptyTitle}
        emptyHint={table.emptyHint}
        emptyAction={
          !searching && filterCount ? (
            <button type="button" className="btn" onClick={() => setFilter({ ...emptyFilter })}>
              {t('filters.reset')}
            </button>
          ) : !searching && canWrite ? (
            <Link to="/clients/new" className="btn btn-primary">
              {t('newClient')}
            </Link>
          ) : null
        }
        {...(searching ? {} : { sort: state.sort, onSortChange: (sort) => update({ ...state, sort }) })}
      />
    </Page>
  );
}

/**
 * The search box: asks once typing pauses ({@link SEARCH_DEBOUNCE_MS}), and follows the URL when the
 * query changes from elsewhere (a view chosen, Back).
 */
function SearchBox({ value, onChange }: { value: string; onChange: (q: string) => void }) {
  const { t } = useTranslation('clients');
  const [draft, setDraft] = useState(value);
  const latest = useRef(onChange);
  latest.current = onChange;
  // A search still waiting for typing to pause when the person goes to another screen is dropped:
  // writing it to this page's address then would cancel that navigation (the router keeps this
  // page until the next one's code is loaded) and pull them back here.
  const routerState = useContext(UNSAFE_DataRouterStateContext);
  const { pathname } = useLocation();
  const leaving = useRef(false);
  leaving.current =
    routerState !== null &&
    routerState.navigation.state !== 'idle' &&
    routerState.navigation.location.pathname !== pathname;
  useEffect(() => setDraft((d) => (d.trim() === value ? d : value)), [value]);
  useEffect(() => {
    const next = draft.trim();
    if (next === value) return;
    const timer = setTimeout(() => {
      if (!leaving.current) latest.current(next);
    }, SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [draft, value]);
  return (
    <search className="search-box">
      <input
        type="search"
        aria-label={t('searchLabel')}
        data-testid="client-search"
        value={draft}
        maxLength={200}
        placeholder={t('searchPlaceholder')}
        autoComplete="off"
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && draft) {
            e.preventDefault();
            setDraft('');
            latest.current('');
          }
        }}
      />
      {draft ? (
        <button
          type="button"
          className="btn btn-ghost"
          onClick={() => {
            setDraft('');
            latest.current('');
          }}
        >
          {t('searchClear')}
        </button>
      ) : null}
    </search>
  );
}
