import { describe, expect, it } from 'vitest';
import type { ConsentFact } from '../facts.ts';
import { consentPurposes, contactChannels } from '../vocabulary.ts';
import { canContact, consentInForce, currentConsents } from './can-contact.ts';

const now = new Date('2026-03-12T12:00:00Z');
const at = (iso: string) => new Date(iso);
const fact = (
  channel: ConsentFact['channel'],
  purpose: ConsentFact['purpose'],
  granted: boolean,
  iso: string,
): ConsentFact => ({ channel, purpose, granted, at: at(iso) });

describe('canContact', () => {
  it.each<[string, ConsentFact[], ConsentFact['channel'], ConsentFact['purpose'], boolean, object]>([
    ['marketing without any event', [], 'sms', 'marketing', false, { code: 'no_consent' }],
    [
      'marketing granted',
      [fact('sms', 'marketing', true, '2026-03-01T00:00:00Z')],
      'sms',
      'marketing',
      true,
      { code: 'granted', at: at('2026-03-01T00:00:00Z') },
    ],
    [
      'marketing withdrawn after a grant',
      [
        fact('sms', 'marketing', true, '2026-01-01T00:00:00Z'),
        fact('sms', 'marketing', false, '2026-02-01T00:00:00Z'),
      ],
      'sms',
      'marketing',
      false,
      { code: 'withdrawn', at: at('2026-02-01T00:00:00Z') },
    ],
    [
      'regranted after a withdrawal, events out of order',
      [
        fact('email', 'marketing', true, '2026-03-01T00:00:00Z'),
        fact('email', 'marketing', true, '2025-01-01T00:00:00Z'),
        fact('email', 'marketing', false, '2025-06-01T00:00:00Z'),
      ],
      'email',
      'marketing',
      true,
      { code: 'granted', at: at('2026-03-01T00:00:00Z') },
    ],
    [
      'a future grant is not yet in force',
      [fact('sms', 'marketing', true, '2026-03-13T00:00:00Z')],
      'sms',
      'marketing',
      false,
      { code: 'no_consent' },
    ],
    [
      'a future withdrawal does not revoke the grant in force',
      [
        fact('sms', 'marketing', true, '2026-01-01T00:00:00Z'),
        fact('sms', 'marketing', false, '2026-04-01T00:00:00Z'),
      ],
      'sms',
      'marketing',
      true,
      { code: 'granted', at: at('2026-01-01T00:00:00Z') },
    ],
    [
      'an event exactly at now is in force',
      [fact('sms', 'marketing', true, '2026-03-12T12:00:00Z')],
      'sms',
      'marketing',
      true,
      { code: 'granted' },
    ],
    [
      'a tie in time: withdrawal wins (grant listed first)',
      [
        fact('sms', 'marketing', true, '2026-03-01T00:00:00Z'),
        fact('sms', 'marketing', false, '2026-03-01T00:00:00Z'),
      ],
      'sms',
      'marketing',
      false,
      { code: 'withdrawn' },
    ],
    [
      'a tie in time: withdrawal wins (withdrawal listed first)',
      [
        fact('sms', 'marketing', false, '2026-03-01T00:00:00Z'),
        fact('sms', 'marketing', true, '2026-03-01T00:00:00Z'),
      ],
      'sms',
      'marketing',
      false,
      { code: 'withdrawn' },
    ],
    [
      'a grant on another channel does not count',
      [fact('email', 'marketing', true, '2026-03-01T00:00:00Z')],
      'sms',
      'marketing',
      false,
      { code: 'no_consent' },
    ],
    [
      'a service grant does not allow marketing',
      [fact('sms', 'service', true, '2026-03-01T00:00:00Z')],
      'sms',
      'marketing',
      false,
      { code: 'no_consent' },
    ],
    ['service by default', [], 'email', 'service', true, { code: 'service_default' }],
    [
      'service allowed although marketing was withdrawn',
      [fact('email', 'marketing', false, '2026-03-01T00:00:00Z')],
      'email',
      'service',
      true,
      { code: 'service_default' },
    ],
    [
      'service withdrawn',
      [fact('phone_call', 'service', false, '2026-03-01T00:00:00Z')],
      'phone_call',
      'service',
      false,
      { code: 'withdrawn', at: at('2026-03-01T00:00:00Z') },
    ],
    [
      'service explicitly granted',
      [fact('phone_call', 'service', true, '2026-03-01T00:00:00Z')],
      'phone_call',
      'service',
      true,
      { code: 'granted' },
    ],
    [
      'a future service withdrawal is not yet in force',
      [fact('sms', 'service', false, '2026-03-20T00:00:00Z')],
      'sms',
      'service',
      true,
      { code: 'service_default' },
    ],
  ])('%s', (_name, consents, channel, purpose, allowed, reason) => {
    const decision = canContact(consents, channel, purpose, now);
    expect(decision).toEqual({ allowed, reason: expect.objectContaining({ channel, purpose, ...reason }) });
  });
});

describe('consentInForce', () => {
  it.each<[ConsentFact[], ConsentFact | null]>([
    [[], null],
    [[fact('sms', 'marketing', true, '2027-01-01T00:00:00Z')], null],
    [
      [fact('sms', 'marketing', true, '2026-01-01T00:00:00Z')],
      fact('sms', 'marketing', true, '2026-01-01T00:00:00Z'),
    ],
  ])('%j → %j', (consents, expected) => {
    expect(consentInForce(consents, 'sms', 'marketing', now)).toEqual(expected);
  });
});

describe('currentConsents', () => {
  const consents = [
    fact('sms', 'marketing', true, '2026-03-01T00:00:00Z'),
    fact('email', 'service', false, '2026-02-01T00:00:00Z'),
    fact('email', 'marketing', true, '2026-04-01T00:00:00Z'),
  ];
  const state = currentConsents(consents, now);

  it.each([
    ['sms', 'marketing', true, 'granted'],
    ['sms', 'service', true, 'service_default'],
    ['email', 'marketing', false, 'no_consent'],
    ['email', 'service', false, 'withdrawn'],
    ['phone_call', 'marketing', false, 'no_consent'],
    ['phone_call', 'service', true, 'service_default'],
  ] as const)('%s × %s → allowed %s (%s)', (channel, purpose, allowed, code) => {
    expect(state[channel][purpose]).toEqual({ allowed, reason: expect.objectContaining({ code }) });
  });

  it('covers every channel and purpose and agrees with canContact', () => {
    for (const channel of contactChannels) {
      for (const purpose of consentPurposes) {
        expect(state[channel][purpose]).toEqual(canContact(consents, channel, purpose, now));
      }
    }
  });
});
