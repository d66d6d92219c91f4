/**
 * Phone numbers are stored in E.164 (`+79161234567`) so that `8 (916) 123-45-67`, `+7 916 1234567`
 * and `79161234567` are one number for search and duplicate detection.
 *
 * The `max` metadata is used on purpose: the default `min` set only checks a number's length, so it
 * would accept unassigned ranges and could not tell a mobile number from a landline. `max` carries
 * the full per-type patterns of Google's libphonenumber, which is what "never guess" needs; its
 * larger size (~145 kB) does not matter for a server-side core.
 */
import { type PhoneNumber, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { type FieldIssue, fail, issue, ok, type Result } from '../result.ts';

export type NormalizedPhone = {
  /** `+79161234567`: the stored, compared and searched form. */
  e164: string;
  /** Formatted the way the number's own country writes it: `8 (916) 123-45-67`. */
  national: string;
  /** `+7 916 123 45 67`. */
  international: string;
  /** ISO 3166-1 alpha-2 (`RU`, `KZ`, `GB`); null for non-geographic numbers such as `+800`. */
  country: string | null;
};

/**
 * Only characters people really write in a phone number. libphonenumber silently drops trailing
 * garbage (`+7 916 123 45 67a` parses as valid), which would be a guess, so letters are refused up
 * front. Extensions (`доб. 12`) are refused for the same reason: the record has nowhere to keep them.
 */
const PHONE_SHAPE = /^\+?[\d\s\u00A0()\-./]+$/;

function parseStrict(raw: string, defaultRegion: string): PhoneNumber | null {
  const text = raw.trim();
  if (!PHONE_SHAPE.test(text)) return null;
  // The region is an ISO code chosen by the workspace; libphonenumber types it as a closed union.
  const parsed = parsePhoneNumberFromString(
    text,
    defaultRegion as Parameters<typeof parsePhoneNumberFromString>[1],
  );
  return parsed?.isValid() ? parsed : null;
}

function toNormalized(p: PhoneNumber): NormalizedPhone {
  return {
    e164: p.number,
    national: p.formatNational(),
    international: p.formatInternational(),
    country: p.country ?? null,
  };
}

export function normalizePhone(
  raw: string,
  defaultRegion = 'RU',
  field = 'phone',
): Result<NormalizedPhone, FieldIssue> {
  if (raw.trim() === '') return fail(issue(field, 'phone_empty', 'Phone number is empty'));
  const parsed = parseStrict(raw, defaultRegion);
  if (!parsed) return fail(issue(field, 'phone_invalid', `Not a valid phone number: ${raw.trim()}`));
  return ok(toNormalized(parsed));
}

/**
 * Display form of a stored E.164 number: national format for numbers of the workspace's own
 * country (how a Russian manager dials them), international for everything else.
 * A value that is not valid E.164 is returned unchanged so that a bad legacy row still shows.
 */
export function formatPhoneForDisplay(e164: string, homeRegion = 'RU'): string {
  if (!e164.startsWith('+')) return e164;
  const parsed = parseStrict(e164, homeRegion);
  if (!parsed) return e164;
  return parsed.country === homeRegion ? parsed.formatNational() : parsed.formatInternational();
}

/** True when the number is a mobile one, i.e. can receive SMS. False for landlines and unknowns. */
export function isMobilePhone(e164: string): boolean {
  const type = parseStrict(e164, 'RU')?.getType();
  return type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE';
}

/**
 * A search query written as a phone in any form (`8 916 123-45-67`, `+7(916)1234567`) becomes the
 * stored E.164 form, so a search by phone is an exact index lookup. Anything that is not a complete,
 * valid number (a name, a fragment of digits) returns null and the caller searches as text.
 */
export function phoneSearchVariants(q: string, region = 'RU'): string | null {
  const parsed = parseStrict(q, region);
  return parsed ? parsed.number : null;
}
