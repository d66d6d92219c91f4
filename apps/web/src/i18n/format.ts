import type { Locale } from '@cb/domain/vocabulary';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

const TAGS: Record<Locale, string> = { ru: 'ru-RU', en: 'en-GB' };

export type Formatter = ReturnType<typeof formatterFor>;

/** Dates, numbers and money in the reader's language: `22 нояб. 2026 г.` / `22 Nov 2026`, `1 234,50 ₽` / `RUB 1,234.50`. */
export function formatterFor(locale: Locale) {
  const tag = TAGS[locale];
  const date = new Intl.DateTimeFormat(tag, { day: 'numeric', month: 'short', year: 'numeric' });
  const dateTime = new Intl.DateTimeFormat(tag, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
  const month = new Intl.DateTimeFormat(tag, { month: 'short', year: 'numeric', timeZone: 'UTC' });
  const number = new Intl.NumberFormat(tag);
  const relative = new Intl.RelativeTimeFormat(tag, { numeric: 'auto' });
  const toDate = (value: string | Date) => (value instanceof Date ? value : new Date(value));
  return {
    locale,
    date: (value: string | Date | null | undefined) => (value ? date.format(toDate(value)) : '—'),
    dateTime: (value: string | Date | null | undefined) => (value ? dateTime.format(toDate(value)) : '—'),
    /** `2026-03` → `мар. 2026 г.` */
    month: (yyyyMm: string) => month.format(new Date(`${yyyyMm}-01T00:00:00Z`)),
    number: (value: number | null | undefined) =>
      value === null || value === undefined ? '—' : number.format(value),
    money: (kopecks: number | null | undefined, currency = 'RUB') =>
      kopecks === null || kopecks === undefined
        ? '—'
        : new Intl.NumberFormat(tag, { style: 'currency', currency }).format(kopecks / 100),
    /** "3 дня назад" / "3 days ago", against `now`. */
    relative: (value: string | Date | null | undefined, now: Date = new Date()) => {
      if (!value) return '—';
      const diffMs = toDate(value).getTime() - now.getTime();
      const minutes = Math.round(diffMs / 60_000);
      if (Math.abs(minutes) < 60) return relative.format(minutes, 'minute');
      const hours = Math.round(minutes / 60);
      if (Math.abs(hours) < 24) return relative.format(hours, 'hour');
      const days = Math.round(hours / 24);
      if (Math.abs(days) < 60) return relative.format(days, 'day');
      return relative.format(Math.round(days / 30), 'month');
    },
  };
}

export function useLocale(): Locale {
  const { i18n } = useTranslation();
  return i18n.language === 'en' ? 'en' : 'ru';
}

export function useFormat(): Formatter {
  const locale = useLocale();
  return useMemo(() => formatterFor(locale), [locale]);
}
