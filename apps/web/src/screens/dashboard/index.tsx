import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { type ReactNode, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { trpc } from '../../api/trpc.ts';
import { useCan } from '../../app/session.tsx';
import { useFormat, useLocale } from '../../i18n/format.ts';
import { Page } from '../../ui/page.tsx';
import { Empty, ErrorState, Loading } from '../../ui/states.tsx';
import {
  type ChartModel,
  type DataTable,
  growthChart,
  newThisMonth,
  type Summary,
  sourceChart,
  temperatureChart,
} from './charts.ts';
import { EChart } from './echart.tsx';
import { ActivityList, TaskList } from './lists.tsx';
import './dashboard.css';

const periodChoices = [6, 12, 24, 36] as const;
const DEFAULT_MONTHS = 12;

function summaryQuery(months: number) {
  return {
    queryKey: ['dashboard', 'summary', { months }] as const,
    queryFn: () => trpc.dashboard.summary.query({ months }),
  };
}

/** The start page: the base in four numbers, three charts, the latest activity and the open tasks. */
export default function Dashboard() {
  const { t } = useTranslation('dashboard');
  const [months, setMonths] = useState<number>(DEFAULT_MONTHS);
  const summary = useQuery({ ...summaryQuery(months), placeholderData: keepPreviousData });

  const period = (
    <label className="inline-select">
      <span>{t('period')}</span>
      <select value={months} onChange={(e) => setMonths(Number(e.target.value))}>
        {periodChoices.map((n) => (
          <option key={n} value={n}>
            {t('periodMonths', { count: n })}
          </option>
        ))}
      </select>
    </label>
  );

  let body: ReactNode;
  if (summary.isPending) body = <Loading />;
  else if (summary.isError)
    body = <ErrorState error={summary.error} title={t('error')} onRetry={() => void summary.refetch()} />;
  else
    body = (
      <DashboardBody
        summary={summary.data}
        asOf={summary.dataUpdatedAt}
        updating={summary.isPlaceholderData}
      />
    );

  return (
    <Page title={t('title')} actions={summary.data && summary.data.total > 0 ? period : undefined}>
      {body}
    </Page>
  );
}

function DashboardBody({ summary, asOf, updating }: { summary: Summary; asOf: number; updating: boolean }) {
  const { t } = useTranslation('dashboard');
  // Relative times and overdue marks are as of when the numbers were fetched, like the API's counts.
  const now = useMemo(() => new Date(asOf), [asOf]);
  const hasLists = summary.recentActivity.length > 0 || summary.openTasks.count > 0;
  return (
    <div className={`dashboard${updating ? ' dashboard-updating' : ''}`} aria-busy={updating || undefined}>
      {updating ? (
        <p className="sr-only" role="status">
          {t('updating')}
        </p>
      ) : null}
      {summary.total === 0 ? (
        <NoClients />
      ) : (
        <>
          <Kpis summary={summary} />
          <Charts summary={summary} />
        </>
      )}
      {summary.total > 0 || hasLists ? (
        <div className="grid-2">
          <section className="panel" aria-labelledby="dashboard-activity">
            <h2 id="dashboard-activity">{t('activity.title')}</h2>
            <ActivityList items={summary.recentActivity} now={now} />
          </section>
          <section className="panel" aria-labelledby="dashboard-tasks">
            <h2 id="dashboard-tasks">{t('tasks.title')}</h2>
            <TaskList tasks={summary.openTasks} now={now} />
          </section>
        </div>
      ) : null}
    </div>
  );
}

/** A brand-new workspace: what the page will show, and the first step for those who may take it. */
function NoClients() {
  const { t } = useTranslation('dashboard');
  const canAdd = useCan('manager');
  return (
    <div className="panel">
      <Empty
        title={t('empty.title')}
        hint={canAdd ? t('empty.hint') : t('empty.viewerHint')}
        action={
          canAdd ? (
            <Link to="/clients/new" className="btn btn-primary">
              {t('empty.action')}
            </Link>
          ) : undefined
        }
      />
    </div>
  );
}

function Kpis({ summary }: { summary: Summary }) {
  const { t } = useTranslation('dashboard');
  const fmt = useFormat();
  const added = newThisMonth(summary);
  const { overdue } = summary.openTasks;
  return (
    <section aria-labelledby="dashboard-kpis">
      <h2 id="dashboard-kpis" className="sr-only">
        {t('kpi.heading')}
      </h2>
      <ul className="kpis">
        <Kpi
          label={t('kpi.total')}
          value={fmt.number(summary.total)}
          note={added === null ? null : t('kpi.newThisMonth', { count: added, n: fmt.number(added) })}
        />
        <Kpi
          label={t('kpi.customers')}
          value={fmt.number(summary.byStage.customer)}
          note={t('kpi.lapsed', { n: fmt.number(summary.byStage.lapsed) })}
        />
        <Kpi
          label={t('kpi.hot')}
          value={fmt.number(summary.temperature.hot)}
          note={t('kpi.warm', { n: fmt.number(summary.temperature.warm) })}
          tone="hot"
        />
        <Kpi
          label={t('kpi.openTasks')}
          value={fmt.number(summary.openTasks.count)}
          note={overdue > 0 ? t('kpi.overdue', { n: fmt.number(overdue) }) : t('kpi.noOverdue')}
          tone={overdue > 0 ? 'alert' : undefined}
        />
      </ul>
    </section>
  );
}

function Kpi({
  label,
  value,
  note,
  tone,
}: {
  label: string;
  value: string;
  note: string | null;
  tone?: 'hot' | 'alert' | undefined;
}) {
  return (
    <li className={`kpi panel${tone ? ` kpi-${tone}` : ''}`}>
      <span className="kpi-label">{label}</span>
      <span className="kpi-value">{value}</span>
      {note ? <span className="kpi-note">{note}</span> : null}
    </li>
  );
}

function Charts({ summary }: { summary: Summary }) {
  const { t } = useTranslation('dashboard');
  const fmt = useFormat();
  const locale = useLocale();
  const models = useMemo(() => {
    const ctx = { t, fmt, locale };
    return {
      growth: growthChart(summary, ctx),
      temperature: temperatureChart(summary, ctx),
      sources: sourceChart(summary, ctx),
    };
  }, [summary, t, fmt, locale]);
  return (
    <div className="dashboard-charts">
      <ChartPanel
        className="chart-wide"
        title={t('growth.title')}
        hint={t('growth.hint')}
        model={models.growth}
        height={300}
      />
      <ChartPanel title={t('temperature.title')} model={models.temperature} />
      <ChartPanel
        title={t('sources.title')}
        model={models.sources}
        height={Math.max(200, 36 * summary.bySource.length + 24)}
      />
    </div>
  );
}

function ChartPanel({
  title,
  hint,
  model,
  height,
  className,
}: {
  title: string;
  hint?: string;
  model: ChartModel;
  height?: number;
  className?: string;
}) {
  const headingId = useId();
  return (
    <section className={`panel chart-panel ${className ?? ''}`} aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      {hint ? <p className="muted chart-hint">{hint}</p> : null}
      <EChart option={model.option} label={model.summary} height={height} />
      <ChartTable table={model.table} />
    </section>
  );
}

/** The chart's numbers as a table, folded away under a disclosure for those who prefer to read them. */
function ChartTable({ table }: { table: DataTable }) {
  const { t } = useTranslation('dashboard');
  return (
    <details className="chart-table">
      <summary>{t('showTable')}</summary>
      <div className="chart-table-scroll">
        <table className="data">
          <caption className="sr-only">{table.caption}</caption>
          <thead>
            <tr>
              {table.columns.map((column) => (
                <th key={column} scope="col">
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.rows.map((row) => (
              <tr key={row.header}>
                <th scope="row">{row.header}</th>
                {row.cells.map((cell, i) => (
                  // Cells are positional: cell i sits under column i + 1.
                  <td key={i}>{cell}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
