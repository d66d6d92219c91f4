import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { toProblem } from '../../api/errors.ts';
import { trpc } from '../../api/trpc.ts';
import { useCan } from '../../app/session.tsx';
import { StageBadge } from '../../ui/badges.tsx';
import { Page } from '../../ui/page.tsx';
import { Empty, ErrorState, FormError, Loading } from '../../ui/states.tsx';
import type { ClientCard } from './client-form.ts';
import { ConsentsPanel } from './consents.tsx';
import { ContactsPanel, SegmentsPanel, SourcePanel, TemperaturePanel } from './panels.tsx';
import { ProfilePanel } from './profile.tsx';
import { Timeline } from './timeline.tsx';
import './card.css';

const cardQuery = (id: string) => ({
  queryKey: ['clients', 'get', { id }] as const,
  queryFn: () => trpc.clients.get.query({ id }),
});

export default function ClientCardScreen() {
  const { t } = useTranslation('card');
  const { id = '' } = useParams();
  const card = useQuery(cardQuery(id));

  if (card.isPending) return <Loading label={t('loadingCard')} />;
  if (card.isError) {
    const code = toProblem(card.error).code;
    if (code === 'NOT_FOUND' || code === 'BAD_REQUEST') {
      return (
        <Page title={t('notFound')}>
          <Empty
            title={t('notFound')}
            hint={t('notFoundHint')}
            action={<Link to="/clients">{t('backToList')}</Link>}
          />
        </Page>
      );
    }
    return (
      <Page title={t('title')}>
        <ErrorState error={card.error} onRetry={() => void card.refetch()} />
      </Page>
    );
  }
  return <CardView card={card.data} onReload={() => card.refetch()} />;
}

function CardView({ card, onReload }: { card: ClientCard; onReload: () => Promise<unknown> }) {
  const { t } = useTranslation('card');
  const canWrite = useCan('manager');
  const queryClient = useQueryClient();
  const archived = card.archivedAt !== null;
  const archive = useMutation({
    mutationFn: () => trpc.clients.archive.mutate({ id: card.id, archived: !archived }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['clients'] }),
  });
  return (
    <Page
      title={card.displayName}
      actions={
        <>
          <StageBadge stage={card.stage} />
          {canWrite ? (
            <button
              type="button"
              className={archived ? 'btn' : 'btn btn-danger'}
              onClick={() => archive.mutate()}
              disabled={archive.isPending}
            >
              {archived ? t('restore') : t('archive')}
            </button>
          ) : null}
        </>
      }
    >
      <p className="card-breadcrumb">
        <Link to="/clients">{t('backToList')}</Link>
      </p>
      <FormError error={archive.error} />
      {archived ? (
        <p className="notice" role="status">
          {t('archivedNotice')}
        </p>
      ) : null}
      <div className="card-grid">
        <div className="card-column">
          <ProfilePanel card={card} onReload={onReload} />
          <ContactsPanel card={card} />
          <SourcePanel card={card} />
          <ConsentsPanel card={card} />
        </div>
        <div className="card-column">
          <TemperaturePanel card={card} />
          <SegmentsPanel card={card} />
          <Timeline clientId={card.id} />
        </div>
      </div>
    </Page>
  );
}
