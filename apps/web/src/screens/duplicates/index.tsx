import { label } from '@cb/domain/i18n';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { toProblem } from '../../api/errors.ts';
import { trpc } from '../../api/trpc.ts';
import { useCan } from '../../app/session.tsx';
import { type Formatter, useFormat, useLocale } from '../../i18n/format.ts';
import { ConfirmDialog } from '../../ui/confirm.tsx';
import { Page } from '../../ui/page.tsx';
import { Empty, ErrorState, FormError, Loading } from '../../ui/states.tsx';
import {
  DUPLICATES_CSV_URL,
  isPickable,
  type MergeField,
  type MergeRecord,
  mergeFields,
  type Pair,
  type PairClient,
  type PairStatus,
  type Pick,
  pairStatuses,
  type QueueEntry,
  queueEntries,
} from './api.ts';
import '../imports/imports.css';
import './duplicates.css';

const PAGE_SIZE = 50;

type Side = 'a' | 'b';
const other = (side: Side): Side => (side === 'a' ? 'b' : 'a');
const pairKey = (pair: Pair) => `${pair.a.id}:${pair.b.id}`;

/** A field's value as the comparison shows it; null when empty. */
export function shownValue(client: PairClient, field: MergeField, format: Formatter): string | null {
  switch (field) {
    case 'phones':
    case 'emails':
      return client[field].length ? client[field].join(', ') : null;
    case 'birthday':
      return client.birthday ? format.date(client.birthday) : null;
    case 'kind':
      return label('clientKind', client.kind, format.locale);
    default:
      return client[field]?.trim() || null;
  }
}

/** Whether two records hold different values of a field (contacts compared as sets). */
export function differs(a: PairClient, b: PairClient, field: MergeField): boolean {
  const norm = (c: PairClient) => {
    const v = c[field];
    if (Array.isArray(v)) return [...v].sort().join('\n');
    return v === null || v === undefined ? '' : String(v).trim();
  };
  return norm(a) !== norm(b);
}

/** The record kept by default: the older one (the one other records most likely point at). */
const defaultSurvivor = (pair: Pair): Side => (pair.b.createdAt < pair.a.createdAt ? 'b' : 'a');

/**
 * `/duplicates`: the review queue. Pairs of one cluster (three records of one person make three
 * pairs) are listed together under a heading naming the records. A pair is chosen from the queue
 * and shown side by side; for each field that differs the person picks the value to keep, chooses
 * which record survives, and merges (undoable) — or marks the pair "not a duplicate" for the whole
 * workspace. After a merge the queue is reloaded, so the rest of a cluster stays listed.
 */
export default function DuplicatesScreen() {
  const { t } = useTranslation('duplicates');
  const format = useFormat();
  const locale = useLocale();
  const canMerge = useCan('manager');
  const queryClient = useQueryClient();
  const statusId = useId();
  const clusterHeadingId = useId();
  const [status, setStatus] = useState<PairStatus>('open');
  const [selected, setSelected] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice>(null);

  const list = useInfiniteQuery({
    queryKey: ['duplicates', 'list', { status, locale }],
    queryFn: ({ pageParam }) =>
      trpc.duplicates.list.query({ cursor: pageParam, limit: PAGE_SIZE, status, locale }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  const scan = useMutation({
    mutationFn: () => trpc.duplicates.scan.mutate({}),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['duplicates', 'list'] }),
  });

  const pairs = list.data?.pages.flatMap((p) => p.items) ?? [];
  const pair = pairs.find((p) => pairKey(p) === selected) ?? null;
  const choose = (key: string) => {
    setSelected(key);
    setNotice(null);
  };

  return (
    <Page
      title={t('title')}
      actions={
        <>
          <a className="btn" href={DUPLICATES_CSV_URL} download data-testid="duplicates-csv">
            {t('downloadCsv')}
          </a>
          {canMerge ? (
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => scan.mutate()}
              disabled={scan.isPending}
              data-testid="duplicates-scan"
            >
              {scan.isPending ? t('scanning') : t('scan')}
            </button>
          ) : null}
        </>
      }
    >
      <p role="status" className="muted" data-testid="scan-result">
        {scan.data
          ? scan.data.status === 'done'
            ? t('scanDone', {
                clients: format.number(scan.data.clientsScanned),
                pairs: format.number(scan.data.pairs),
              })
            : t('scanQueued')
          : ''}
      </p>
      <FormError error={scan.error} />
      <div className="dup-layout">
        <section className="panel dup-queue" aria-labelledby="dup-queue-h">
          <div className="dup-queue-head">
            <h2 id="dup-queue-h">{t('queue.heading')}</h2>
            <div className="inline-field">
              <label htmlFor={statusId}>{t('show')}</label>
              <select
                id={statusId}
                value={status}
                onChange={(e) => {
                  setStatus(e.target.value as PairStatus);
                  setSelected(null);
                }}
              >
                {pairStatuses.map((s) => (
                  <option key={s} value={s}>
                    {t(`statusFilter.${s}`)}
                  </option>
                ))}
              </select>
            </div>
          </div>
          {list.isPending ? (
            <Loading />
          ) : list.isError ? (
            <ErrorState error={list.error} onRetry={() => void list.refetch()} />
          ) : pairs.length === 0 ? (
            <Empty title={t('queue.emptyTitle')} hint={t('queue.emptyHint')} />
          ) : (
            <>
              <ul
                className="plain-list dup-pairs"
                aria-label={t('queue.label')}
                data-testid="duplicate-queue"
              >
                {queueEntries(pairs).map((entry) =>
                  entry.kind === 'pair' ? (
                    <li key={pairKey(entry.pair)}>
                      <PairButton pair={entry.pair} selected={selected} onSelect={choose} />
                    </li>
                  ) : (
                    <li
                      key={`cluster:${entry.clusterId}`}
                      className="dup-cluster"
                      data-testid="duplicate-cluster"
                    >
                      <ClusterGroup
                        headingId={`${clusterHeadingId}-${entry.clusterId}`}
                        cluster={entry}
                        selected={selected}
                        onSelect={choose}
                      />
                    </li>
                  ),
                )}
              </ul>
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
            </>
          )}
        </section>
        <section className="panel dup-review" aria-labelledby="dup-review-h">
          <h2 id="dup-review-h">{t('review.heading')}</h2>
          {pair ? (
            <Review
              key={pairKey(pair)}
              pair={pair}
              canMerge={canMerge && pair.status === 'open'}
              onOutcome={(outcome) => {
                setNotice(outcome);
                setSelected(null);
              }}
            />
          ) : (
            <ReviewNotice notice={notice} />
          )}
        </section>
      </div>
      <MergeHistory canUnmerge={canMerge} />
    </Page>
  );
}

/** One pair of the queue: a toggle that opens it in the review panel. */
function PairButton({
  pair,
  selected,
  onSelect,
}: {
  pair: Pair;
  selected: string | null;
  onSelect: (key: string) => void;
}) {
  const { t } = useTranslation('duplicates');
  return (
    <button
      type="button"
      className="dup-pair"
      aria-pressed={pairKey(pair) === selected}
      onClick={() => onSelect(pairKey(pair))}
      data-testid="duplicate-pair"
    >
      <span className="dup-pair-names">
        {t('queue.pair', { a: pair.a.displayName, b: pair.b.displayName })}
      </span>
      <span className="dup-pair-meta">
        <span className={`badge dup-decision-${pair.decision}`}>{t(`decision.${pair.decision}`)}</span>{' '}
        <span>{t('queue.score', { score: Math.round(pair.score * 100) })}</span>
      </span>
    </button>
  );
}

/**
 * The pairs of one cluster under a heading naming its records; the inner list is labelled by that
 * heading, so a screen reader announces which group a pair belongs to.
 */
function ClusterGroup({
  headingId,
  cluster,
  selected,
  onSelect,
}: {
  headingId: string;
  cluster: Extract<QueueEntry, { kind: 'cluster' }>;
  selected: string | null;
  onSelect: (key: string) => void;
}) {
  const { t } = useTranslation('duplicates');
  return (
    <>
      <h3 id={headingId} className="dup-cluster-heading">
        {t('queue.cluster', {
          count: cluster.members.length,
          names: cluster.members.map((m) => m.displayName).join(', '),
        })}
      </h3>
      <p className="dup-cluster-meta">{t('queue.clusterPairs', { count: cluster.pairs.length })}</p>
      <ul className="plain-list dup-cluster-pairs" aria-labelledby={headingId}>
        {cluster.pairs.map((p) => (
          <li key={pairKey(p)}>
            <PairButton pair={p} selected={selected} onSelect={onSelect} />
          </li>
        ))}
      </ul>
    </>
  );
}

type Notice =
  | { kind: 'merged'; survivor: { id: string; displayName: string } }
  | { kind: 'dismissed' }
  | null;

/** What the review panel says with no pair chosen: the outcome of the last step, or how to start. */
function ReviewNotice({ notice }: { notice: Notice }) {
  const { t } = useTranslation('duplicates');
  if (!notice) return <p className="muted">{t('review.choose')}</p>;
  return (
    <p role="status" data-testid="review-notice">
      {notice.kind === 'merged' ? (
        <>
          {t('review.merged')}{' '}
          <Link to={`/clients/${notice.survivor.id}`}>
            {t('review.openSurvivor', { name: notice.survivor.displayName })}
          </Link>
        </>
      ) : (
        t('review.dismissed')
      )}
    </p>
  );
}

function Review({
  pair,
  canMerge,
  onOutcome,
}: {
  pair: Pair;
  canMerge: boolean;
  onOutcome: (outcome: NonNullable<Notice>) => void;
}) {
  const { t } = useTranslation('duplicates');
  const format = useFormat();
  const queryClient = useQueryClient();
  const [survivor, setSurvivor] = useState<Side>(() => defaultSurvivor(pair));
  const [choices, setChoices] = useState<Partial<Record<MergeField, Side>>>({});
  const [confirming, setConfirming] = useState(false);
  const [conflict, setConflict] = useState(false);
  const name = `dup-${useId()}`;

  const differing = mergeFields.filter((f) => differs(pair.a, pair.b, f));
  const sideOf = (side: Side) => (side === 'a' ? pair.a : pair.b);
  /** The side whose value a field keeps: the person's choice, or the survivor's unless it is empty. */
  const chosen = (field: MergeField): Side => {
    const choice = choices[field];
    if (choice) return choice;
    return shownValue(sideOf(survivor), field, format) === null ? other(survivor) : survivor;
  };

  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['duplicates'] });
    void queryClient.invalidateQueries({ queryKey: ['clients'] });
  };

  const merge = useMutation({
    mutationFn: () => {
      const kept = sideOf(survivor);
      const gone = sideOf(other(survivor));
      const pick: Pick = {};
      for (const field of differing) {
        if (isPickable(field)) pick[field] = chosen(field) === survivor ? 'survivor' : 'merged';
      }
      return trpc.duplicates.merge.mutate({
        survivorId: kept.id,
        mergedId: gone.id,
        expectedVersions: { survivor: kept.version, merged: gone.version },
        pick,
      });
    },
    onSuccess: (result) => {
      setConfirming(false);
      refresh();
      onOutcome({ kind: 'merged', survivor: result.survivor });
    },
    onError: (error) => {
      if (toProblem(error).code === 'CONFLICT') {
        setConfirming(false);
        setConflict(true);
        refresh();
      }
    },
  });
  const dismiss = useMutation({
    mutationFn: () => trpc.duplicates.dismiss.mutate({ a: pair.a.id, b: pair.b.id }),
    onSuccess: () => {
      refresh();
      onOutcome({ kind: 'dismissed' });
    },
  });

  const kept = sideOf(survivor);
  const gone = sideOf(other(survivor));
  const mergeError = merge.error && toProblem(merge.error).code !== 'CONFLICT' ? merge.error : null;

  return (
    <div className="dup-review-body" data-testid="duplicate-review">
      {conflict ? (
        <p className="form-error" role="alert" data-testid="merge-conflict">
          {t('review.conflict')}
        </p>
      ) : null}
      {pair.explanation.length ? (
        <>
          <h3>{t('review.why')}</h3>
          <ul className="dup-explanation" data-testid="duplicate-explanation">
            {pair.explanation.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </>
      ) : null}
      <div className="import-table-wrap">
        <table className="data dup-compare">
          <caption className="sr-only">{t('review.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('review.field')}</th>
              {(['a', 'b'] as const).map((side, i) => (
                <th scope="col" key={side}>
                  <Link to={`/clients/${sideOf(side).id}`}>{sideOf(side).displayName}</Link>
                  <span className="muted import-sub">
                    {i === 0 ? t('review.recordA') : t('review.recordB')} ·{' '}
                    {t('review.created', { date: format.date(sideOf(side).createdAt) })}
                  </span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {mergeFields.map((field) => {
              const differ = differing.includes(field);
              const fieldName = t(`field.${field}`);
              return (
                <tr key={field} className={differ ? 'dup-differs' : undefined} data-field={field}>
                  <th scope="row">{fieldName}</th>
                  {(['a', 'b'] as const).map((side, i) => {
                    const value = shownValue(sideOf(side), field, format);
                    return (
                      <td key={side}>
                        {differ && canMerge && isPickable(field) ? (
                          <label className="dup-pick">
                            <input
                              type="radio"
                              name={`${name}-${field}`}
                              checked={chosen(field) === side}
                              onChange={() => setChoices((c) => ({ ...c, [field]: side }))}
                              aria-label={t('review.pickValue', {
                                field: fieldName,
                                value: value ?? t('review.empty'),
                                n: i + 1,
                              })}
                            />
                            <span>{value ?? <span className="muted">{t('review.empty')}</span>}</span>
                          </label>
                        ) : (
                          (value ?? <span className="muted">—</span>)
                        )}
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {canMerge && (differing.includes('phones') || differing.includes('emails')) ? (
        <p className="muted" data-testid="contacts-joined">
          {t('review.contactsJoined')}
        </p>
      ) : null}
      {canMerge ? (
        <>
          <fieldset className="dup-survivor">
            <legend>{t('review.survivor')}</legend>
            {(['a', 'b'] as const).map((side, i) => (
              <label key={side} className="dup-pick">
                <input
                  type="radio"
                  name={`${name}-survivor`}
                  checked={survivor === side}
                  onChange={() => setSurvivor(side)}
                />
                <span>{t('review.survivorOption', { n: i + 1, name: sideOf(side).displayName })}</span>
              </label>
            ))}
          </fieldset>
          <div className="row">
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => setConfirming(true)}
              disabled={merge.isPending || dismiss.isPending}
              data-testid="duplicate-merge"
            >
              {merge.isPending ? t('review.merging') : t('review.merge')}
            </button>
            <button
              type="button"
              className="btn"
              onClick={() => dismiss.mutate()}
              disabled={merge.isPending || dismiss.isPending}
              data-testid="duplicate-dismiss"
            >
              {t('review.notDuplicate')}
            </button>
          </div>
          <FormError error={dismiss.error} />
        </>
      ) : null}
      {confirming ? (
        <ConfirmDialog
          title={t('review.mergeTitle')}
          message={t('review.mergeMessage', { survivor: kept.displayName, merged: gone.displayName })}
          confirmLabel={t('review.mergeConfirm')}
          pending={merge.isPending}
          error={<FormError error={mergeError} />}
          onConfirm={() => merge.mutate()}
          onClose={() => setConfirming(false)}
        />
      ) : null}
    </div>
  );
}

function MergeHistory({ canUnmerge }: { canUnmerge: boolean }) {
  const { t } = useTranslation('duplicates');
  const format = useFormat();
  const queryClient = useQueryClient();
  const [undoing, setUndoing] = useState<MergeRecord | null>(null);
  const merges = useInfiniteQuery({
    queryKey: ['duplicates', 'merges'],
    queryFn: ({ pageParam }) => trpc.duplicates.merges.query({ cursor: pageParam }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  const unmerge = useMutation({
    mutationFn: (mergeId: string) => trpc.duplicates.unmerge.mutate({ mergeId }),
    onSuccess: () => {
      setUndoing(null);
      void queryClient.invalidateQueries({ queryKey: ['duplicates'] });
      void queryClient.invalidateQueries({ queryKey: ['clients'] });
    },
  });
  const items = merges.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="panel" aria-labelledby="dup-history-h">
      <h2 id="dup-history-h">{t('history.heading')}</h2>
      {merges.isPending ? (
        <Loading />
      ) : merges.isError ? (
        <ErrorState error={merges.error} onRetry={() => void merges.refetch()} />
      ) : items.length === 0 ? (
        <p className="muted">{t('history.empty')}</p>
      ) : (
        <div className="import-table-wrap">
          <table className="data" data-testid="merge-history">
            <caption className="sr-only">{t('history.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('history.at')}</th>
                <th scope="col">{t('history.survivor')}</th>
                <th scope="col">{t('history.merged')}</th>
                <th scope="col">{t('history.state')}</th>
                {canUnmerge ? (
                  <th scope="col">
                    <span className="sr-only">{t('history.unmerge')}</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {items.map((m) => (
                <tr key={m.id} data-testid="merge-row">
                  <td>
                    <time dateTime={m.createdAt}>{format.dateTime(m.createdAt)}</time>
                  </td>
                  <td>
                    <Link to={`/clients/${m.survivor.id}`}>{m.survivor.displayName}</Link>
                  </td>
                  <td>{m.merged.displayName}</td>
                  <td>
                    {m.undoneAt
                      ? t('history.undone', { date: format.dateTime(m.undoneAt) })
                      : t('history.active')}
                  </td>
                  {canUnmerge ? (
                    <td>
                      {m.undoneAt ? null : (
                        <button
                          type="button"
                          className="btn btn-small"
                          onClick={() => setUndoing(m)}
                          aria-label={t('history.unmergeNamed', {
                            survivor: m.survivor.displayName,
                            merged: m.merged.displayName,
                          })}
                        >
                          {t('history.unmerge')}
                        </button>
                      )}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
          {merges.hasNextPage ? (
            <button
              type="button"
              className="btn"
              onClick={() => void merges.fetchNextPage()}
              disabled={merges.isFetchingNextPage}
            >
              {t('common:loadMore')}
            </button>
          ) : null}
        </div>
      )}
      {undoing ? (
        <ConfirmDialog
          title={t('history.unmergeTitle')}
          message={t('history.unmergeMessage', { merged: undoing.merged.displayName })}
          confirmLabel={t('history.unmergeConfirm')}
          pending={unmerge.isPending}
          error={<FormError error={unmerge.error} />}
          onConfirm={() => unmerge.mutate(undoing.id)}
          onClose={() => {
            setUndoing(null);
            unmerge.reset();
          }}
        />
      ) : null}
    </section>
  );
}
