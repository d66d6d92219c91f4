import { describe, expect, it } from 'vitest';
import { sourceBatchId, ZSource } from './source.ts';

const uuid = '3f2b8c1e-9a4d-4c6b-8e2f-1a2b3c4d5e6f';

describe('ZSource', () => {
  it.each([
    [{ channel: 'purchased_list', batchId: uuid }],
    [{ channel: 'import' }],
    [{ channel: 'import', batchId: uuid }],
    [{ channel: 'advertising' }],
    [
      {
        channel: 'advertising',
        campaign: 'Весна-2026',
        utm: { source: 'yandex', medium: 'cpc', term: 'шины' },
      },
    ],
    [{ channel: 'referral', referrerClientId: uuid }],
    [{ channel: 'web_form', formId: 'contact', url: 'https://example.ru/contact' }],
    [{ channel: 'loyalty_card', cardNumber: '0001234' }],
    [{ channel: 'walk_in' }],
    [{ channel: 'other', detail: 'выставка' }],
  ])('accepts %j', (source) => {
    expect(ZSource.safeParse(source).success).toBe(true);
  });

  it.each([
    [{ channel: 'purchased_list' }],
    [{ channel: 'purchased_list', batchId: 'not-a-uuid' }],
    [{ channel: 'import', batchId: '123' }],
    [{ channel: 'referral' }],
    [{ channel: 'advertising', utm: { source: 1 } }],
    [{ channel: 'telepathy' }],
    [{}],
  ])('refuses %j', (source) => {
    expect(ZSource.safeParse(source).success).toBe(false);
  });
});

describe('sourceBatchId', () => {
  it.each([
    [{ channel: 'purchased_list', batchId: uuid } as const, uuid],
    [{ channel: 'import', batchId: uuid } as const, uuid],
    [{ channel: 'import' } as const, null],
    [{ channel: 'walk_in' } as const, null],
  ])('%j → %s', (source, batchId) => {
    expect(sourceBatchId(source)).toBe(batchId);
  });
});
