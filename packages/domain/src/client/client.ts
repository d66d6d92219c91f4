/**
 * The input schemas the API validates client writes with. They check shape only (types, lengths,
 * enums, uuids); everything with a domain rule (phones, e-mails, ИНН, custom fields, birthday) is
 * checked by `normalizeClient`, which reports all problems at once with stable codes.
 */
import { z } from 'zod';
import { emailTypes, phoneTypes } from '../vocabulary.ts';
import { ZSource } from './source.ts';
import { normalizeTags, TAG_MAX_LENGTH, TAGS_MAX } from './tags.ts';

const requiredText = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) => z.string().trim().max(max);
/** Instants travel as ISO 8601 strings with an explicit offset, never as local time. */
export const ZIsoDateTime = z.iso.datetime({ offset: true });

export const ZPhoneInput = z.strictObject({
  number: z.string().max(64),
  type: z.enum(phoneTypes).optional(),
  verifiedAt: ZIsoDateTime.optional(),
});
export type PhoneInput = z.infer<typeof ZPhoneInput>;

export const ZEmailInput = z.strictObject({
  address: z.string().max(320),
  type: z.enum(emailTypes).optional(),
  verifiedAt: ZIsoDateTime.optional(),
});
export type EmailInput = z.infer<typeof ZEmailInput>;

export const ZTags = z
  .array(requiredText(TAG_MAX_LENGTH))
  .transform(normalizeTags)
  .refine((tags) => tags.length <= TAGS_MAX, `at most ${TAGS_MAX} tags`);

export const CLIENT_PHONES_MAX = 20;
export const CLIENT_EMAILS_MAX = 20;

const commonFields = {
  phones: z.array(ZPhoneInput).max(CLIENT_PHONES_MAX).optional(),
  emails: z.array(ZEmailInput).max(CLIENT_EMAILS_MAX).optional(),
  city: optionalText(200).optional(),
  address: optionalText(1000).optional(),
  tags: ZTags.optional(),
  ownerId: z.uuid().optional(),
  source: ZSource.optional(),
  /** Checked against the workspace's definitions by `validateCustomFields`. */
  custom: z.record(z.string(), z.unknown()).optional(),
  /** The client's id in the system it was imported from, for re-imports and sync. */
  externalId: requiredText(200).optional(),
  verifiedAt: ZIsoDateTime.optional(),
};

export const ZPersonInput = z.strictObject({
  kind: z.literal('person'),
  lastName: requiredText(200),
  firstName: requiredText(200),
  patronymic: optionalText(200).optional(),
  /** `YYYY-MM-DD`; validity and "not in the future" are checked by `normalizeClient`. */
  birthday: optionalText(10).optional(),
  ...commonFields,
});

export const ZCompanyInput = z.strictObject({
  kind: z.literal('company'),
  legalName: requiredText(500),
  /** Checked (format, checksum) by `normalizeClient`. */
  inn: optionalText(20).optional(),
  kpp: optionalText(20).optional(),
  ...commonFields,
});

/** Objects are strict: an unknown key (e.g. `legalName` on a person) is an error, not silently lost. */
export const ZClientInput = z.discriminatedUnion('kind', [ZPersonInput, ZCompanyInput]);
export type ClientInput = z.infer<typeof ZClientInput>;
export type PersonInput = z.infer<typeof ZPersonInput>;
export type CompanyInput = z.infer<typeof ZCompanyInput>;

/**
 * An update. `kind` is required and must equal the stored kind (see `mergeClientPatch`): it tells
 * which fields apply. An absent key leaves the field as it is; `null` clears an optional field;
 * `phones`, `emails` and `tags` replace the whole list; `custom` changes only the keys given
 * (`null` clears one).
 */
const commonPatchFields = {
  phones: commonFields.phones,
  emails: commonFields.emails,
  city: optionalText(200).nullable().optional(),
  address: optionalText(1000).nullable().optional(),
  tags: commonFields.tags,
  ownerId: z.uuid().nullable().optional(),
  source: ZSource.optional(),
  custom: commonFields.custom,
  externalId: requiredText(200).nullable().optional(),
  verifiedAt: ZIsoDateTime.nullable().optional(),
};

export const ZPersonPatch = z.strictObject({
  kind: z.literal('person'),
  lastName: requiredText(200).optional(),
  firstName: requiredText(200).optional(),
  patronymic: optionalText(200).nullable().optional(),
  birthday: optionalText(10).nullable().optional(),
  ...commonPatchFields,
});

export const ZCompanyPatch = z.strictObject({
  kind: z.literal('company'),
  legalName: requiredText(500).optional(),
  inn: optionalText(20).nullable().optional(),
  kpp: optionalText(20).nullable().optional(),
  ...commonPatchFields,
});

export const ZClientPatch = z.discriminatedUnion('kind', [ZPersonPatch, ZCompanyPatch]);
export type ClientPatch = z.infer<typeof ZClientPatch>;
