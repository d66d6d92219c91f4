import { act, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { i18next } from '../../i18n/index.ts';
import { type ChartOption, EChart } from './echart.tsx';

type FakeChart = {
  setOption: ReturnType<typeof vi.fn>;
  resize: ReturnType<typeof vi.fn>;
  dispose: ReturnType<typeof vi.fn>;
};

const charts = vi.hoisted(() => [] as { el: HTMLElement; opts: unknown; chart: FakeChart }[]);
vi.mock(import('echarts/core'), async (importOriginal) => ({
  ...(await importOriginal()),
  init: ((el: HTMLElement, _theme: unknown, opts: unknown) => {
    const chart = { setOption: vi.fn(), resize: vi.fn(), dispose: vi.fn() };
    charts.push({ el, opts, chart });
    return chart;
  }) as never,
}));

const first: ChartOption = { series: [{ type: 'bar', data: [1, 2] }] };
const second: ChartOption = { series: [{ type: 'bar', data: [3, 4] }] };

describe('EChart', () => {
  afterEach(async () => {
    charts.length = 0;
    await act(() => i18next.changeLanguage('ru'));
  });

  it('draws into a hidden box behind an image with the given description', () => {
    render(<EChart option={first} label="Клиенты по температуре: …" height={200} />);
    const img = screen.getByRole('img', { name: 'Клиенты по температуре: …' });
    expect(charts).toHaveLength(1);
    expect(img.contains(charts[0]!.el)).toBe(true);
    expect(charts[0]!.el.getAttribute('aria-hidden')).toBe('true');
    expect(charts[0]!.el.style.height).toBe('200px');
    expect(charts[0]!.opts).toMatchObject({ renderer: 'svg', locale: 'RU' });
    expect(charts[0]!.chart.setOption).toHaveBeenLastCalledWith(first, { notMerge: true });
  });

  it('replaces the option in place when it changes, and disposes on unmount', () => {
    const view = render(<EChart option={first} label="a" />);
    view.rerender(<EChart option={second} label="b" />);
    expect(charts).toHaveLength(1);
    expect(charts[0]!.chart.setOption).toHaveBeenLastCalledWith(second, { notMerge: true });
    view.unmount();
    expect(charts[0]!.chart.dispose).toHaveBeenCalledTimes(1);
  });

  it('starts a new instance with the latest option when the language changes', async () => {
    const view = render(<EChart option={first} label="a" />);
    view.rerender(<EChart option={second} label="b" />);
    await act(() => i18next.changeLanguage('en'));
    expect(charts).toHaveLength(2);
    expect(charts[0]!.chart.dispose).toHaveBeenCalledTimes(1);
    expect(charts[1]!.opts).toMatchObject({ locale: 'EN' });
    expect(charts[1]!.chart.setOption).toHaveBeenCalledWith(second, { notMerge: true });
  });
});
