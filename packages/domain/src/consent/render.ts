/** Human sentences for contact decisions, shown next to a client's consents and in campaign reports. */
import { assertNever, type ConsentPurpose, type ContactChannel, type Locale } from '../vocabulary.ts';
import type { ContactDecisionReason } from './can-contact.ts';

const RU_SUBJECT: Record<ConsentPurpose, Record<ContactChannel, string>> = {
  marketing: { email: 'маркетинговые письма', sms: 'маркетинговые SMS', phone_call: 'маркетинговые звонки' },
  service: { email: 'сервисные письма', sms: 'сервисные SMS', phone_call: 'сервисные звонки' },
};
const EN_SUBJECT: Record<ConsentPurpose, Record<ContactChannel, string>> = {
  marketing: { email: 'marketing e-mails', sms: 'marketing SMS', phone_call: 'marketing calls' },
  service: { email: 'service e-mails', sms: 'service SMS', phone_call: 'service calls' },
};
const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export type RenderOptions = {
  /** IANA zone the dates are shown in; UTC unless the workspace says otherwise. */
  timeZone?: string;
};

/** Calendar date of an instant in a time zone; Intl does the zone arithmetic (pure, no I/O). */
function dateParts(at: Date, timeZone: string): { day: number; month: number; year: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { day: get('day'), month: get('month'), year: get('year') };
}

function formatDate(at: Date, locale: Locale, timeZone: string): string {
  const { day, month, year } = dateParts(at, timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return locale === 'ru' ? `${pad(day)}.${pad(month)}.${year}` : `${day} ${EN_MONTHS[month - 1]} ${year}`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** «Согласие на маркетинговые SMS дано 12.03.2026» / "Consent to marketing SMS given on 12 Mar 2026". */
export function renderContactDecision(
  reason: ContactDecisionReason,
  locale: Locale,
  options: RenderOptions = {},
): string {
  const timeZone = options.timeZone ?? 'UTC';
  const ru = locale === 'ru';
  const subject = (ru ? RU_SUBJECT : EN_SUBJECT)[reason.purpose][reason.channel];
  switch (reason.code) {
    case 'granted': {
      const date = formatDate(reason.at, locale, timeZone);
      return ru ? `Согласие на ${subject} дано ${date}` : `Consent to ${subject} given on ${date}`;
    }
    case 'withdrawn': {
      const date = formatDate(reason.at, locale, timeZone);
      return ru ? `Согласие на ${subject} отозвано ${date}` : `Consent to ${subject} withdrawn on ${date}`;
    }
    case 'no_consent':
      return ru ? `Нет согласия на ${subject}` : `No consent to ${subject}`;
    case 'service_default':
      return ru
        ? `${capitalize(subject)} разрешены: согласие на них не отзывалось`
        : `${capitalize(subject)} are allowed: consent to them has not been withdrawn`;
    default:
      return assertNever(reason);
  }
}
