import { describe, expect, it } from 'vitest';
import type { Locale } from '../vocabulary.ts';
import type { ContactDecisionReason } from './can-contact.ts';
import { renderContactDecision } from './render.ts';

const at = new Date('2026-03-12T10:00:00Z');

describe('renderContactDecision', () => {
  it.each<[ContactDecisionReason, Locale, string]>([
    [
      { code: 'granted', channel: 'sms', purpose: 'marketing', at },
      'ru',
      'Согласие на маркетинговые SMS дано 12.03.2026',
    ],
    [
      { code: 'granted', channel: 'sms', purpose: 'marketing', at },
      'en',
      'Consent to marketing SMS given on 12 Mar 2026',
    ],
    [
      { code: 'withdrawn', channel: 'email', purpose: 'marketing', at },
      'ru',
      'Согласие на маркетинговые письма отозвано 12.03.2026',
    ],
    [
      { code: 'withdrawn', channel: 'email', purpose: 'marketing', at },
      'en',
      'Consent to marketing e-mails withdrawn on 12 Mar 2026',
    ],
    [
      { code: 'no_consent', channel: 'phone_call', purpose: 'marketing' },
      'ru',
      'Нет согласия на маркетинговые звонки',
    ],
    [
      { code: 'no_consent', channel: 'phone_call', purpose: 'marketing' },
      'en',
      'No consent to marketing calls',
    ],
    [
      { code: 'service_default', channel: 'email', purpose: 'service' },
      'ru',
      'Сервисные письма разрешены: согласие на них не отзывалось',
    ],
    [
      { code: 'service_default', channel: 'sms', purpose: 'service' },
      'en',
      'Service SMS are allowed: consent to them has not been withdrawn',
    ],
    [
      { code: 'withdrawn', channel: 'phone_call', purpose: 'service', at },
      'ru',
      'Согласие на сервисные звонки отозвано 12.03.2026',
    ],
  ])('%j in %s', (reason, locale, text) => {
    expect(renderContactDecision(reason, locale)).toBe(text);
  });

  it.each([
    ['UTC', '2026-03-12T22:30:00Z', '12.03.2026'],
    ['Europe/Moscow', '2026-03-12T22:30:00Z', '13.03.2026'],
    ['Asia/Vladivostok', '2026-01-05T15:00:00Z', '06.01.2026'],
  ])('shows the date in %s', (timeZone, iso, date) => {
    const reason: ContactDecisionReason = {
      code: 'granted',
      channel: 'sms',
      purpose: 'marketing',
      at: new Date(iso),
    };
    expect(renderContactDecision(reason, 'ru', { timeZone })).toBe(
      `Согласие на маркетинговые SMS дано ${date}`,
    );
  });
});
