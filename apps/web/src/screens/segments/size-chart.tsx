import { useQuery } from '@tanstack/react-query';
import { LineChart, type LineSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  type GridComponentOption,
  TooltipComponent,
  type TooltipComponentOption,
} from 'echarts/components';
import { type ComposeOption, init, use } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { trpc } from '../../api/trpc.ts';
import { useFormat } from '../../i18n/format.ts';
import { SelectField } from '../../ui/field.tsx';
import { ErrorState, Loading } from '../../ui/states.tsx';

// Only what a line chart needs, so the segment screen's chunk stays small.
use([LineChart, GridComponent, TooltipComponent, SVGRenderer]);

type Option = ComposeOption<LineSeriesOption | GridComponentOption | TooltipComponentOption>;
export type SizePoint = { day: string; size: number };

const PERIODS = [30, 90, 365] as const;

/** The calendar day `YYYY-MM-DD` (a UTC day of the API) as a local date that formats as that day. */
const utcDay = (day: string) => {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1, 12);
};

/** A one-sentence description of the series, for screen readers and as the chart's title. */
export function summarize(points: readonly SizePoint[]) {
  if (points.length === 0) return null;
  const sizes = points.map((p) => p.size);
  return {
    from: points[0]!.day,
    to: points[points.length - 1]!.day,
    first: sizes[0]!,
    last: sizes[sizes.length - 1]!,
    min: Math.min(...sizes),
    max: Math.max(...sizes),
  };
}

function cssVar(name: string, fallback: string): string {
  if (typeof document === 'undefined') return fallback;
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/** The line itself; ECharts draws into a div the screen reader skips (the caption speaks for it). */
function Chart({ points }: { points: readonly SizePoint[] }) {
  const ref = useRef<HTMLDivElement>(null);
  const format = useFormat();
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const chart = init(el, null, { renderer: 'svg' });
    const primary = cssVar('--primary', '#0b5cad');
    const muted = cssVar('--muted', '#57606a');
    const option: Option = {
      animation: false,
      grid: { left: 48, right: 16, top: 16, bottom: 32 },
      tooltip: {
        trigger: 'axis',
        valueFormatter: (v) => format.number(Number(v)),
      },
      xAxis: {
        type: 'category',
        data: points.map((p) => format.date(utcDay(p.day))),
        boundaryGap: false,
        axisLabel: { color: muted, hideOverlap: true },
      },
      yAxis: {
        type: 'value',
        minInterval: 1,
        axisLabel: { color: muted, formatter: (v: number) => format.number(v) },
      },
      series: [
        {
          type: 'line',
          data: points.map((p) => p.size),
          showSymbol: points.length <= 31,
          lineStyle: { color: primary, width: 2 },
          itemStyle: { color: primary },
          areaStyle: { color: primary, opacity: 0.12 },
        },
      ],
    };
    chart.setOption(option);
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => chart.resize());
    observer?.observe(el);
    return () => {
      observer?.disconnect();
      chart.dispose();
    };
  }, [points, format]);
  return <div ref={ref} className="seg-chart" aria-hidden="true" />;
}

/** The segment's size at the end of each day of a chosen period, as a chart and as a table. */
export function SizeChart({ segmentId }: { segmentId: string }) {
  const { t } = useTranslation('segments');
  const format = useFormat();
  const [days, setDays] = useState<number>(90);
  const input = { id: segmentId, days };
  const history = useQuery({
    queryKey: ['segments', 'sizeHistory', input],
    queryFn: () => trpc.segments.sizeHistory.query(input),
  });
  const periodText = t('chart.days', { count: days });
  const points = history.data?.points ?? [];
  const s = summarize(points);
  const summary = s
    ? t('chart.summary', {
        period: periodText,
        from: format.date(utcDay(s.from)),
        to: format.date(utcDay(s.to)),
        first: format.number(s.first),
        last: format.number(s.last),
        min: format.number(s.min),
        max: format.number(s.max),
      })
    : '';
  return (
    <div className="seg-size">
      <SelectField
        className="seg-period"
        label={t('chart.period')}
        value={String(days)}
        onChange={(e) => setDays(Number(e.target.value))}
        options={PERIODS.map((d) => ({ value: String(d), label: t('chart.days', { count: d }) }))}
      />
      {history.isPending ? (
        <Loading />
      ) : history.isError ? (
        <ErrorState error={history.error} onRetry={() => void history.refetch()} />
      ) : !s ? (
        <p className="muted">{t('chart.empty')}</p>
      ) : (
        <>
          <figure className="seg-figure">
            <Chart points={points} />
            <figcaption className="muted seg-chart-summary">{summary}</figcaption>
          </figure>
          <details className="seg-chart-data">
            <summary>{t('chart.showTable')}</summary>
            <div className="seg-table-scroll">
              <table className="data">
                <caption className="sr-only">{t('chart.tableCaption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('chart.day')}</th>
                    <th scope="col">{t('chart.size')}</th>
                  </tr>
                </thead>
                <tbody>
                  {[...points].reverse().map((p) => (
                    <tr key={p.day}>
                      <td>{format.date(utcDay(p.day))}</td>
                      <td>{format.number(p.size)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </>
      )}
    </div>
  );
}
