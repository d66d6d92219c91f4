/**
 * `normalizeClient` turns a shape-checked input into the stored form: phones in E.164, e-mails
 * lowercased with ASCII domains, ИНН checked, custom fields typed, display name and match key
 * computed. It reports every issue at once, each with the path of its field (`phones.1.number`).
 */
import type { CustomValue } from '../facts.ts';
import { companyDisplayName, companyMatchKey } from '../normalize/company.ts';
import { parseIsoDate, toIsoDate } from '../normalize/date.ts';
import { normalizeEmail } from '../normalize/email.ts';
import { matchKey } from '../normalize/match-key.ts';
import { normalizeName, personDisplayName } from '../normalize/name.ts';
import { isMobilePhone, type NormalizedPhone, normalizePhone } from '../normalize/phone.ts';
import { type FieldIssue, fail, issue, ok, type Result } from '../result.ts';
import type { EmailType, PhoneType } from '../vocabulary.ts';
import type { ClientInput, CompanyInput, EmailInput, PersonInput, PhoneInput } from './client.ts';
import { type CustomFieldDefinition, validateCustomFields } from './custom-fields.ts';
import { validateInn, validateKpp } from './inn.ts';
import type { Source } from './source.ts';
import { normalizeTags, TAGS_MAX } from './tags.ts';

export type ClientPhone = NormalizedPhone & { type: PhoneType; verifiedAt: Date | null };
export type ClientEmail = { address: string; type: EmailType; verifiedAt: Date | null };

type NormalizedCommon = {
  /** Person: `Фамилия Имя Отчество`; company: the legal name. */
  displayName: string;
  /** Duplicate-candidate key: person — last + first name; company — legal name without its form. */
  matchKey: string;
  phones: ClientPhone[];
  emails: ClientEmail[];
  city: string | null;
  address: string | null;
  tags: string[];
  ownerId: string | null;
  /** `{ channel: 'other' }` when the input does not say: every client has a source. */
  source: Source;
  custom: Record<string, CustomValue>;
  externalId: string | null;
  verifiedAt: Date | null;
};

export type NormalizedPerson = NormalizedCommon & {
  kind: 'person';
  lastName: string;
  firstName: string;
  patronymic: string | null;
  birthday: string | null;
};

export type NormalizedCompany = NormalizedCommon & {
  kind: 'company';
  legalName: string;
  inn: string | null;
  kpp: string | null;
};

export type NormalizedClient = NormalizedPerson | NormalizedCompany;

export type NormalizeClientContext = {
  /** ISO region for numbers written without a country code, e.g. `RU`. */
  defaultRegion: string;
  customFields: CustomFieldDefinition[];
  now: Date;
};

/** The earliest birthday taken as real; anything before is a typo (`1097` for `1997`). */
const BIRTHDAY_MIN = '1900-01-01';

function parseInstant(value: string | undefined, field: string, issues: FieldIssue[]): Date | null {
  if (value === undefined) return null;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) {
    issues.push(issue(field, 'datetime_invalid', `${value} is not an ISO date-time`));
    return null;
  }
  return d;
}

function laterOf(a: Date | null, b: Date | null): Date | null {
  if (a === null) return b;
  if (b === null) return a;
  return a.getTime() >= b.getTime() ? a : b;
}

/** Duplicates (same E.164) collapse into the first occurrence, keeping the latest verification. */
function normalizePhones(phones: PhoneInput[], region: string, issues: FieldIssue[]): ClientPhone[] {
  const byE164 = new Map<string, ClientPhone>();
  phones.forEach((p, i) => {
    const verifiedAt = parseInstant(p.verifiedAt, `phones.${i}.verifiedAt`, issues);
    const r = normalizePhone(p.number, region, `phones.${i}.number`);
    if (!r.ok) {
      issues.push(r.error);
      return;
    }
    const seen = byE164.get(r.value.e164);
    if (seen) {
      seen.verifiedAt = laterOf(seen.verifiedAt, verifiedAt);
      return;
    }
    // Without a stated type, a mobile number is `mobile` (it can take SMS); others stay `other`.
    const type = p.type ?? (isMobilePhone(r.value.e164) ? 'mobile' : 'other');
    byE164.set(r.value.e164, { ...r.value, type, verifiedAt });
  });
  return [...byE164.values()];
}

function normalizeEmails(emails: EmailInput[], issues: FieldIssue[]): ClientEmail[] {
  const byAddress = new Map<string, ClientEmail>();
  emails.forEach((e, i) => {
    const verifiedAt = parseInstant(e.verifiedAt, `emails.${i}.verifiedAt`, issues);
    const r = normalizeEmail(e.address, `emails.${i}.address`);
    if (!r.ok) {
      issues.push(r.error);
      return;
    }
    const seen = byAddress.get(r.value);
    if (seen) {
      seen.verifiedAt = laterOf(seen.verifiedAt, verifiedAt);
      return;
    }
    byAddress.set(r.value, { address: r.value, type: e.type ?? 'other', verifiedAt });
  });
  return [...byAddress.values()];
}

function requiredName(value: string, field: string, issues: FieldIssue[]): string {
  const name = normalizeName(value);
  if (name === null) issues.push(issue(field, 'required', `${field} is required`));
  return name ?? '';
}

/** A birthday is a real calendar date, not before 1900 and not after the UTC date of `now`. */
function normalizeBirthday(value: string | undefined, now: Date, issues: FieldIssue[]): string | null {
  const text = normalizeName(value);
  if (text === null) return null;
  if (parseIsoDate(text) === null || text < BIRTHDAY_MIN) {
    issues.push(issue('birthday', 'birthday_invalid', `${text} is not a date YYYY-MM-DD`));
    return null;
  }
  if (text > toIsoDate(now)) {
    issues.push(issue('birthday', 'birthday_future', `Birthday ${text} is in the future`));
    return null;
  }
  return text;
}

function normalizePerson(input: PersonInput, now: Date, issues: FieldIssue[]) {
  const lastName = requiredName(input.lastName, 'lastName', issues);
  const firstName = requiredName(input.firstName, 'firstName', issues);
  const patronymic = normalizeName(input.patronymic);
  return {
    kind: 'person' as const,
    lastName,
    firstName,
    patronymic,
    birthday: normalizeBirthday(input.birthday, now, issues),
    displayName: personDisplayName({ lastName, firstName, patronymic }),
    matchKey: matchKey(lastName, firstName),
  };
}

function normalizeCompany(input: CompanyInput, issues: FieldIssue[]) {
  const legalName = requiredName(input.legalName, 'legalName', issues);
  const check = (r: Result<string, FieldIssue>) => {
    if (r.ok) return r.value;
    issues.push(r.error);
    return null;
  };
  const innText = normalizeName(input.inn);
  const kppText = normalizeName(input.kpp);
  const inn = innText === null ? null : check(validateInn(innText));
  const kpp = kppText === null ? null : check(validateKpp(kppText));
  // A КПП is issued to organisations only; a 12-digit ИНН belongs to an individual.
  if (kpp !== null && inn !== null && inn.length === 12) {
    issues.push(issue('kpp', 'kpp_not_applicable', 'A KPP applies only to a 10-digit (legal entity) INN'));
  }
  return {
    kind: 'company' as const,
    legalName,
    inn,
    kpp,
    displayName: companyDisplayName(legalName),
    matchKey: companyMatchKey(legalName),
  };
}

export function normalizeClient(
  input: ClientInput,
  ctx: NormalizeClientContext,
): Result<NormalizedClient, FieldIssue[]> {
  const issues: FieldIssue[] = [];
  const own =
    input.kind === 'person' ? normalizePerson(input, ctx.now, issues) : normalizeCompany(input, issues);
  const phones = normalizePhones(input.phones ?? [], ctx.defaultRegion, issues);
  const emails = normalizeEmails(input.emails ?? [], issues);
  const custom = validateCustomFields(input.custom ?? {}, ctx.customFields, 'custom', 'full');
  if (!custom.ok) issues.push(...custom.error);
  const verifiedAt = parseInstant(input.verifiedAt, 'verifiedAt', issues);
  const tags = normalizeTags(input.tags ?? []);
  if (tags.length > TAGS_MAX) issues.push(issue('tags', 'tags_too_many', `At most ${TAGS_MAX} tags`));
  if (issues.length > 0 || !custom.ok) return fail(issues);

  const common: NormalizedCommon = {
    displayName: own.displayName,
    matchKey: own.matchKey,
    phones,
    emails,
    city: normalizeName(input.city),
    address: normalizeName(input.address),
    tags,
    ownerId: input.ownerId ?? null,
    source: input.source ?? { channel: 'other' },
    // Null means "cleared": the stored record simply has no value for that key.
    custom: Object.fromEntries(Object.entries(custom.value).filter(([, v]) => v !== null)),
    externalId: normalizeName(input.externalId),
    verifiedAt,
  };
  return ok({ ...common, ...own });
}
