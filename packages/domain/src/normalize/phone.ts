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

/**
 * Russian mobile numbers outside the 93x block are valid by their shape alone in libphonenumber's
 * metadata (`9(?:[0-24-9]\d{4}|3…)\d{4}`): no parse is needed. The 93x block has unassigned ranges,
 * so those numbers, like all others, go through libphonenumber.
 */
const RU_MOBILE = /^9[0-24-9]\d{8}$/;
const RU_MOBILE_E164 = /^\+79[0-24-9]\d{8}$/;

/**
 * The common case of a Russian base, a mobile number (`8 (916) 123-45-67`, `+7 916 123 45 67`,
 * `89161234567`), normalized without libphonenumber: a bulk import spends most of its CPU on
 * phones otherwise. The result is the one libphonenumber gives (the tests compare the two).
 */
function ruMobile(text: string): NormalizedPhone | null {
  const digits = text.replace(/\D/g, '');
  let nsn: string;
  if (text.startsWith('+')) {
    if (digits.length !== 11 || digits[0] !== '7') return null;
    nsn = digits.slice(1);
  } else if (digits.length === 11 && digits[0] === '8') nsn = digits.slice(1);
  else if (digits.length === 10) nsn = digits;
  else return null;
  if (!RU_MOBILE.test(nsn)) return null;
  const [code, a, b, c] = [nsn.slice(0, 3), nsn.slice(3, 6), nsn.slice(6, 8), nsn.slice(8)];
  return {
    e164: `+7${nsn}`,
    national: `8 (${code}) ${a}-${b}-${c}`,
    international: `+7 ${code} ${a} ${b} ${c}`,
    country: 'RU',
  };
}

export function normalizePhone(
  raw: string,
  defaultRegion = 'RU',
  field = 'phone',
): Result<NormalizedPhone, FieldIssue> {
  if (raw.trim() === '') return fail(issue(field, 'phone_empty', 'Phone number is empty'));
  if (defaultRegion === 'RU') {
    const text = raw.trim();
    const fast = PHONE_SHAPE.test(text) ? ruMobile(text) : null;
    if (fast) return ok(fast);
  }
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
  if (RU_MOBILE_E164.test(e164)) return true;
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
