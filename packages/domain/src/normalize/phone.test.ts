import fc from 'fast-check';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { formatPhoneForDisplay, isMobilePhone, normalizePhone, phoneSearchVariants } from './phone.ts';

describe('normalizePhone', () => {
  it.each([
    ['8 (916) 123-45-67', '+79161234567'],
    ['+7 916 1234567', '+79161234567'],
    ['79161234567', '+79161234567'],
    ['8-916-123-45-67', '+79161234567'],
    ['9161234567', '+79161234567'],
    ['  +7\u00A0(916)\u00A0123.45.67 ', '+79161234567'],
    ['8 800 555-35-35', '+78005553535'],
    ['+7 (495) 123-45-67', '+74951234567'],
  ])('%s → %s (Russian forms)', (raw, e164) => {
    const r = normalizePhone(raw);
    expect(r).toMatchObject({ ok: true, value: { e164, country: 'RU' } });
  });

  it.each([
    ['+44 20 7946 0958', '+442079460958', 'GB', '+44 20 7946 0958'],
    ['+49 30 901820', '+4930901820', 'DE', '+49 30 901820'],
    ['+375 29 123-45-67', '+375291234567', 'BY', '+375 29 123 45 67'],
    ['+7 777 123 4567', '+77771234567', 'KZ', '+7 777 123 4567'],
    ['+1 415 555 2671', '+14155552671', 'US', '+1 415 555 2671'],
  ])('%s keeps its country', (raw, e164, country, international) => {
    expect(normalizePhone(raw)).toEqual({
      ok: true,
      value: expect.objectContaining({ e164, country, international }),
    });
  });

  it('gives a display form for the national format', () => {
    expect(normalizePhone('89161234567')).toEqual({
      ok: true,
      value: {
        e164: '+79161234567',
        national: '8 (916) 123-45-67',
        international: '+7 916 123 45 67',
        country: 'RU',
      },
    });
  });

  it('parses national numbers of another default region', () => {
    expect(normalizePhone('020 7946 0958', 'GB')).toMatchObject({
      ok: true,
      value: { e164: '+442079460958' },
    });
  });

  it.each([
    ['', 'phone_empty'],
    ['   ', 'phone_empty'],
    ['916123456', 'phone_invalid'],
    ['91612345678', 'phone_invalid'],
    ['8 916 123 45 67 8', 'phone_invalid'],
    ['8916123456', 'phone_invalid'],
    ['abc', 'phone_invalid'],
    ['+7 916 123 45 67a', 'phone_invalid'],
    ['89161234567 доб. 12', 'phone_invalid'],
    ['12345', 'phone_invalid'],
    ['+', 'phone_invalid'],
    ['+7 000 000 00 00', 'phone_invalid'],
    ['7+9161234567', 'phone_invalid'],
  ])('%j is refused with %s', (raw, code) => {
    expect(normalizePhone(raw, 'RU', 'phones.1.number')).toEqual({
      ok: false,
      error: expect.objectContaining({ field: 'phones.1.number', code }),
    });
  });

  it('never throws and is idempotent on hostile input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (raw) => {
        const r = normalizePhone(raw);
        if (r.ok) expect(normalizePhone(r.value.e164)).toEqual(r);
      }),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[+0-9 ()-]{0,20}$/), (raw) => {
        const r = normalizePhone(raw);
        if (r.ok) expect(normalizePhone(r.value.international)).toEqual(r);
      }),
    );
  });
});

describe('formatPhoneForDisplay', () => {
  it.each([
    ['+79161234567', 'RU', '8 (916) 123-45-67'],
    ['+442079460958', 'RU', '+44 20 7946 0958'],
    ['+79161234567', 'GB', '+7 916 123 45 67'],
    ['not a phone', 'RU', 'not a phone'],
    ['89161234567', 'RU', '89161234567'],
  ])('%s in %s → %s', (e164, home, shown) => {
    expect(formatPhoneForDisplay(e164, home)).toBe(shown);
  });
});

describe('isMobilePhone', () => {
  it.each([
    ['+79161234567', true],
    ['+74951234567', false],
    ['+78005553535', false],
    ['garbage', false],
  ])('%s → %s', (e164, mobile) => {
    expect(isMobilePhone(e164)).toBe(mobile);
  });
});

describe('phoneSearchVariants', () => {
  it.each([
    ['8 916 123-45-67', '+79161234567'],
    ['+7(916)1234567', '+79161234567'],
    ['9161234567', '+79161234567'],
    ['+44 20 7946 0958', '+442079460958'],
    ['916123', null],
    ['Иванов', null],
    ['ivan@example.com', null],
    ['', null],
  ])('%j → %s', (q, expected) => {
    expect(phoneSearchVariants(q, 'RU')).toBe(expected);
  });
});

describe('the Russian mobile fast path', () => {
  /** What libphonenumber itself says, for comparison with `normalizePhone`. */
  const viaLibrary = (raw: string) => {
    const parsed = parsePhoneNumberFromString(raw.trim(), 'RU');
    if (!/^\+?[\d\s\u00A0()\-./]+$/.test(raw.trim()) || !parsed?.isValid()) return null;
    return {
      e164: parsed.number,
      national: parsed.formatNational(),
      international: parsed.formatInternational(),
      country: parsed.country ?? null,
      mobile: ['MOBILE', 'FIXED_LINE_OR_MOBILE'].includes(parsed.getType() ?? ''),
    };
  };
  const ours = (raw: string) => {
    const r = normalizePhone(raw, 'RU');
    return r.ok ? { ...r.value, mobile: isMobilePhone(r.value.e164) } : null;
  };

  it('gives what libphonenumber gives, for every way a mobile number is written', () => {
    const separators = fc.constantFrom('', ' ', '-', '  ', '(', ')', '.', '/', '\u00A0');
    const written = fc
      .tuple(
        fc.constantFrom('+7', '8', '7', '', '+8', '+', '007', '+79'),
        fc.stringMatching(/^9\d{9}$/),
        fc.array(separators, { minLength: 11, maxLength: 11 }),
        fc.integer({ min: -2, max: 2 }),
      )
      .map(([prefix, nsn, seps, cut]) => {
        // A digit too few or too many now and then, and separators anywhere.
        const digits = cut < 0 ? nsn.slice(0, cut) : nsn + '5'.repeat(cut === 2 ? 1 : 0);
        let text = prefix + seps[0];
        for (let i = 0; i < digits.length; i++) text += digits[i] + (seps[i + 1] ?? '');
        return text;
      });
    fc.assert(
      fc.property(written, (raw) => {
        expect(ours(raw)).toEqual(viaLibrary(raw));
      }),
      { numRuns: 3000 },
    );
  });

  it('covers the 93x block, whose unassigned ranges only libphonenumber knows', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^93\d{8}$/), (nsn) => {
        for (const raw of [`8${nsn}`, `+7 ${nsn}`]) expect(ours(raw)).toEqual(viaLibrary(raw));
      }),
      { numRuns: 2000 },
    );
    expect(normalizePhone('8 (930) 000-00-00').ok).toBe(viaLibrary('8 (930) 000-00-00') !== null);
  });
});
