import { describe, expect, it } from 'vitest';
import type { ClientInput } from './client.ts';
import type { CustomFieldDefinition } from './custom-fields.ts';
import { type NormalizeClientContext, normalizeClient } from './normalize-client.ts';

const customFields: CustomFieldDefinition[] = [
  { key: 'size', label: 'Size', type: 'one_of', options: ['S', 'M', 'L'] },
  { key: 'vip', label: 'VIP', type: 'boolean' },
];
const ctx: NormalizeClientContext = {
  defaultRegion: 'RU',
  customFields,
  now: new Date('2026-03-12T10:00:00Z'),
};
const person = (extra: Partial<Extract<ClientInput, { kind: 'person' }>> = {}): ClientInput => ({
  kind: 'person',
  lastName: 'Фёдоров',
  firstName: 'Иван',
  ...extra,
});
const company = (extra: Partial<Extract<ClientInput, { kind: 'company' }>> = {}): ClientInput => ({
  kind: 'company',
  legalName: 'ООО «Ромашка»',
  ...extra,
});

const issuesOf = (input: ClientInput) => {
  const r = normalizeClient(input, ctx);
  return r.ok ? [] : r.error.map((i) => `${i.field}:${i.code}`);
};

describe('normalizeClient', () => {
  it('normalizes a full person', () => {
    const r = normalizeClient(
      person({
        lastName: ' Фёдоров ',
        firstName: 'Иван',
        patronymic: 'Петрович',
        birthday: '1990-05-17',
        phones: [
          { number: '8 (916) 123-45-67' },
          { number: '+7 495 123 45 67', type: 'work' },
          { number: '79161234567', verifiedAt: '2026-01-01T00:00:00Z' },
        ],
        emails: [{ address: 'Ivan@Пример.РФ', type: 'personal' }, { address: 'ivan@xn--e1afmkfd.xn--p1ai' }],
        city: ' Москва ',
        tags: ['vip', 'vip', ' опт '],
        custom: { size: 'M', vip: null },
        externalId: 'A-17',
        verifiedAt: '2026-03-01T09:00:00+03:00',
      }),
      ctx,
    );
    expect(r).toEqual({
      ok: true,
      value: {
        kind: 'person',
        lastName: 'Фёдоров',
        firstName: 'Иван',
        patronymic: 'Петрович',
        birthday: '1990-05-17',
        displayName: 'Фёдоров Иван Петрович',
        matchKey: 'fedorov ivan',
        phones: [
          {
            e164: '+79161234567',
            national: '8 (916) 123-45-67',
            international: '+7 916 123 45 67',
            country: 'RU',
            type: 'mobile',
            verifiedAt: new Date('2026-01-01T00:00:00Z'),
          },
          expect.objectContaining({ e164: '+74951234567', type: 'work', verifiedAt: null }),
        ],
        emails: [{ address: 'ivan@xn--e1afmkfd.xn--p1ai', type: 'personal', verifiedAt: null }],
        city: 'Москва',
        address: null,
        tags: ['vip', 'опт'],
        ownerId: null,
        source: { channel: 'other' },
        custom: { size: 'M' },
        externalId: 'A-17',
        verifiedAt: new Date('2026-03-01T06:00:00Z'),
      },
    });
  });

  it('normalizes a company', () => {
    const r = normalizeClient(
      company({ inn: ' 7707083893 ', kpp: '773601001', phones: [{ number: '+74951234567' }] }),
      ctx,
    );
    expect(r).toMatchObject({
      ok: true,
      value: {
        kind: 'company',
        legalName: 'ООО «Ромашка»',
        displayName: 'ООО «Ромашка»',
        matchKey: 'romashka',
        inn: '7707083893',
        kpp: '773601001',
        phones: [{ e164: '+74951234567', type: 'other' }],
      },
    });
  });

  it.each([
    [
      'bad phone at its index',
      person({ phones: [{ number: '+79161234567' }, { number: '123' }] }),
      ['phones.1.number:phone_invalid'],
    ],
    ['empty phone', person({ phones: [{ number: ' ' }] }), ['phones.0.number:phone_empty']],
    ['bad e-mail', person({ emails: [{ address: 'ivan@' }] }), ['emails.0.address:email_invalid']],
    [
      'bad phone verifiedAt',
      person({ phones: [{ number: '+79161234567', verifiedAt: 'soon' }] }),
      ['phones.0.verifiedAt:datetime_invalid'],
    ],
    ['birthday in the future', person({ birthday: '2026-03-13' }), ['birthday:birthday_future']],
    ['birthday not a date', person({ birthday: '2023-02-29' }), ['birthday:birthday_invalid']],
    ['birthday before 1900', person({ birthday: '1097-01-01' }), ['birthday:birthday_invalid']],
    ['blank last name', person({ lastName: '\u2007' }), ['lastName:required']],
    ['INN checksum', company({ inn: '7707083894' }), ['inn:inn_checksum']],
    ['INN format', company({ inn: '77070838' }), ['inn:inn_format']],
    ['KPP format', company({ kpp: '7736-01' }), ['kpp:kpp_format']],
    [
      'KPP with an individual INN',
      company({ inn: '500100732259', kpp: '773601001' }),
      ['kpp:kpp_not_applicable'],
    ],
    ['unknown custom field', company({ custom: { colour: 'red' } }), ['custom.colour:custom_unknown']],
    [
      'wrong custom type',
      company({ custom: { size: 'XXL', vip: 'yes' } }),
      ['custom.size:custom_option', 'custom.vip:custom_type'],
    ],
    [
      'too many tags',
      company({ tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }),
      ['tags:tags_too_many'],
    ],
  ])('%s', (_name, input, expected) => {
    expect(issuesOf(input)).toEqual(expected);
  });

  it('returns all issues at once', () => {
    const input = person({
      birthday: '2030-01-01',
      phones: [{ number: '+79161234567' }, { number: 'abc' }, { number: '8 916' }],
      emails: [{ address: 'ok@example.com' }, { address: 'bad' }],
      custom: { size: 'XL' },
    });
    expect(issuesOf(input)).toEqual([
      'birthday:birthday_future',
      'phones.1.number:phone_invalid',
      'phones.2.number:phone_invalid',
      'emails.1.address:email_invalid',
      'custom.size:custom_option',
    ]);
  });

  it('accepts a birthday that is today', () => {
    expect(normalizeClient(person({ birthday: '2026-03-12' }), ctx)).toMatchObject({ ok: true });
  });

  it.each([
    ['Щукин', 'Юлия', 'shchukin iulia'],
    ['Shchukin', 'Yulia', 'shchukin iulia'],
  ])('person match key of %s %s', (lastName, firstName, key) => {
    expect(normalizeClient(person({ lastName, firstName }), ctx)).toMatchObject({
      ok: true,
      value: { matchKey: key },
    });
  });

  it.each([
    ['ООО «Ромашка»', 'romashka'],
    ['Общество с ограниченной ответственностью "Ромашка"', 'romashka'],
    ['Romashka LLC', 'romashka'],
  ])('company match key of %s', (legalName, key) => {
    expect(normalizeClient(company({ legalName }), ctx)).toMatchObject({
      ok: true,
      value: { matchKey: key },
    });
  });
});
