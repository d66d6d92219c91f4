import type { BarSeriesOption } from 'echarts/charts';
import { BarChart } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import { GridComponent, LegendPlainComponent, TooltipComponent } from 'echarts/components';
import { type ComposeOption, type EChartsType, init, use } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { useLocale } from '../../i18n/format.ts';

/*
 * Only what the dashboard draws is registered (bars, axes, legend, tooltip, the SVG renderer), so
 * the route's chunk carries a fraction of ECharts.
 */
use([BarChart, GridComponent, LegendPlainComponent, TooltipComponent, SVGRenderer]);

export type ChartOption = ComposeOption<
  BarSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption
>;

/**
 * One ECharts instance bound to a div: created on mount and again when the language changes,
 * resized with its box, disposed on unmount. The picture is hidden from assistive technology behind
 * `role="img"` and the `label`, which must say in words what the chart shows.
 */
export function EChart({
  option,
  label,
  height = 280,
}: {
  option: ChartOption;
  label: string;
  height?: number;
}) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);
  const locale = useLocale();
  // The latest option, for the instance created after a language change.
  const latest = useRef(option);
  latest.current = option;

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    // Every visible text comes from the option; ECharts' own strings (unused here) fall back to English.
    const instance = init(el, null, { renderer: 'svg', locale: locale.toUpperCase() });
    chart.current = instance;
    instance.setOption(latest.current, { notMerge: true });
    const observer =
      typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => instance.resize());
    observer?.observe(el);
    return () => {
      observer?.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, [locale]);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return (
    <div className="chart" role="img" aria-label={label}>
      <div ref={container} className="chart-canvas" aria-hidden="true" style={{ height }} />
    </div>
  );
}
