import { label } from '@cb/domain/i18n';
import type { Locale } from '@cb/domain/vocabulary';
import type { TFunction } from 'i18next';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { Outputs } from '../../api/trpc.ts';
import type { Formatter } from '../../i18n/format.ts';
import { StageBadge, TemperatureBadge } from '../../ui/badges.tsx';
import type { ColumnKey, SortField } from './filters.ts';

export type ClientRow = Outputs['clients']['list']['items'][number];

export type CellContext = {
  format: Formatter;
  locale: Locale;
  /** A member's display name by user id, or null while the members are loading or for a former member. */
  ownerName: (userId: string) => string | null;
  t: TFunction<'clients'>;
};

export type ColumnDef = {
  key: ColumnKey;
  /** The `sort.field` of `clients.list` this column sorts by, when it can. */
  sortField?: SortField;
  /** The column's width in rem: the table's layout is fixed so that rows never shift while scrolling. */
  width: number;
  cell: (row: ClientRow, ctx: CellContext) => ReactNode;
};

/** An empty cell: the common "none" mark, so a blank is never mistaken for a rendering gap. */
const none = (ctx: CellContext) => ctx.t('common:none');

export const columnDefs: Record<ColumnKey, ColumnDef> = {
  name: {
    key: 'name',
    sortField: 'displayName',
    width: 14,
    cell: (row, { locale }) => (
      <span className="stacked-cell">
        <Link to={`/clients/${row.id}`} className="client-name">
          {row.displayName}
        </Link>
        <span className="cell-sub">{label('clientKind', row.kind, locale)}</span>
      </span>
    ),
  },
  temperature: {
    key: 'temperature',
    sortField: 'temperatureScore',
    width: 8.5,
    cell: (row) => <TemperatureBadge level={row.temperatureLevel} score={row.temperatureScore} />,
  },
  stage: { key: 'stage', width: 9, cell: (row) => <StageBadge stage={row.stage} /> },
  phone: {
    key: 'phone',
    width: 10.5,
    cell: (row, ctx) =>
      row.phone ? <span className="nowrap">{row.phoneDisplay ?? row.phone}</span> : none(ctx),
  },
  email: { key: 'email', width: 10.5, cell: (row, ctx) => row.email ?? none(ctx) },
  city: { key: 'city', width: 8, cell: (row, ctx) => row.city ?? none(ctx) },
  source: {
    key: 'source',
    width: 10,
    cell: (row, { locale, t }) => (
      <span className="stacked-cell">
        <span className="cell-line">{label('sourceChannel', row.sourceChannel, locale)}</span>
        {row.sourceBatchId ? (
          <Link
            to={`/clients?batch=${row.sourceBatchId}`}
            className="cell-sub"
            aria-label={t('batchLinkLabel')}
          >
            {t('batchLink')}
          </Link>
        ) : null}
      </span>
    ),
  },
  tags: {
    key: 'tags',
    width: 8.5,
    cell: (row, ctx) =>
      row.tags.length ? (
        <span className="tag-list" title={row.tags.join(', ')}>
          {row.tags.map((tag) => (
            <span key={tag} className="tag">
              {tag}
            </span>
          ))}
        </span>
      ) : (
        none(ctx)
      ),
  },
  owner: {
    key: 'owner',
    width: 8.5,
    cell: (row, { ownerName, t }) =>
      row.ownerId ? (
        (ownerName(row.ownerId) ?? t('formerMember'))
      ) : (
        <span className="muted">{t('noOwner')}</span>
      ),
  },
  createdAt: {
    key: 'createdAt',
    sortField: 'createdAt',
    width: 9.5,
    cell: (row, { format }) => <span className="nowrap">{format.date(row.createdAt)}</span>,
  },
  updatedAt: {
    key: 'updatedAt',
    sortField: 'updatedAt',
    width: 9.5,
    cell: (row, { format }) => <span className="nowrap">{format.date(row.updatedAt)}</span>,
  },
};
