import { ZIsoDateTime } from '@cb/domain';
import { z } from 'zod';

/** An instant as ISO 8601 with an offset (`2026-03-01T10:00:00+03:00`), read as a Date. */
export const ZInstant = ZIsoDateTime.transform((s) => new Date(s));

/** The largest amount accepted: a trillion roubles, far below 2^53 kopecks. */
const MAX_KOPECKS = 100_000_000_000_000;

/**
 * An amount in roubles with at most two decimals (`1234.5`, `"1234.50"`) → whole kopecks. Read
 * from its decimal text, never through float multiplication, so 0.29 is 29 kopecks, not 28.
 */
export const ZRoubles = z.union([z.number(), z.string().trim().max(32)]).transform((value, ctx) => {
  const text = typeof value === 'number' ? String(value) : value.replace(',', '.');
  const match = /^(\d{1,15})(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) {
    ctx.addIssue({ code: 'custom', message: 'An amount in roubles with at most 2 decimals, e.g. 1234.50' });
    return z.NEVER;
  }
  const kopecks = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  if (kopecks <= 0 || kopecks > MAX_KOPECKS) {
    ctx.addIssue({ code: 'custom', message: 'The amount must be above 0 and at most 1 000 000 000 000' });
    return z.NEVER;
  }
  return kopecks;
});

export const ZCurrency = z
  .string()
  .regex(/^[A-Z]{3}$/, 'an ISO 4217 code, e.g. RUB')
  .default('RUB');
