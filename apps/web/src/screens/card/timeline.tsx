import {
  type ConsentPurpose,
  type ContactChannel,
  consentPurposes,
  contactChannels,
  type InteractionDirection,
  type InteractionKind,
  interactionDirections,
  interactionKinds,
  label,
} from '@cb/domain';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { type Outputs, trpc } from '../../api/trpc.ts';
import { useCan } from '../../app/session.tsx';
import { useFormat, useLocale } from '../../i18n/format.ts';
import { ErrorState, FormError, Loading } from '../../ui/states.tsx';
import { QuickAdd } from './quick-add.tsx';

type TimelineEntry = Outputs['clients']['timeline']['items'][number];

const PAGE = 30;

const timelineKey = (clientId: string) => ['clients', 'timeline', { id: clientId }] as const;

const isOneOf = <T extends string>(list: readonly T[], value: string): value is T =>
  (list as readonly string[]).includes(value);

/** Everything that happened with the client, newest first, a keyset page at a time. */
export function Timeline({ clientId }: { clientId: string }) {
  const { t } = useTranslation('card');
  const canWrite = useCan('manager');
  const timeline = useInfiniteQuery({
    queryKey: timelineKey(clientId),
    queryFn: ({ pageParam }) => trpc.clients.timeline.query({ id: clientId, cursor: pageParam, limit: PAGE }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  const entries = timeline.data?.pages.flatMap((p) => p.items) ?? [];
  const purchases = entries.filter(
    (e): e is Extract<TimelineEntry, { type: 'purchase' }> => e.type === 'purchase',
  );
  return (
    <section className="panel" aria-labelledby="timeline-heading">
      <h2 id="timeline-heading">{t('timeline.title')}</h2>
      {canWrite ? <QuickAdd clientId={clientId} purchases={purchases} /> : null}
      <h3 className="timeline-list-heading">{t('timeline.history')}</h3>
      {timeline.isPending ? (
        <Loading />
      ) : timeline.isError ? (
        <ErrorState error={timeline.error} onRetry={() => void timeline.refetch()} />
      ) : entries.length === 0 ? (
        <p className="muted">{t('timeline.empty')}</p>
      ) : (
        <>
          <ol className="timeline">
            {entries.map((entry) => (
              <TimelineItem key={`${entry.type}-${entry.id}`} entry={entry} canWrite={canWrite} />
            ))}
          </ol>
          {timeline.hasNextPage ? (
            <button
              type="button"
              className="btn"
              onClick={() => void timeline.fetchNextPage()}
              disabled={timeline.isFetchingNextPage}
            >
              {timeline.isFetchingNextPage ? t('common:loading') : t('common:loadMore')}
            </button>
          ) : null}
        </>
      )}
    </section>
  );
}

function TimelineItem({ entry, canWrite }: { entry: TimelineEntry; canWrite: boolean }) {
  const { t } = useTranslation('card');
  const locale = useLocale();
  const format = useFormat();
  const queryClient = useQueryClient();
  const complete = useMutation({
    mutationFn: (id: string) => trpc.tasks.complete.mutate({ id }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['clients'] });
      await queryClient.invalidateQueries({ queryKey: ['tasks'] });
    },
  });
  const body = (() => {
    switch (entry.type) {
      case 'interaction':
        return (
          <>
            <span className="tl-title">
              {isOneOf(interactionKinds, entry.kind)
                ? label('interactionKind', entry.kind as InteractionKind, locale)
                : entry.kind}
              {isOneOf(interactionDirections, entry.direction) ? (
                <span className="muted">
                  {' '}
                  · {label('interactionDirection', entry.direction as InteractionDirection, locale)}
                </span>
              ) : null}
            </span>
            {entry.summary ? <p className="tl-text">{entry.summary}</p> : null}
          </>
        );
      case 'purchase':
        return (
          <>
            <span className="tl-title">
              {t('timeline.purchase')}: {format.money(entry.amountKopecks, entry.currency)}
            </span>
            {entry.note ? <p className="tl-text">{entry.note}</p> : null}
          </>
        );
      case 'payment':
        return (
          <span className="tl-title">
            {t('timeline.payment')}: {format.money(entry.amountKopecks, entry.currency)}
            {entry.method ? <span className="muted"> · {entry.method}</span> : null}
          </span>
        );
      case 'task': {
        const open = entry.doneAt === null;
        return (
          <>
            <span className="tl-title">
              {t('timeline.task')}: {entry.title}
            </span>
            <span className="muted tl-meta">
              {entry.dueAt ? t('timeline.due', { date: format.dateTime(entry.dueAt) }) : null}
              {entry.doneAt ? ` ${t('timeline.done', { date: format.dateTime(entry.doneAt) })}` : null}
            </span>
            {open && canWrite ? (
              <button
                type="button"
                className="btn tl-action"
                onClick={() => complete.mutate(entry.id)}
                disabled={complete.isPending}
                aria-label={t('timeline.completeLabel', { title: entry.title })}
              >
                {t('timeline.complete')}
              </button>
            ) : null}
            <FormError error={complete.error} />
          </>
        );
      }
      case 'consent':
        return (
          <span className="tl-title">
            {entry.granted ? t('consents.granted') : t('consents.withdrawn')}:{' '}
            {isOneOf(contactChannels, entry.channel)
              ? label('contactChannel', entry.channel as ContactChannel, locale)
              : entry.channel}
            ,{' '}
            {isOneOf(consentPurposes, entry.purpose)
              ? label('consentPurpose', entry.purpose as ConsentPurpose, locale)
              : entry.purpose}
          </span>
        );
    }
  })();
  return (
    <li className={`tl-item tl-${entry.type}`}>
      <time className="tl-at muted" dateTime={entry.at}>
        {format.dateTime(entry.at)}
      </time>
      <div className="tl-body">{body}</div>
    </li>
  );
}
