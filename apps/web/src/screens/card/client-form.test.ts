import { describe, expect, it } from 'vitest';
import {
  type ClientCard,
  type ClientFormState,
  emptyClientForm,
  emptySource,
  formFromCard,
  previewEmail,
  previewInn,
  previewPhone,
  rowError,
  toCreateInput,
  toUpdateInput,
  withFullName,
} from './client-form.ts';

const uuid = '3f2b8c1e-9a4d-4c6b-8e2f-1a2b3c4d5e6f';
const other = '11111111-2222-4333-8444-555555555555';

function person(overrides: Partial<ClientFormState> = {}): ClientFormState {
  return { ...withFullName(emptyClientForm('person'), 'Иванов Иван Иванович'), ...overrides };
}

const defs = [
  { key: 'size', type: 'one_of' as const },
  { key: 'visits', type: 'number' as const },
  { key: 'vip', type: 'boolean' as const },
  { key: 'note', type: 'text' as const },
];

describe('toCreateInput', () => {
  it('sends a person with the full name split and only the rows that have something typed', () => {
    const state = person({
      phones: [
        { key: 'a', number: '', type: '' },
        { key: 'b', number: '8 (916) 123-45-67', type: 'mobile' },
      ],
      emails: [{ key: 'c', address: 'Ivan@Example.com', type: '' }],
      tags: ' vip, , опт ',
      city: 'Москва',
    });
    const { input, rows } = toCreateInput(state, []);
    expect(input).toEqual({
      kind: 'person',
      lastName: 'Иванов',
      firstName: 'Иван',
      patronymic: 'Иванович',
      phones: [{ number: '8 (916) 123-45-67', type: 'mobile' }],
      emails: [{ address: 'Ivan@Example.com' }],
      city: 'Москва',
      tags: ['vip', 'опт'],
    });
    expect(rows).toEqual({ phones: [1], emails: [0] });
  });

  it('leaves out every empty optional field (absence is how "no value" is said)', () => {
    const { input } = toCreateInput(person(), defs);
    expect(Object.keys(input).sort()).toEqual(['firstName', 'kind', 'lastName', 'patronymic']);
  });

  it('sends a company with ИНН and КПП and no person fields', () => {
    const state: ClientFormState = {
      ...emptyClientForm('company'),
      lastName: 'left over',
      legalName: 'ООО «Ромашка»',
      inn: '7707083893',
      kpp: '773601001',
    };
    expect(toCreateInput(state, []).input).toEqual({
      kind: 'company',
      legalName: 'ООО «Ромашка»',
      inn: '7707083893',
      kpp: '773601001',
    });
  });

  it('still sends empty required names, so the server names those fields', () => {
    const { input } = toCreateInput(emptyClientForm('person'), []);
    expect(input).toEqual({ kind: 'person', lastName: '', firstName: '' });
  });

  it.each([
    [
      { channel: 'referral' as const, referrerId: uuid },
      { channel: 'referral', referrerClientId: uuid },
    ],
    [
      { channel: 'purchased_list' as const, batchId: ` ${uuid} ` },
      { channel: 'purchased_list', batchId: uuid },
    ],
    [{ channel: 'import' as const }, { channel: 'import' }],
    [
      { channel: 'advertising' as const, campaign: 'Весна', utmSource: 'yandex' },
      { channel: 'advertising', campaign: 'Весна', utm: { source: 'yandex' } },
    ],
    [{ channel: 'advertising' as const }, { channel: 'advertising' }],
    [
      { channel: 'web_form' as const, url: 'https://x.ru/form' },
      { channel: 'web_form', url: 'https://x.ru/form' },
    ],
    [
      { channel: 'loyalty_card' as const, cardNumber: '0042' },
      { channel: 'loyalty_card', cardNumber: '0042' },
    ],
    [{ channel: 'walk_in' as const, detail: 'ignored' }, { channel: 'walk_in' }],
    [
      { channel: 'other' as const, detail: 'выставка' },
      { channel: 'other', detail: 'выставка' },
    ],
  ])('source %j → %j', (source, expected) => {
    const { input } = toCreateInput(person({ source: { ...emptySource, ...source } }), []);
    expect(input.source).toEqual(expected);
  });

  it('types custom values by their definition and skips the blank ones', () => {
    const { input } = toCreateInput(
      person({ custom: { size: 'M', visits: '3,5', vip: false, note: '  ', unknown: 'x' } }),
      defs,
    );
    expect(input.custom).toEqual({ size: 'M', visits: 3.5, vip: false });
  });

  it('sends a number field that is not a number as typed, for the server to point at', () => {
    const { input } = toCreateInput(person({ custom: { visits: 'много' } }), defs);
    expect(input.custom).toEqual({ visits: 'много' });
  });
});

const card = {
  id: uuid,
  kind: 'person',
  version: 7,
  displayName: 'Иванов Иван',
  lastName: 'Иванов',
  firstName: 'Иван',
  patronymic: null,
  birthday: '1990-05-01',
  legalName: null,
  inn: null,
  kpp: null,
  city: 'Тверь',
  address: null,
  tags: ['vip'],
  ownerId: other,
  custom: { size: 'M', visits: 2 },
  phones: [
    {
      e164: '+79161234567',
      display: '8 (916) 123-45-67',
      raw: '89161234567',
      type: 'mobile',
      verifiedAt: '2026-01-01T00:00:00.000Z',
    },
  ],
  emails: [{ address: 'ivan@example.com', type: 'work', verifiedAt: null }],
} as unknown as ClientCard;

describe('toUpdateInput', () => {
  it('sends the stored kind and the card version, clears emptied fields and keeps verification dates', () => {
    const state = { ...formFromCard(card), city: '', patronymic: 'Петрович' };
    const { input } = toUpdateInput(state, card, defs);
    expect(input).toEqual({
      kind: 'person',
      id: uuid,
      expectedVersion: 7,
      lastName: 'Иванов',
      firstName: 'Иван',
      patronymic: 'Петрович',
      birthday: '1990-05-01',
      phones: [{ number: '8 (916) 123-45-67', type: 'mobile', verifiedAt: '2026-01-01T00:00:00.000Z' }],
      emails: [{ address: 'ivan@example.com', type: 'work' }],
      city: null,
      address: null,
      tags: ['vip'],
      ownerId: other,
    });
  });

  it('sends only the custom fields that changed, a cleared one as null', () => {
    const state = formFromCard(card);
    state.custom = { ...state.custom, size: '', visits: '3', vip: true };
    expect(toUpdateInput(state, card, defs).input.custom).toEqual({ size: null, visits: 3, vip: true });
  });

  it('sends no custom key at all when nothing changed', () => {
    expect(toUpdateInput(formFromCard(card), card, defs).input).not.toHaveProperty('custom');
  });
});

describe('rowError', () => {
  const fields = { 'phones.0.number': 'bad number', 'emails.1.address': 'bad address', inn: 'bad inn' };
  it('puts a server issue on the form row it was sent from, skipping the empty rows', () => {
    const rows = { phones: [2], emails: [0, 3] };
    expect(rowError(fields, 'phones', rows, 2)).toBe('bad number');
    expect(rowError(fields, 'phones', rows, 0)).toBeUndefined();
    expect(rowError(fields, 'emails', rows, 3)).toBe('bad address');
    expect(rowError(fields, 'emails', rows, 0)).toBeUndefined();
  });
  it('knows nothing before a save', () => {
    expect(rowError(fields, 'phones', null, 0)).toBeUndefined();
  });
  it('takes an issue on the whole row (a conflict) as well as on its number', () => {
    expect(rowError({ 'phones.0': 'taken' }, 'phones', { phones: [0], emails: [] }, 0)).toBe('taken');
  });
});

describe('previews', () => {
  it.each([
    ['8 (916) 123-45-67', { kind: 'ok', text: '+7 916 123 45 67' }],
    ['+7 916 1234567', { kind: 'ok', text: '+7 916 123 45 67' }],
    ['123', { kind: 'issue', code: 'phone_invalid' }],
    ['8 916 123 45 67 доб. 5', { kind: 'issue', code: 'phone_invalid' }],
    ['   ', null],
  ])('phone %j → %j', (number, expected) => {
    const preview = previewPhone(number, 'RU');
    expect(preview).toEqual(expected === null ? null : expect.objectContaining(expected));
  });

  it('lowercases an e-mail and refuses a broken one', () => {
    expect(previewEmail('Ivan@Example.COM')).toEqual({ kind: 'ok', text: 'ivan@example.com' });
    expect(previewEmail('ivan@')).toEqual(expect.objectContaining({ kind: 'issue', code: 'email_invalid' }));
  });

  it('checks the ИНН check digit', () => {
    expect(previewInn('7707083893')).toEqual({ kind: 'ok', text: '7707083893' });
    expect(previewInn('7707083894')).toEqual(expect.objectContaining({ code: 'inn_checksum' }));
  });
});
