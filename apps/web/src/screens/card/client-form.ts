/**
 * The client form as plain state, and its mapping to the API's inputs. Kept free of React so the
 * mapping (what is sent, what is left out, which row a server error belongs to) is tested directly.
 */
import {
  type ClientKind,
  type EmailType,
  normalizeEmail,
  normalizePhone,
  type PhoneType,
  type SourceChannel,
  splitFullName,
  validateInn,
  validateKpp,
} from '@cb/domain';
import type { FieldErrors } from '../../api/errors.ts';
import type { Inputs, Outputs } from '../../api/trpc.ts';

export type ClientCard = Outputs['clients']['get'];
export type CreateInput = Inputs['clients']['create'];
export type UpdateInput = Inputs['clients']['update'];
export type CustomFieldDef = Outputs['fields']['list']['items'][number];

export type PhoneRow = { key: string; number: string; type: PhoneType | ''; verifiedAt?: string | undefined };
export type EmailRow = {
  key: string;
  address: string;
  type: EmailType | '';
  verifiedAt?: string | undefined;
};

export type SourceState = {
  channel: SourceChannel | '';
  batchId: string;
  campaign: string;
  utmSource: string;
  utmMedium: string;
  utmCampaign: string;
  referrerId: string;
  referrerName: string;
  formId: string;
  url: string;
  cardNumber: string;
  detail: string;
};

/** A custom value as the form holds it: text for inputs, a boolean for a checkbox. */
export type CustomFormValue = string | boolean;

export type ClientFormState = {
  kind: ClientKind;
  lastName: string;
  firstName: string;
  patronymic: string;
  birthday: string;
  legalName: string;
  inn: string;
  kpp: string;
  phones: PhoneRow[];
  emails: EmailRow[];
  city: string;
  address: string;
  /** Comma-separated, as typed. */
  tags: string;
  ownerId: string;
  source: SourceState;
  custom: Record<string, CustomFormValue>;
};

let rowCounter = 0;
/** A stable React key for a new contact row. */
export function newRowKey(): string {
  rowCounter += 1;
  return `row-${rowCounter}`;
}

export const emptySource: SourceState = {
  channel: '',
  batchId: '',
  campaign: '',
  utmSource: '',
  utmMedium: '',
  utmCampaign: '',
  referrerId: '',
  referrerName: '',
  formId: '',
  url: '',
  cardNumber: '',
  detail: '',
};

export function emptyClientForm(kind: ClientKind = 'person'): ClientFormState {
  return {
    kind,
    lastName: '',
    firstName: '',
    patronymic: '',
    birthday: '',
    legalName: '',
    inn: '',
    kpp: '',
    phones: [{ key: newRowKey(), number: '', type: '' }],
    emails: [{ key: newRowKey(), address: '', type: '' }],
    city: '',
    address: '',
    tags: '',
    ownerId: '',
    source: emptySource,
    custom: {},
  };
}

/** `Иванов Иван Иванович` typed in one line fills the three name fields. */
export function withFullName(state: ClientFormState, fullName: string): ClientFormState {
  const parts = splitFullName(fullName);
  return {
    ...state,
    lastName: parts.lastName ?? '',
    firstName: parts.firstName ?? '',
    patronymic: parts.patronymic ?? '',
  };
}

/** The form of an existing client, for the inline editor. */
export function formFromCard(card: ClientCard): ClientFormState {
  const custom: Record<string, CustomFormValue> = {};
  for (const [key, value] of Object.entries(card.custom ?? {})) {
    if (value === null || value === undefined) continue;
    custom[key] = typeof value === 'boolean' ? value : String(value);
  }
  return {
    kind: card.kind,
    lastName: card.lastName ?? '',
    firstName: card.firstName ?? '',
    patronymic: card.patronymic ?? '',
    birthday: card.birthday ?? '',
    legalName: card.legalName ?? '',
    inn: card.inn ?? '',
    kpp: card.kpp ?? '',
    phones: card.phones.map((p) => ({
      key: newRowKey(),
      number: p.display,
      type: p.type,
      verifiedAt: p.verifiedAt ?? undefined,
    })),
    emails: card.emails.map((e) => ({
      key: newRowKey(),
      address: e.address,
      type: e.type,
      verifiedAt: e.verifiedAt ?? undefined,
    })),
    city: card.city ?? '',
    address: card.address ?? '',
    tags: card.tags.join(', '),
    ownerId: card.ownerId ?? '',
    source: emptySource,
    custom,
  };
}

export function parseTags(text: string): string[] {
  return text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
}

/** Only the rows with something typed are sent; `rows[i]` is the form row of the i-th one sent. */
type Sent<T> = { items: T[]; rows: number[] };

function sentPhones(phones: PhoneRow[]): Sent<NonNullable<CreateInput['phones']>[number]> {
  const items: NonNullable<CreateInput['phones']>[number][] = [];
  const rows: number[] = [];
  phones.forEach((p, i) => {
    if (p.number.trim() === '') return;
    items.push({
      number: p.number,
      ...(p.type ? { type: p.type } : {}),
      ...(p.verifiedAt ? { verifiedAt: p.verifiedAt } : {}),
    });
    rows.push(i);
  });
  return { items, rows };
}

function sentEmails(emails: EmailRow[]): Sent<NonNullable<CreateInput['emails']>[number]> {
  const items: NonNullable<CreateInput['emails']>[number][] = [];
  const rows: number[] = [];
  emails.forEach((e, i) => {
    if (e.address.trim() === '') return;
    items.push({
      address: e.address,
      ...(e.type ? { type: e.type } : {}),
      ...(e.verifiedAt ? { verifiedAt: e.verifiedAt } : {}),
    });
    rows.push(i);
  });
  return { items, rows };
}

/**
 * A custom value as the API takes it. A number field that does not read as a number is sent as
 * typed, so the server's own issue (`custom.<key>`) lands next to the field.
 */
export function customValue(def: Pick<CustomFieldDef, 'type'>, value: CustomFormValue): unknown {
  if (typeof value === 'boolean') return value;
  const text = value.trim();
  if (def.type === 'number') {
    const n = Number(text.replace(',', '.'));
    return text !== '' && Number.isFinite(n) ? n : text;
  }
  return text;
}

const isBlank = (v: CustomFormValue | undefined) =>
  v === undefined || (typeof v === 'string' && v.trim() === '');

function sourceInput(s: SourceState): CreateInput['source'] {
  const opt = <K extends string>(key: K, value: string) =>
    value.trim() === '' ? {} : ({ [key]: value.trim() } as Record<K, string>);
  switch (s.channel) {
    case '':
      return undefined;
    case 'purchased_list':
      return { channel: 'purchased_list', batchId: s.batchId.trim() };
    case 'import':
      return { channel: 'import', ...opt('batchId', s.batchId) };
    case 'advertising': {
      const utm = {
        ...opt('source', s.utmSource),
        ...opt('medium', s.utmMedium),
        ...opt('campaign', s.utmCampaign),
      };
      return {
        channel: 'advertising',
        ...opt('campaign', s.campaign),
        ...(Object.keys(utm).length > 0 ? { utm } : {}),
      };
    }
    case 'referral':
      return { channel: 'referral', referrerClientId: s.referrerId };
    case 'web_form':
      return { channel: 'web_form', ...opt('formId', s.formId), ...opt('url', s.url) };
    case 'loyalty_card':
      return { channel: 'loyalty_card', ...opt('cardNumber', s.cardNumber) };
    case 'walk_in':
      return { channel: 'walk_in' };
    case 'other':
      return { channel: 'other', ...opt('detail', s.detail) };
  }
}

/** Where each sent contact came from in the form, to put a server issue on the right row. */
export type RowMap = { phones: number[]; emails: number[] };

export function toCreateInput(
  state: ClientFormState,
  defs: readonly Pick<CustomFieldDef, 'key' | 'type'>[],
): { input: CreateInput; rows: RowMap } {
  const phones = sentPhones(state.phones);
  const emails = sentEmails(state.emails);
  const custom: Record<string, unknown> = {};
  for (const def of defs) {
    const value = state.custom[def.key];
    if (value === undefined || isBlank(value)) continue;
    custom[def.key] = customValue(def, value);
  }
  const nonEmpty = <K extends string>(key: K, value: string) =>
    value.trim() === '' ? {} : ({ [key]: value } as Record<K, string>);
  const tags = parseTags(state.tags);
  const source = sourceInput(state.source);
  const common = {
    ...(phones.items.length > 0 ? { phones: phones.items } : {}),
    ...(emails.items.length > 0 ? { emails: emails.items } : {}),
    ...nonEmpty('city', state.city),
    ...nonEmpty('address', state.address),
    ...(tags.length > 0 ? { tags } : {}),
    ...nonEmpty('ownerId', state.ownerId),
    ...(source ? { source } : {}),
    ...(Object.keys(custom).length > 0 ? { custom } : {}),
  };
  const input: CreateInput =
    state.kind === 'person'
      ? {
          kind: 'person',
          lastName: state.lastName,
          firstName: state.firstName,
          ...nonEmpty('patronymic', state.patronymic),
          ...nonEmpty('birthday', state.birthday),
          ...common,
        }
      : {
          kind: 'company',
          legalName: state.legalName,
          ...nonEmpty('inn', state.inn),
          ...nonEmpty('kpp', state.kpp),
          ...common,
        };
  return { input, rows: { phones: phones.rows, emails: emails.rows } };
}

/**
 * The update for the inline editor: the whole profile as it stands in the form (an emptied optional
 * field is `null`, i.e. cleared), contacts as full lists (verification dates kept), custom fields
 * only where they changed, and the card's version so a concurrent change is a conflict.
 */
export function toUpdateInput(
  state: ClientFormState,
  card: Pick<ClientCard, 'id' | 'kind' | 'version' | 'custom'>,
  defs: readonly Pick<CustomFieldDef, 'key' | 'type'>[],
): { input: UpdateInput; rows: RowMap } {
  const phones = sentPhones(state.phones);
  const emails = sentEmails(state.emails);
  const orNull = (value: string) => (value.trim() === '' ? null : value);
  const custom: Record<string, unknown> = {};
  for (const def of defs) {
    const value = state.custom[def.key];
    const before = card.custom?.[def.key];
    const next = value === undefined || isBlank(value) ? null : customValue(def, value);
    if (next === (before ?? null)) continue;
    custom[def.key] = next;
  }
  const common = {
    id: card.id,
    expectedVersion: card.version,
    phones: phones.items,
    emails: emails.items,
    city: orNull(state.city),
    address: orNull(state.address),
    tags: parseTags(state.tags),
    ownerId: orNull(state.ownerId),
    ...(Object.keys(custom).length > 0 ? { custom } : {}),
  };
  // `kind` is the stored one: the API refuses to turn a person into a company.
  const input: UpdateInput =
    card.kind === 'person'
      ? {
          kind: 'person',
          lastName: state.lastName,
          firstName: state.firstName,
          patronymic: orNull(state.patronymic),
          birthday: orNull(state.birthday),
          ...common,
        }
      : {
          kind: 'company',
          legalName: state.legalName,
          inn: orNull(state.inn),
          kpp: orNull(state.kpp),
          ...common,
        };
  return { input, rows: { phones: phones.rows, emails: emails.rows } };
}

/**
 * The server's issue for one form row: the API numbers contacts as sent (`phones.1.number`), and
 * empty rows are not sent, so the form row is mapped back through `rows`.
 */
export function rowError(
  fields: FieldErrors,
  list: 'phones' | 'emails',
  rows: RowMap | null,
  row: number,
): string | undefined {
  if (!rows) return undefined;
  const sent = rows[list].indexOf(row);
  if (sent < 0) return undefined;
  const prefix = `${list}.${sent}`;
  if (fields[prefix]) return fields[prefix];
  const nested = Object.keys(fields).find((k) => k.startsWith(`${prefix}.`));
  return nested ? fields[nested] : undefined;
}

/** What the domain will store for what was typed, or its issue: the live preview of the form. */
export type Preview = { kind: 'ok'; text: string } | { kind: 'issue'; code: string; message: string } | null;

export function previewPhone(number: string, region: string): Preview {
  if (number.trim() === '') return null;
  const r = normalizePhone(number, region);
  if (!r.ok) return { kind: 'issue', code: r.error.code, message: r.error.message };
  return { kind: 'ok', text: r.value.international };
}

export function previewEmail(address: string): Preview {
  if (address.trim() === '') return null;
  const r = normalizeEmail(address);
  if (!r.ok) return { kind: 'issue', code: r.error.code, message: r.error.message };
  return { kind: 'ok', text: r.value };
}

export function previewInn(inn: string): Preview {
  if (inn.trim() === '') return null;
  const r = validateInn(inn);
  if (!r.ok) return { kind: 'issue', code: r.error.code, message: r.error.message };
  return { kind: 'ok', text: r.value };
}

export function previewKpp(kpp: string): Preview {
  if (kpp.trim() === '') return null;
  const r = validateKpp(kpp);
  if (!r.ok) return { kind: 'issue', code: r.error.code, message: r.error.message };
  return { kind: 'ok', text: r.value };
}

/** The E.164 form for a typed number, for the preview's "stored as" line. */
export function e164Of(number: string, region: string): string | null {
  const r = normalizePhone(number, region);
  return r.ok ? r.value.e164 : null;
}
