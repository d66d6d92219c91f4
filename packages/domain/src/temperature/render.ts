import { formatInteger, formatRub, pluralEn, pluralRu } from '../i18n/format.ts';
import { label } from '../i18n/labels.ts';
import {
  assertNever,
  type InteractionKind,
  type Locale,
  type SourceChannel,
  type TemperatureLevel,
} from '../vocabulary.ts';
import type { TemperatureReason } from './reason.ts';

export function temperatureLevelLabel(level: TemperatureLevel, locale: Locale): string {
  return label('temperatureLevel', level, locale);
}

/** Points with an explicit sign; a true minus sign (U+2212), as typography wants it. */
function signedPoints(points: number): string {
  return points > 0 ? `+${points}` : `\u2212${Math.abs(points)}`;
}

function num(detail: TemperatureReason['detail'], key: string): number {
  const value = detail[key];
  return typeof value === 'number' ? value : Number(value ?? 0);
}

function str(detail: TemperatureReason['detail'], key: string): string {
  return String(detail[key] ?? '');
}

function daysAgo(days: number, locale: Locale): string {
  if (locale === 'ru') {
    if (days <= 0) return 'сегодня';
    return `${formatInteger(days, 'ru')} ${pluralRu(days, 'день', 'дня', 'дней')} назад`;
  }
  if (days <= 0) return 'today';
  return `${formatInteger(days, 'en')} ${pluralEn(days, 'day', 'days')} ago`;
}

function inLastDays(days: number, locale: Locale): string {
  return locale === 'ru'
    ? `за ${formatInteger(days, 'ru')} ${pluralRu(days, 'день', 'дня', 'дней')}`
    : `in the last ${formatInteger(days, 'en')} ${pluralEn(days, 'day', 'days')}`;
}

function kindInSentence(kind: string, locale: Locale): string {
  return label('interactionKind', kind as InteractionKind, locale).toLocaleLowerCase(locale);
}

/**
 * One reason as a sentence ending in its points, e.g.
 * RU «Последняя покупка 3 дня назад: +33», EN "Last purchase 3 days ago: +33".
 */
export function renderTemperatureReason(reason: TemperatureReason, locale: Locale): string {
  return `${reasonText(reason, locale)}: ${signedPoints(reason.points)}`;
}

function reasonText({ signal, detail }: TemperatureReason, locale: Locale): string {
  const ru = locale === 'ru';
  switch (signal) {
    case 'last_purchase':
      return `${ru ? 'Последняя покупка' : 'Last purchase'} ${daysAgo(num(detail, 'days'), locale)}`;
    case 'purchases_in_window': {
      const count = num(detail, 'count');
      const noun = ru
        ? pluralRu(count, 'покупка', 'покупки', 'покупок')
        : pluralEn(count, 'purchase', 'purchases');
      return `${formatInteger(count, locale)} ${noun} ${inLastDays(num(detail, 'windowDays'), locale)}`;
    }
    case 'purchase_sum_in_window': {
      const sum = formatRub(num(detail, 'sumKopecks'), locale);
      const window = inLastDays(num(detail, 'windowDays'), locale);
      return ru ? `Покупки на ${sum} ${window}` : `Purchases worth ${sum} ${window}`;
    }
    case 'last_interaction': {
      const kind = kindInSentence(str(detail, 'kind'), locale);
      const when = daysAgo(num(detail, 'days'), locale);
      return ru ? `Последнее взаимодействие (${kind}) ${when}` : `Last interaction (${kind}) ${when}`;
    }
    case 'inbound_request': {
      const kind = kindInSentence(str(detail, 'kind'), locale);
      const when = daysAgo(num(detail, 'days'), locale);
      return ru ? `Обращение клиента (${kind}) ${when}` : `Client reached out (${kind}) ${when}`;
    }
    case 'source_channel': {
      const channel = label('sourceChannel', str(detail, 'channel') as SourceChannel, locale);
      return ru ? `Источник «${channel}»` : `Source "${channel}"`;
    }
    case 'open_tasks': {
      const count = num(detail, 'count');
      const overdue = num(detail, 'overdue');
      const tasks = ru
        ? `${formatInteger(count, 'ru')} ${pluralRu(count, 'открытая задача', 'открытые задачи', 'открытых задач')}`
        : `${formatInteger(count, 'en')} open ${pluralEn(count, 'task', 'tasks')}`;
      if (overdue === 0) return tasks;
      return ru
        ? `${tasks} (просрочено: ${formatInteger(overdue, 'ru')})`
        : `${tasks} (${formatInteger(overdue, 'en')} overdue)`;
    }
    default:
      return assertNever(signal);
  }
}
