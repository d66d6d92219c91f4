import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useCan } from '../../app/session.tsx';
import { useFormat } from '../../i18n/format.ts';
import { Page } from '../../ui/page.tsx';
import { Empty, ErrorState, Loading } from '../../ui/states.tsx';
import { importsApi } from './api.ts';
import './imports.css';

const PAGE_SIZE = 50;

/** `/imports`: every import of the workspace, newest first, with its status and counts. */
export default function ImportList() {
  const { t } = useTranslation('imports');
  const format = useFormat();
  const canImport = useCan('manager');
  const list = useInfiniteQuery({
    queryKey: ['imports', 'list'],
    queryFn: ({ pageParam }) => importsApi().list.query({ cursor: pageParam, limit: PAGE_SIZE }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  const newLink = canImport ? (
    <Link to="/imports/new" className="btn btn-primary" data-testid="new-import">
      {t('newImport')}
    </Link>
  ) : null;
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Page title={t('title')} actions={newLink}>
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <Empty title={t('list.emptyTitle')} hint={t('list.emptyHint')} action={newLink} />
      ) : (
        <div className="panel import-table-wrap">
          <table className="data">
            <caption className="sr-only">{t('list.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('list.file')}</th>
                <th scope="col">{t('list.status')}</th>
                <th scope="col" className="num">
                  {t('list.created')}
                </th>
                <th scope="col" className="num">
                  {t('list.updated')}
                </th>
                <th scope="col" className="num">
                  {t('list.invalid')}
                </th>
                <th scope="col">{t('list.source')}</th>
                <th scope="col">{t('list.startedAt')}</th>
                <th scope="col">{t('list.finishedAt')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.id} data-testid="import-row">
                  <td>
                    <Link to={`/imports/${item.id}`}>{item.fileName}</Link>
                  </td>
                  <td>
                    <span className={`badge import-status-${item.status}`}>{t(`status.${item.status}`)}</span>
                  </td>
                  <td className="num">{format.number(item.counts.created)}</td>
                  <td className="num">{format.number(item.counts.updated)}</td>
                  <td className="num">{format.number(item.counts.invalid)}</td>
                  <td>{item.source?.name ?? '—'}</td>
                  <td>
                    <time dateTime={item.createdAt}>{format.dateTime(item.createdAt)}</time>
                  </td>
                  <td>
                    {item.finishedAt ? (
                      <time dateTime={item.finishedAt}>{format.dateTime(item.finishedAt)}</time>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.hasNextPage ? (
            <button
              type="button"
              className="btn"
              onClick={() => void list.fetchNextPage()}
              disabled={list.isFetchingNextPage}
            >
              {t('common:loadMore')}
            </button>
          ) : null}
        </div>
      )}
    </Page>
  );
}
