import {
  type Locale,
  label,
  type SourceChannel,
  type Stage,
  sourceChannels,
  stages,
  type TemperatureLevel,
  temperatureLevels,
} from '@cb/domain';
import type { TFunction } from 'i18next';
import type { Outputs } from '../../api/trpc.ts';
import type { Formatter } from '../../i18n/format.ts';
import type { ChartOption } from './echart.tsx';

/*
 * The dashboard's pure part: the summary from the API turned into chart options, a sentence that
 * says what each chart shows (its accessible name) and the same numbers as a table. No React, no
 * ECharts at run time, so all of it is tested without a browser.
 */

export type Summary = Outputs['dashboard']['summary'];
export type TemperatureBucket = TemperatureLevel | 'unknown';

export type ChartContext = { t: TFunction<'dashboard'>; fmt: Formatter; locale: Locale };

/** A chart's numbers in rows and columns, for the visually available table beside the picture. */
export type DataTable = { caption: string; columns: string[]; rows: { header: string; cells: string[] }[] };

export type ChartModel = { option: ChartOption; summary: string; table: DataTable };

/*
 * Canvas colours cannot read CSS variables, so they are spelt here. Each has at least 3:1 contrast
 * against the white panel (WCAG 1.4.11); temperatures follow the badges: cold blue, warm amber, hot red.
 */
export const stageColors: Record<Stage, string> = {
  prospect: '#0969da',
  customer: '#1a7f37',
  lapsed: '#9a6700',
  archived: '#6e7781',
};
export const temperatureColors: Record<TemperatureBucket, string> = {
  cold: '#2563eb',
  warm: '#d97706',
  hot: '#dc2626',
  unknown: '#6e7781',
};
const SOURCE_COLOR = '#0b5cad';
const TEXT_COLOR = '#1b1f24';
const MUTED_COLOR = '#57606a';
const GRID_COLOR = '#d0d7de';

export const temperatureBuckets: readonly TemperatureBucket[] = [...temperatureLevels, 'unknown'];

export function stageLabel(stage: Stage, locale: Locale): string {
  return label('stage', stage, locale);
}

export function temperatureLabel(bucket: TemperatureBucket, ctx: ChartContext): string {
  return bucket === 'unknown' ? ctx.t('temperature.unknown') : label('temperatureLevel', bucket, ctx.locale);
}

function isSourceChannel(value: string): value is SourceChannel {
  return (sourceChannels as readonly string[]).includes(value);
}

/** A source channel's label; a value the domain does not know (yet) is shown as it is. */
export function channelLabel(channel: string, locale: Locale): string {
  return isSourceChannel(channel) ? label('sourceChannel', channel, locale) : channel;
}

/**
 * The stages the growth chart draws: the summary counts the live base, so `archived` is always
 * zero there and only clutters the legend; any stage with a client is kept.
 */
export function growthStages(summary: Pick<Summary, 'growth' | 'byStage'>): Stage[] {
  return stages.filter(
    (stage) =>
      stage !== 'archived' ||
      summary.byStage[stage] > 0 ||
      summary.growth.some((point) => point.byStage[stage] > 0),
  );
}

/** "Потенциальный — 1 200, Клиент — 300": label–value pairs in one line. */
function pairs(items: { name: string; value: number }[], fmt: Formatter): string {
  return items.map((item) => `${item.name} — ${fmt.number(item.value)}`).join(', ');
}

const baseOption = {
  animation: false,
  textStyle: {
    color: TEXT_COLOR,
    fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif',
  },
  tooltip: { confine: true },
} satisfies ChartOption;

/** The plot area with its axis labels kept inside the given margins (ECharts 6's `containLabel`). */
const grid = (margins: { left: number; right: number; top: number; bottom: number }) => ({
  ...margins,
  outerBoundsMode: 'same' as const,
  outerBoundsContain: 'axisLabel' as const,
});

const valueAxis = (fmt: Formatter) => ({
  type: 'value' as const,
  minInterval: 1,
  axisLabel: { color: MUTED_COLOR, formatter: (value: number) => fmt.number(value) },
  splitLine: { lineStyle: { color: GRID_COLOR } },
});

/** The size of the base month by month, stacked by (current) stage. */
export function growthChart(summary: Summary, ctx: ChartContext): ChartModel {
  const { t, fmt, locale } = ctx;
  const shown = growthStages(summary);
  const months = summary.growth.map((point) => fmt.month(point.month));
  const option: ChartOption = {
    ...baseOption,
    color: shown.map((stage) => stageColors[stage]),
    tooltip: {
      ...baseOption.tooltip,
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      valueFormatter: (value) => fmt.number(typeof value === 'number' ? value : Number(value)),
    },
    legend: { bottom: 0, textStyle: { color: TEXT_COLOR } },
    grid: grid({ left: 8, right: 8, top: 16, bottom: 36 }),
    xAxis: {
      type: 'category',
      data: months,
      axisLabel: { color: MUTED_COLOR },
      axisLine: { lineStyle: { color: MUTED_COLOR } },
    },
    yAxis: valueAxis(fmt),
    series: shown.map((stage) => ({
      type: 'bar',
      name: stageLabel(stage, locale),
      stack: 'base',
      barMaxWidth: 36,
      emphasis: { focus: 'series' },
      data: summary.growth.map((point) => point.byStage[stage]),
    })),
  };

  const first = summary.growth[0];
  const last = summary.growth.at(-1);
  const summaryText =
    first && last
      ? t('growth.summary', {
          from: fmt.month(first.month),
          to: fmt.month(last.month),
          start: fmt.number(first.total),
          end: fmt.number(last.total),
          breakdown: pairs(
            shown.map((stage) => ({ name: stageLabel(stage, locale), value: last.byStage[stage] })),
            fmt,
          ),
        })
      : t('growth.noData');

  return {
    option,
    summary: summaryText,
    table: {
      caption: t('growth.title'),
      columns: [t('growth.month'), ...shown.map((stage) => stageLabel(stage, locale)), t('growth.total')],
      rows: summary.growth.map((point) => ({
        header: fmt.month(point.month),
        cells: [...shown.map((stage) => fmt.number(point.byStage[stage])), fmt.number(point.total)],
      })),
    },
  };
}

/** Clients by stored temperature, coloured as the badges. */
export function temperatureChart(summary: Summary, ctx: ChartContext): ChartModel {
  const { t, fmt } = ctx;
  const items = temperatureBuckets.map((bucket) => ({
    bucket,
    name: temperatureLabel(bucket, ctx),
    value: summary.temperature[bucket],
  }));
  const option: ChartOption = {
    ...baseOption,
    tooltip: {
      ...baseOption.tooltip,
      trigger: 'item',
      valueFormatter: (value) => fmt.number(typeof value === 'number' ? value : Number(value)),
    },
    grid: grid({ left: 8, right: 8, top: 24, bottom: 8 }),
    xAxis: {
      type: 'category',
      data: items.map((item) => item.name),
      axisLabel: { color: TEXT_COLOR, interval: 0 },
      axisLine: { lineStyle: { color: MUTED_COLOR } },
    },
    yAxis: valueAxis(fmt),
    series: [
      {
        type: 'bar',
        name: t('temperature.count'),
        barMaxWidth: 56,
        label: {
          show: true,
          position: 'top',
          color: TEXT_COLOR,
          formatter: ({ value }) => fmt.number(Number(value)),
        },
        data: items.map((item) => ({
          value: item.value,
          itemStyle: { color: temperatureColors[item.bucket] },
        })),
      },
    ],
  };
  return {
    option,
    summary: t('temperature.summary', { breakdown: pairs(items, fmt) }),
    table: {
      caption: t('temperature.title'),
      columns: [t('temperature.level'), t('temperature.count')],
      rows: items.map((item) => ({ header: item.name, cells: [fmt.number(item.value)] })),
    },
  };
}

/** Clients per acquisition channel, most first (as the API sorts them), top to bottom. */
export function sourceChart(summary: Summary, ctx: ChartContext): ChartModel {
  const { t, fmt, locale } = ctx;
  const items = summary.bySource.map((row) => ({
    name: channelLabel(row.channel, locale),
    value: row.count,
  }));
  const option: ChartOption = {
    ...baseOption,
    color: [SOURCE_COLOR],
    tooltip: {
      ...baseOption.tooltip,
      trigger: 'item',
      valueFormatter: (value) => fmt.number(typeof value === 'number' ? value : Number(value)),
    },
    grid: grid({ left: 8, right: 48, top: 8, bottom: 8 }),
    xAxis: { ...valueAxis(fmt), axisLabel: { show: false } },
    yAxis: {
      type: 'category',
      inverse: true,
      data: items.map((item) => item.name),
      axisLabel: { color: TEXT_COLOR },
      axisLine: { lineStyle: { color: MUTED_COLOR } },
    },
    series: [
      {
        type: 'bar',
        name: t('sources.count'),
        barMaxWidth: 24,
        label: {
          show: true,
          position: 'right',
          color: TEXT_COLOR,
          formatter: ({ value }) => fmt.number(Number(value)),
        },
        data: items.map((item) => item.value),
      },
    ],
  };
  return {
    option,
    summary: items.length > 0 ? t('sources.summary', { breakdown: pairs(items, fmt) }) : t('sources.noData'),
    table: {
      caption: t('sources.title'),
      columns: [t('sources.channel'), t('sources.count')],
      rows: items.map((item) => ({ header: item.name, cells: [fmt.number(item.value)] })),
    },
  };
}

/** New live clients in the last month of the chart (the current one): its total minus the one before. */
export function newThisMonth(summary: Pick<Summary, 'growth'>): number | null {
  // The first point also holds everyone created before the chart starts, so it needs one before it.
  const last = summary.growth.at(-1);
  const before = summary.growth.at(-2);
  if (!last || !before) return null;
  return Math.max(0, last.total - before.total);
}

/** Whether a task is past its due time at `now`; a task without a due date never is. */
export function isOverdue(dueAt: string | null, now: Date): boolean {
  return dueAt !== null && new Date(dueAt).getTime() < now.getTime();
}

/** Payment methods with a translated wording; the method is free text, any other value shows as typed. */
const knownPaymentMethods = ['card', 'cash', 'transfer'] as const;

/** The line shown for an activity entry: its own text, with a known payment method put into words. */
export function activityTitle(
  item: Pick<Summary['recentActivity'][number], 'kind' | 'title'>,
  t: TFunction<'dashboard'>,
): string | null {
  const title = item.title?.trim() || null;
  if (item.kind === 'payment' && title) {
    const method = knownPaymentMethods.find((m) => m === title.toLowerCase());
    if (method) return t(`activity.paymentMethod.${method}`);
  }
  return title;
}
