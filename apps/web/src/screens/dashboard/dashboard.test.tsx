import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { TFunction } from 'i18next';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type Me, SessionProvider } from '../../app/session.tsx';
import { formatterFor } from '../../i18n/format.ts';
import { i18next } from '../../i18n/index.ts';
import { renderWithProviders } from '../../testing/render.tsx';
import {
  activityTitle,
  type ChartContext,
  channelLabel,
  growthChart,
  growthStages,
  isOverdue,
  newThisMonth,
  type Summary,
  sourceChart,
  temperatureChart,
  temperatureColors,
} from './charts.ts';
import Dashboard from './index.tsx';

const summaryQuery = vi.hoisted(() => vi.fn());
vi.mock(import('../../api/trpc.ts'), async (importOriginal) => ({
  ...(await importOriginal()),
  trpc: { dashboard: { summary: { query: summaryQuery } } } as never,
}));
// ECharts needs a real layout engine; the screen tests check what surrounds the picture.
vi.mock('./echart.tsx', () => ({
  EChart: ({ label }: { label: string }) => <div role="img" aria-label={label} />,
}));

const stagesOf = (prospect: number, customer: number, lapsed: number, archived = 0) => ({
  prospect,
  customer,
  lapsed,
  archived,
});

function makeSummary(overrides: Partial<Summary> = {}): Summary {
  return {
    total: 1500,
    byStage: stagesOf(400, 1000, 100),
    growth: [
      { month: '2026-09', total: 1200, byStage: stagesOf(300, 820, 80) },
      { month: '2026-10', total: 1380, byStage: stagesOf(360, 930, 90) },
      { month: '2026-11', total: 1500, byStage: stagesOf(400, 1000, 100) },
    ],
    temperature: { cold: 700, warm: 500, hot: 250, unknown: 50 },
    bySource: [
      { channel: 'web_form', count: 900 },
      { channel: 'referral', count: 500 },
      { channel: 'telegram_bot', count: 100 },
    ],
    recentActivity: [
      {
        kind: 'payment',
        id: 'p1',
        at: '2026-11-22T10:00:00.000Z',
        clientId: 'c1',
        clientName: '<img src=x onerror=alert(1)>',
        title: 'card',
        amountKopecks: 1_234_50,
      },
      {
        kind: 'task',
        id: 't9',
        at: '2026-11-21T10:00:00.000Z',
        clientId: null,
        clientName: null,
        title: 'Подготовить отчёт',
        amountKopecks: null,
      },
    ],
    openTasks: {
      count: 12,
      overdue: 3,
      items: [
        {
          id: 't1',
          title: 'Перезвонить',
          dueAt: '2020-01-01T09:00:00.000Z',
          clientId: 'c2',
          clientName: 'Иванов Иван',
          assigneeId: 'u1',
        },
        {
          id: 't2',
          title: 'Отправить КП',
          dueAt: '2999-01-01T09:00:00.000Z',
          clientId: 'c3',
          clientName: 'ООО «Ромашка»',
          assigneeId: 'someone-else',
        },
      ],
    },
    ...overrides,
  };
}

function contextFor(locale: 'ru' | 'en'): ChartContext {
  return {
    t: i18next.getFixedT(locale, 'dashboard') as TFunction<'dashboard'>,
    fmt: formatterFor(locale),
    locale,
  };
}

describe('growth chart', () => {
  it('stacks one bar series per live stage, month by month, with localized month labels', () => {
    const ctx = contextFor('ru');
    const { option } = growthChart(makeSummary(), ctx);
    const series = option.series as { name: string; stack: string; data: number[] }[];
    expect(series.map((s) => s.name)).toEqual(['Потенциальный', 'Клиент', 'Ушедший']);
    expect(series.every((s) => s.stack === 'base')).toBe(true);
    expect(series[1]?.data).toEqual([820, 930, 1000]);
    expect((option.xAxis as { data: string[] }).data).toEqual(
      ['2026-09', '2026-10', '2026-11'].map((m) => ctx.fmt.month(m)),
    );
  });

  it('keeps the archived stage only when some client is in it', () => {
    expect(growthStages(makeSummary())).not.toContain('archived');
    const withArchived = makeSummary({ byStage: stagesOf(400, 1000, 100, 7) });
    expect(growthStages(withArchived)).toContain('archived');
  });

  it('says in words how the base grew and what it is made of now', () => {
    const ctx = contextFor('ru');
    const n = ctx.fmt.number;
    const { summary, table } = growthChart(makeSummary(), ctx);
    expect(summary).toBe(
      `Размер базы с ${ctx.fmt.month('2026-09')} по ${ctx.fmt.month('2026-11')}: от ${n(1200)} до ${n(1500)} клиентов. ` +
        `В ${ctx.fmt.month('2026-11')}: Потенциальный — 400, Клиент — ${n(1000)}, Ушедший — 100.`,
    );
    expect(table.columns).toEqual(['Месяц', 'Потенциальный', 'Клиент', 'Ушедший', 'Всего']);
    expect(table.rows[2]).toEqual({
      header: ctx.fmt.month('2026-11'),
      cells: ['400', n(1000), '100', n(1500)],
    });
  });

  it('speaks English in the English locale', () => {
    const ctx = contextFor('en');
    const { summary, option } = growthChart(makeSummary(), ctx);
    expect(summary).toBe(
      `Base size from ${ctx.fmt.month('2026-09')} to ${ctx.fmt.month('2026-11')}: from 1,200 to 1,500 clients. ` +
        `In ${ctx.fmt.month('2026-11')}: Prospect — 400, Customer — 1,000, Lapsed — 100.`,
    );
    expect((option.series as { name: string }[]).map((s) => s.name)).toEqual([
      'Prospect',
      'Customer',
      'Lapsed',
    ]);
  });

  it('has a sentence even without points', () => {
    expect(growthChart(makeSummary({ growth: [] }), contextFor('en')).summary).toBe('No growth data.');
  });
});

describe('temperature chart', () => {
  it('draws cold, warm, hot and unscored bars in the badge colours', () => {
    const { option, summary, table } = temperatureChart(makeSummary(), contextFor('ru'));
    const [series] = option.series as { data: { value: number; itemStyle: { color: string } }[] }[];
    expect(series?.data.map((d) => d.value)).toEqual([700, 500, 250, 50]);
    expect(series?.data.map((d) => d.itemStyle.color)).toEqual([
      temperatureColors.cold,
      temperatureColors.warm,
      temperatureColors.hot,
      temperatureColors.unknown,
    ]);
    expect((option.xAxis as { data: string[] }).data).toEqual([
      'Холодная',
      'Тёплая',
      'Горячая',
      'Не рассчитана',
    ]);
    expect(summary).toBe(
      'Клиенты по температуре: Холодная — 700, Тёплая — 500, Горячая — 250, Не рассчитана — 50.',
    );
    expect(table.rows.map((r) => [r.header, ...r.cells])).toEqual([
      ['Холодная', '700'],
      ['Тёплая', '500'],
      ['Горячая', '250'],
      ['Не рассчитана', '50'],
    ]);
  });
});

describe('source chart', () => {
  it('keeps the API order and labels channels, showing an unknown channel as it is', () => {
    const { option, summary } = sourceChart(makeSummary(), contextFor('en'));
    expect((option.yAxis as { data: string[] }).data).toEqual(['Web form', 'Referral', 'telegram_bot']);
    expect((option.series as { data: number[] }[])[0]?.data).toEqual([900, 500, 100]);
    expect(summary).toBe(
      'Clients by acquisition channel: Web form — 900, Referral — 500, telegram_bot — 100.',
    );
  });

  it('says there is nothing when there are no sources', () => {
    expect(sourceChart(makeSummary({ bySource: [] }), contextFor('ru')).summary).toBe(
      'Нет данных об источниках.',
    );
  });

  it.each([
    ['purchased_list', 'ru', 'Купленная база'],
    ['walk_in', 'en', 'Walk-in'],
    ['something_new', 'ru', 'something_new'],
  ] as const)('labels channel %s in %s as %s', (channel, locale, expected) => {
    expect(channelLabel(channel, locale)).toBe(expected);
  });
});

describe('small rules', () => {
  it.each([
    [[1200, 1380, 1500], 120],
    [[1500], null],
    [[], null],
    [[10, 10], 0],
  ] as const)('new this month for totals %j is %s', (totals, expected) => {
    const growth = totals.map((total, i) => ({
      month: `2026-0${i + 1}`,
      total,
      byStage: stagesOf(total, 0, 0),
    }));
    expect(newThisMonth({ growth })).toBe(expected);
  });

  const now = new Date('2026-11-22T12:00:00Z');
  it.each([
    ['2026-11-22T11:59:59Z', true],
    ['2026-11-22T12:00:00Z', false],
    ['2026-12-01T00:00:00Z', false],
    [null, false],
  ] as const)('a task due %s is overdue: %s', (dueAt, expected) => {
    expect(isOverdue(dueAt, now)).toBe(expected);
  });

  it.each([
    [{ kind: 'payment', title: 'card' }, 'Оплата картой'],
    [{ kind: 'payment', title: 'Cash' }, 'Оплата наличными'],
    [{ kind: 'payment', title: 'по счёту 17' }, 'по счёту 17'],
    [{ kind: 'interaction', title: 'card' }, 'card'],
    [{ kind: 'task', title: '  ' }, null],
    [{ kind: 'purchase', title: null }, null],
  ] as const)('activity %j reads %s', (item, expected) => {
    expect(activityTitle(item, contextFor('ru').t)).toBe(expected);
  });
});

const me = {
  user: { id: 'u1', email: 'olga@example.com', name: 'Ольга' },
  workspace: { id: 'w1', name: 'Ромашка' },
  role: 'manager',
  memberships: [],
  via: 'session',
} as unknown as Me;

function renderDashboard(session: Me = me) {
  return renderWithProviders(
    <SessionProvider value={session}>
      <Dashboard />
    </SessionProvider>,
  );
}

describe('dashboard screen', () => {
  beforeEach(() => {
    summaryQuery.mockReset();
  });

  it('shows the four figures, the charts with their descriptions and both lists', async () => {
    summaryQuery.mockResolvedValue(makeSummary());
    renderDashboard();
    const figures = await screen.findByRole('region', { name: 'Ключевые показатели' });
    const tiles = within(figures).getAllByRole('listitem');
    expect(tiles.map((tile) => tile.textContent)).toEqual([
      `Всего клиентов${formatterFor('ru').number(1500)}+120 новых в этом месяце`,
      `Покупатели${formatterFor('ru').number(1000)}Ушедших: 100`,
      'Горячие клиенты250Тёплых: 500',
      'Открытые задачи12Просрочено: 3',
    ]);
    expect(tiles[3]).toHaveProperty('className', expect.stringContaining('kpi-alert'));
    expect(summaryQuery).toHaveBeenCalledWith({ months: 12 });

    const charts = screen.getAllByRole('img');
    expect(charts.map((c) => c.getAttribute('aria-label')?.split(':')[0])).toEqual([
      expect.stringMatching(/^Размер базы с /),
      'Клиенты по температуре',
      'Клиенты по каналам привлечения',
    ]);
    expect(screen.getAllByRole('table')).toHaveLength(3);

    const activity = screen.getByRole('region', { name: 'Последние события' });
    // A hostile name is text, not markup.
    expect(within(activity).getByRole('link', { name: '<img src=x onerror=alert(1)>' })).toHaveProperty(
      'pathname',
      '/clients/c1',
    );
    expect(within(activity).getByText('Оплата картой')).toBeTruthy();
    const money = formatterFor('ru').money(1_234_50);
    expect(
      within(activity).getByText((_, el) => el?.tagName === 'SPAN' && el.textContent === money),
    ).toBeTruthy();
    expect(within(activity).getByText('Без клиента')).toBeTruthy();

    const tasks = screen.getByRole('region', { name: 'Открытые задачи' });
    const [overdueTask, laterTask] = within(tasks).getAllByRole('listitem');
    expect(within(overdueTask!).getByText('Просрочена')).toBeTruthy();
    expect(within(overdueTask!).getByText('Ваша')).toBeTruthy();
    expect(within(laterTask!).queryByText('Просрочена')).toBeNull();
    expect(within(tasks).getByRole('link', { name: 'ООО «Ромашка»' })).toHaveProperty(
      'pathname',
      '/clients/c3',
    );
    expect(within(tasks).getByText('Показаны 2 из 12, ближайшие по сроку.')).toBeTruthy();
  });

  it('asks for another period', async () => {
    summaryQuery.mockResolvedValue(makeSummary());
    renderDashboard();
    await userEvent.selectOptions(await screen.findByRole('combobox', { name: 'Период' }), '24');
    expect(summaryQuery).toHaveBeenLastCalledWith({ months: 24 });
  });

  const emptySummary = makeSummary({
    total: 0,
    byStage: stagesOf(0, 0, 0),
    growth: [{ month: '2026-11', total: 0, byStage: stagesOf(0, 0, 0) }],
    temperature: { cold: 0, warm: 0, hot: 0, unknown: 0 },
    bySource: [],
    recentActivity: [],
    openTasks: { count: 0, overdue: 0, items: [] },
  });

  it('greets a brand-new workspace with a way to add the first client', async () => {
    summaryQuery.mockResolvedValue(emptySummary);
    renderDashboard();
    expect(await screen.findByText('Здесь пока пусто')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Добавить клиента' })).toHaveProperty('pathname', '/clients/new');
    expect(screen.queryByRole('img')).toBeNull();
    expect(screen.queryByRole('region', { name: 'Последние события' })).toBeNull();
  });

  it('does not offer a viewer to add a client', async () => {
    summaryQuery.mockResolvedValue(emptySummary);
    renderDashboard({ ...me, role: 'viewer' } as Me);
    expect(await screen.findByText('Здесь пока пусто')).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'Добавить клиента' })).toBeNull();
  });

  it('shows the failure and loads again on retry', async () => {
    summaryQuery.mockRejectedValueOnce(new Error('boom')).mockResolvedValueOnce(makeSummary());
    renderDashboard();
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Не удалось загрузить обзор');
    await userEvent.click(within(alert).getByRole('button', { name: 'Повторить' }));
    expect(await screen.findByRole('region', { name: 'Ключевые показатели' })).toBeTruthy();
    expect(summaryQuery).toHaveBeenCalledTimes(2);
  });
});
