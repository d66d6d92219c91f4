import { describe, expect, it } from 'vitest';
import type { Locale, TemperatureLevel } from '../vocabulary.ts';
import type { TemperatureReason } from './reason.ts';
import { renderTemperatureReason, temperatureLevelLabel } from './render.ts';

const nbsp = '\u00a0';
const minus = '\u2212';

describe('renderTemperatureReason', () => {
  it.each<[TemperatureReason, string, string]>([
    [
      { signal: 'last_purchase', points: 35, detail: { days: 3 } },
      'Последняя покупка 3 дня назад: +35',
      'Last purchase 3 days ago: +35',
    ],
    [
      { signal: 'last_purchase', points: 35, detail: { days: 0 } },
      'Последняя покупка сегодня: +35',
      'Last purchase today: +35',
    ],
    [
      { signal: 'last_purchase', points: 34, detail: { days: 1 } },
      'Последняя покупка 1 день назад: +34',
      'Last purchase 1 day ago: +34',
    ],
    [
      { signal: 'last_purchase', points: 9, detail: { days: 21 } },
      'Последняя покупка 21 день назад: +9',
      'Last purchase 21 days ago: +9',
    ],
    [
      { signal: 'last_purchase', points: 9, detail: { days: 11 } },
      'Последняя покупка 11 дней назад: +9',
      'Last purchase 11 days ago: +9',
    ],
    [
      { signal: 'purchases_in_window', points: 3, detail: { count: 1, windowDays: 365 } },
      '1 покупка за 365 дней: +3',
      '1 purchase in the last 365 days: +3',
    ],
    [
      { signal: 'purchases_in_window', points: 9, detail: { count: 3, windowDays: 90 } },
      '3 покупки за 90 дней: +9',
      '3 purchases in the last 90 days: +9',
    ],
    [
      { signal: 'purchases_in_window', points: 15, detail: { count: 12, windowDays: 31 } },
      '12 покупок за 31 день: +15',
      '12 purchases in the last 31 days: +15',
    ],
    [
      {
        signal: 'purchase_sum_in_window',
        points: 1,
        detail: { sumKopecks: 1_250_000, sumRub: 12_500, windowDays: 365 },
      },
      `Покупки на 12${nbsp}500${nbsp}₽ за 365 дней: +1`,
      'Purchases worth ₽12,500 in the last 365 days: +1',
    ],
    [
      { signal: 'last_interaction', points: 24, detail: { days: 2, kind: 'meeting', direction: 'outbound' } },
      'Последнее взаимодействие (встреча) 2 дня назад: +24',
      'Last interaction (meeting) 2 days ago: +24',
    ],
    [
      { signal: 'inbound_request', points: 36, detail: { days: 5, kind: 'web_form' } },
      'Обращение клиента (заявка с веб-формы) 5 дней назад: +36',
      'Client reached out (web form submission) 5 days ago: +36',
    ],
    [
      { signal: 'source_channel', points: -15, detail: { channel: 'purchased_list' } },
      `Источник «Купленная база»: ${minus}15`,
      `Source "Purchased list": ${minus}15`,
    ],
    [
      { signal: 'source_channel', points: 20, detail: { channel: 'referral' } },
      'Источник «Рекомендация»: +20',
      'Source "Referral": +20',
    ],
    [
      { signal: 'open_tasks', points: 5, detail: { count: 1, overdue: 0 } },
      '1 открытая задача: +5',
      '1 open task: +5',
    ],
    [
      { signal: 'open_tasks', points: 7, detail: { count: 2, overdue: 1 } },
      '2 открытые задачи (просрочено: 1): +7',
      '2 open tasks (1 overdue): +7',
    ],
    [
      { signal: 'open_tasks', points: 10, detail: { count: 5, overdue: 0 } },
      '5 открытых задач: +10',
      '5 open tasks: +10',
    ],
  ])('%j', (reason, ru, en) => {
    expect(renderTemperatureReason(reason, 'ru')).toBe(ru);
    expect(renderTemperatureReason(reason, 'en')).toBe(en);
  });
});

describe('temperatureLevelLabel', () => {
  it.each<[TemperatureLevel, Locale, string]>([
    ['cold', 'ru', 'Холодная'],
    ['warm', 'ru', 'Тёплая'],
    ['hot', 'ru', 'Горячая'],
    ['cold', 'en', 'Cold'],
    ['warm', 'en', 'Warm'],
    ['hot', 'en', 'Hot'],
  ])('%s in %s → %s', (level, locale, expected) => {
    expect(temperatureLevelLabel(level, locale)).toBe(expected);
  });
});
