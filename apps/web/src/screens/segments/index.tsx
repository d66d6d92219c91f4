import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { trpc } from '../../api/trpc.ts';
import { useCan } from '../../app/session.tsx';
import { useFormat } from '../../i18n/format.ts';
import { Page } from '../../ui/page.tsx';
import { Empty, ErrorState, Loading } from '../../ui/states.tsx';
import './segments.css';

/** `/segments`: every segment of the workspace with its kind, size and last change. */
export default function SegmentList() {
  const { t } = useTranslation('segments');
  const format = useFormat();
  const canEdit = useCan('manager');
  const segments = useQuery({
    queryKey: ['segments', 'list'],
    queryFn: () => trpc.segments.list.query(),
  });
  const newLink = canEdit ? (
    <Link to="/segments/new" className="btn btn-primary seg-new">
      {t('newSegment')}
    </Link>
  ) : null;

  return (
    <Page title={t('title')} actions={newLink}>
      {segments.isPending ? (
        <Loading />
      ) : segments.isError ? (
        <ErrorState error={segments.error} onRetry={() => void segments.refetch()} />
      ) : segments.data.items.length === 0 ? (
        <Empty title={t('list.emptyTitle')} hint={t('list.emptyHint')} action={newLink} />
      ) : (
        <div className="panel seg-list">
          <table className="data">
            <caption className="sr-only">{t('list.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('list.name')}</th>
                <th scope="col">{t('list.kind')}</th>
                <th scope="col" className="num">
                  {t('list.members')}
                </th>
                <th scope="col">{t('list.updated')}</th>
              </tr>
            </thead>
            <tbody>
              {segments.data.items.map((s) => (
                <tr key={s.id}>
                  <td>
                    <Link to={`/segments/${s.id}`}>{s.name}</Link>
                  </td>
                  <td>
                    <span className={`badge seg-kind-${s.kind}`}>{t(`kind.${s.kind}`)}</span>
                  </td>
                  <td className="num">{format.number(s.memberCount)}</td>
                  <td>
                    <time dateTime={s.updatedAt}>{format.date(s.updatedAt)}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Page>
  );
}
