import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { toProblem } from '../../api/errors.ts';
import { useCan } from '../../app/session.tsx';
import { type Formatter, useFormat } from '../../i18n/format.ts';
import { ConfirmDialog } from '../../ui/confirm.tsx';
import { Page } from '../../ui/page.tsx';
import { Empty, ErrorState, FormError, Loading } from '../../ui/states.tsx';
import {
  batchClientsUrl,
  errorReportUrl,
  type ImportCounts,
  type ImportKind,
  type ImportProgress,
  type ImportStatus,
  type ImportStatusView,
  type ImportView,
  importQuery,
  importsApi,
  isActive,
} from './api.ts';
import { Figure } from './dry-run.tsx';
import { ProgressBar } from './progress.tsx';
import { ImportSetup } from './setup.tsx';
import './imports.css';

/** How often a running import is asked for its progress. */
export const POLL_MS = 1000;

/**
 * While a worker is busy with the import, its status is asked for each second; when it settles,
 * the full view is read again (it carries what the status does not: the undo report, the batch).
 */
function useLiveStatus(view: ImportView | undefined): ImportStatusView | null {
  const queryClient = useQueryClient();
  const id = view?.id ?? '';
  const active = view ? isActive(view.status) : false;
  const live = useQuery({
    queryKey: ['imports', 'status', { id }],
    queryFn: () => importsApi().status.query({ id }),
    enabled: active,
    staleTime: 0,
    refetchInterval: (query) => {
      const status = query.state.data?.status;
      return status === undefined || isActive(status) ? POLL_MS : false;
    },
  });
  const settled = live.data && !isActive(live.data.status) ? live.data.status : null;
  useEffect(() => {
    if (settled && view && settled !== view.status) {
      void queryClient.invalidateQueries({ queryKey: importQuery(id).queryKey });
      void queryClient.invalidateQueries({ queryKey: ['imports', 'list'] });
      // Created and updated clients change the lists that show them.
      void queryClient.invalidateQueries({ queryKey: ['clients'] });
    }
  }, [settled, view, id, queryClient]);
  return active && live.data ? live.data : null;
}

/** `/imports/:id`: one import, from mapping and dry run through progress to its result and undo. */
export default function ImportScreen() {
  const { id = '' } = useParams();
  const { t } = useTranslation('imports');
  const view = useQuery(importQuery(id));
  const live = useLiveStatus(view.data);
  const allLink = <Link to="/imports">{t('allImports')}</Link>;

  if (view.isPending)
    return (
      <Page title={t('title')}>
        <Loading />
      </Page>
    );
  if (view.isError) {
    const code = toProblem(view.error).code;
    return (
      <Page title={t('title')}>
        {code === 'NOT_FOUND' || code === 'BAD_REQUEST' ? (
          <Empty title={t('detail.notFound')} action={allLink} />
        ) : (
          <ErrorState error={view.error} onRetry={() => void view.refetch()} />
        )}
      </Page>
    );
  }
  const data = view.data;
  // A settled status waits for the full view (its counts, batch and undo report) before it shows;
  // meanwhile the last progress stays on screen (a run that finished is no longer "queued").
  const status: ImportStatus = !live
    ? data.status
    : isActive(live.status)
      ? live.status
      : data.status === 'queued'
        ? 'running'
        : data.status;
  return (
    <Page title={data.fileName} actions={allLink}>
      <FileSummary view={data} status={status} />
      <ImportBody view={data} live={live} status={status} />
    </Page>
  );
}

function ImportBody({
  view,
  live,
  status,
}: {
  view: ImportView;
  live: ImportStatusView | null;
  status: ImportStatus;
}) {
  switch (status) {
    case 'uploaded':
      return <ImportSetup view={view} />;
    case 'queued':
    case 'running':
    case 'undoing':
      return (
        <Running
          status={status}
          kind={view.kind}
          counts={live?.counts ?? view.counts}
          progress={live?.progress ?? view.progress}
        />
      );
    case 'completed':
      return <Completed view={view} />;
    case 'failed':
      return <Failed view={view} />;
    case 'undone':
      return <Undone view={view} />;
    default: {
      const never: never = status;
      return never;
    }
  }
}

function delimiterName(delimiter: string, t: (key: string) => string) {
  if (delimiter === '\t') return t('detail.tab');
  if (delimiter === ' ') return t('detail.space');
  return delimiter;
}

function FileSummary({ view, status }: { view: ImportView; status: ImportStatus }) {
  const { t } = useTranslation('imports');
  const format = useFormat();
  const file = view.file;
  return (
    <div className="import-summary">
      <span className={`badge import-status-${status}`} data-testid="import-status">
        {t(`status.${status}`)}
      </span>
      <h2 className="sr-only">{t('detail.fileInfo')}</h2>
      <dl className="import-facts">
        <Figure label={t('detail.format')} value={file.format.toUpperCase()} />
        {file.encoding ? <Figure label={t('detail.encoding')} value={file.encoding} /> : null}
        {file.delimiter ? (
          <Figure label={t('detail.delimiter')} value={delimiterName(file.delimiter, t)} />
        ) : null}
        {file.sheet ? <Figure label={t('detail.sheet')} value={file.sheet} /> : null}
        <Figure
          label={t('detail.size')}
          value={t('detail.sizeValue', { size: format.number(Math.ceil(view.fileSize / 1024)) })}
        />
        {view.totalRows !== null ? (
          <Figure label={t('detail.rows')} value={format.number(view.totalRows)} />
        ) : null}
      </dl>
    </div>
  );
}

/** `200` → "3 мин 20 с"; hours for long runs. */
export function duration(seconds: number, t: (key: string, options: Record<string, unknown>) => string) {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return t('progress.seconds', { s });
  if (s < 3600) return t('progress.minutes', { m: Math.floor(s / 60), s: s % 60 });
  return t('progress.hours', { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
}

/**
 * The run's totals, in the words of the import's kind. A purchase run counts rows read, the
 * purchases it added, new clients and rows not imported (errors and returns); the rest of the rows
 * are its purchase lines, and it updates no client and finds no duplicates.
 */
function Counts({ kind, counts, format }: { kind: ImportKind; counts: ImportCounts; format: Formatter }) {
  const { t } = useTranslation('imports');
  switch (kind) {
    case 'clients':
      return (
        <dl className="import-figures" data-testid="import-counts">
          <Figure label={t('counts.rowsDone')} value={format.number(counts.rowsDone)} />
          <Figure label={t('counts.created')} value={format.number(counts.created)} testId="count-created" />
          <Figure label={t('counts.updated')} value={format.number(counts.updated)} testId="count-updated" />
          <Figure
            label={t('counts.duplicates')}
            value={format.number(counts.duplicates)}
            testId="count-duplicates"
          />
          <Figure label={t('counts.invalid')} value={format.number(counts.invalid)} testId="count-invalid" />
        </dl>
      );
    case 'purchases':
      return (
        <dl className="import-figures" data-testid="import-counts">
          <Figure label={t('counts.purchases.rowsDone')} value={format.number(counts.rowsDone)} />
          <Figure
            label={t('counts.purchases.purchasesCreated')}
            value={format.number(counts.purchases)}
            testId="count-purchases"
          />
          <Figure
            label={t('counts.purchases.lines')}
            value={format.number(Math.max(counts.rowsDone - counts.invalid, 0))}
            testId="count-lines"
          />
          <Figure
            label={t('counts.purchases.created')}
            value={format.number(counts.created)}
            testId="count-created"
          />
          <Figure
            label={t('counts.purchases.invalid')}
            value={format.number(counts.invalid)}
            testId="count-invalid"
          />
        </dl>
      );
    default: {
      const never: never = kind;
      return never;
    }
  }
}

function Running({
  status,
  kind,
  counts,
  progress,
}: {
  status: 'queued' | 'running' | 'undoing';
  kind: ImportKind;
  counts: ImportCounts;
  progress: ImportProgress;
}) {
  const { t } = useTranslation('imports');
  const format = useFormat();
  const total = progress.totalRows;
  const rows =
    total === null
      ? t('progress.rowsUnknown', { done: format.number(progress.rowsDone) })
      : t('progress.rows', { done: format.number(progress.rowsDone), total: format.number(total) });
  // Rows when the total is known; otherwise the share of the file read (bytes), as a percentage.
  const bar =
    total !== null
      ? { value: progress.rowsDone, max: total }
      : progress.fraction !== null
        ? { value: Math.round(progress.fraction * 100), max: 100 }
        : { value: progress.rowsDone, max: null };
  const details = [
    progress.rowsPerSecond === null
      ? null
      : t('progress.rate', { rate: format.number(Math.round(progress.rowsPerSecond)) }),
    progress.etaSeconds === null ? null : t('progress.eta', { time: duration(progress.etaSeconds, t) }),
  ].filter(Boolean);
  return (
    <section className="panel" aria-labelledby="import-progress-h" data-testid="import-running">
      <h2 id="import-progress-h">
        {status === 'undoing' ? t('progress.headingUndo') : t('progress.heading')}
      </h2>
      {status === 'queued' ? <p className="muted">{t('progress.queued')}</p> : null}
      {status === 'undoing' ? <p className="muted">{t('progress.undoing')}</p> : null}
      {status === 'undoing' ? null : (
        <>
          <ProgressBar
            label={t('progress.label')}
            value={bar.value}
            max={bar.max}
            valueText={rows}
            testId="import-progress"
          />
          {details.length ? (
            <p className="muted" data-testid="import-rate">
              {details.join(' · ')}
            </p>
          ) : null}
          <Counts kind={kind} counts={counts} format={format} />
        </>
      )}
    </section>
  );
}

function Completed({ view }: { view: ImportView }) {
  const { t } = useTranslation('imports');
  const format = useFormat();
  const canUndo = useCan('manager');
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const undo = useMutation({
    mutationFn: () => importsApi().undo.mutate({ id: view.id }),
    onSuccess: (updated) => {
      setConfirming(false);
      queryClient.removeQueries({ queryKey: ['imports', 'status', { id: view.id }] });
      queryClient.setQueryData(importQuery(view.id).queryKey, updated);
      void queryClient.invalidateQueries({ queryKey: ['imports', 'list'] });
    },
  });
  return (
    <section className="panel" aria-labelledby="import-done-h" data-testid="import-completed">
      <h2 id="import-done-h">{t('done.completed')}</h2>
      <Counts kind={view.kind} counts={view.counts} format={format} />
      {view.batchId || view.errorCount > 0 ? (
        <ul className="plain-list import-links">
          {view.batchId ? (
            <li>
              <Link to={batchClientsUrl(view.batchId)} data-testid="import-clients-link">
                {t('done.showClients')}
              </Link>
            </li>
          ) : null}
          {view.errorCount > 0 ? (
            <li>
              <a href={errorReportUrl(view.id, false)} download data-testid="import-errors">
                {t('done.errorReport')}
              </a>
            </li>
          ) : null}
        </ul>
      ) : null}
      {canUndo ? (
        <button
          type="button"
          className="btn btn-danger"
          onClick={() => setConfirming(true)}
          data-testid="import-undo"
        >
          {t('done.undo')}
        </button>
      ) : null}
      {confirming ? (
        <ConfirmDialog
          title={t('done.undoTitle')}
          message={t('done.undoMessage')}
          confirmLabel={t('done.undoConfirm')}
          pending={undo.isPending}
          error={<FormError error={undo.error} />}
          onConfirm={() => undo.mutate()}
          onClose={() => setConfirming(false)}
        />
      ) : null}
    </section>
  );
}

function Failed({ view }: { view: ImportView }) {
  const { t } = useTranslation('imports');
  const format = useFormat();
  return (
    <section className="panel" aria-labelledby="import-failed-h" data-testid="import-failed">
      <h2 id="import-failed-h">{t('failed.heading')}</h2>
      <p className="form-error" role="alert">
        {view.error?.message || t('upload.failed')}
      </p>
      <Counts kind={view.kind} counts={view.counts} format={format} />
      {view.errorCount > 0 ? (
        <a href={errorReportUrl(view.id, false)} download>
          {t('done.errorReport')}
        </a>
      ) : null}
    </section>
  );
}

function Undone({ view }: { view: ImportView }) {
  const { t } = useTranslation('imports');
  const format = useFormat();
  const report = view.undoReport;
  const kept = report?.kept ?? [];
  return (
    <section className="panel" aria-labelledby="import-undone-h" data-testid="import-undone">
      <h2 id="import-undone-h">{t('undone.heading')}</h2>
      {report?.deleted !== undefined && report.restored !== undefined ? (
        <p data-testid="undo-totals">
          {t('undone.totals', {
            deleted: format.number(report.deleted),
            restored: format.number(report.restored),
          })}
        </p>
      ) : null}
      {kept.length === 0 ? (
        <p>{t('undone.allReverted')}</p>
      ) : (
        <>
          <p>{t('undone.kept')}</p>
          <table className="data" data-testid="undo-kept">
            <caption className="sr-only">{t('undone.keptCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('undone.client')}</th>
                <th scope="col">{t('undone.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {kept.map((k) => (
                <tr key={k.clientId}>
                  <td>
                    <Link to={`/clients/${k.clientId}`}>{k.displayName}</Link>
                  </td>
                  <td>{t(`undone.reasons.${k.reason}`, { defaultValue: k.reason })}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {report && report.keptTotal > kept.length ? (
            <p className="muted" data-testid="undo-kept-more">
              {t('undone.keptMore', {
                more: format.number(report.keptTotal - kept.length),
                listed: format.number(kept.length),
              })}
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}
