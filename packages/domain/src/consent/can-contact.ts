/**
 * May we contact this client on this channel for this purpose? The consent ledger is a list of
 * grant and withdrawal events; the latest one per (channel, purpose) that has already happened is
 * in force.
 *
 * - marketing needs an explicit grant in force (38-FZ art. 18: advertising by phone, SMS and e-mail
 *   only with the subscriber's prior consent; GDPR art. 6/7);
 * - service messages (order status, reminders) are allowed unless withdrawn for service;
 * - purposes are independent: a service withdrawal does not revoke a marketing grant, nor the
 *   reverse — each is a separate statement of the client's will;
 * - events dated after `now` are ignored (a scheduled or mis-dated entry is not yet in force);
 * - on a tie in time, a withdrawal beats a grant: when in doubt, do not send.
 */
import type { ConsentFact } from '../facts.ts';
import {
  assertNever,
  type ConsentPurpose,
  type ContactChannel,
  consentPurposes,
  contactChannels,
} from '../vocabulary.ts';

type Subject = { channel: ContactChannel; purpose: ConsentPurpose };

export type ContactDecisionReason =
  | (Subject & { code: 'granted'; at: Date })
  | (Subject & { code: 'withdrawn'; at: Date })
  | (Subject & { code: 'no_consent' })
  | (Subject & { code: 'service_default' });

export type ContactDecisionCode = ContactDecisionReason['code'];

export type ContactDecision = { allowed: boolean; reason: ContactDecisionReason };

/** The event in force for one (channel, purpose), or null when there is none yet. */
export function consentInForce(
  consents: readonly ConsentFact[],
  channel: ContactChannel,
  purpose: ConsentPurpose,
  now: Date,
): ConsentFact | null {
  let latest: ConsentFact | null = null;
  for (const c of consents) {
    if (c.channel !== channel || c.purpose !== purpose || c.at.getTime() > now.getTime()) continue;
    const later = latest === null || c.at.getTime() > latest.at.getTime();
    const tieWithdrawal = latest !== null && c.at.getTime() === latest.at.getTime() && !c.granted;
    if (later || tieWithdrawal) latest = c;
  }
  return latest;
}

export function canContact(
  consents: readonly ConsentFact[],
  channel: ContactChannel,
  purpose: ConsentPurpose,
  now: Date,
): ContactDecision {
  const event = consentInForce(consents, channel, purpose, now);
  if (event !== null) {
    return event.granted
      ? { allowed: true, reason: { code: 'granted', channel, purpose, at: event.at } }
      : { allowed: false, reason: { code: 'withdrawn', channel, purpose, at: event.at } };
  }
  switch (purpose) {
    case 'service':
      return { allowed: true, reason: { code: 'service_default', channel, purpose } };
    case 'marketing':
      return { allowed: false, reason: { code: 'no_consent', channel, purpose } };
    default:
      return assertNever(purpose);
  }
}

export type ConsentState = Record<ContactChannel, Record<ConsentPurpose, ContactDecision>>;

/** The decision for every channel × purpose, e.g. for the consent panel of a client card. */
export function currentConsents(consents: readonly ConsentFact[], now: Date): ConsentState {
  const row = (channel: ContactChannel) =>
    Object.fromEntries(
      consentPurposes.map((purpose) => [purpose, canContact(consents, channel, purpose, now)]),
    );
  return Object.fromEntries(contactChannels.map((channel) => [channel, row(channel)])) as ConsentState;
}
