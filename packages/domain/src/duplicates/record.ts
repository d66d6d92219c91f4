import type { ClientKind } from '../vocabulary.ts';

/**
 * What the duplicate finder compares: one client reduced to the fields that identify a person or
 * a company. Values are expected already normalised by `../normalize` (phones in E.164, e-mails
 * lower-cased), but the comparators are lenient and tolerate raw spellings of names and addresses.
 */
export type DuplicateRecord = {
  id: string;
  kind: ClientKind;
  lastName?: string | null;
  firstName?: string | null;
  patronymic?: string | null;
  /** Companies: the legal name with or without its legal form (`ООО «Ромашка»`). */
  legalName?: string | null;
  /** E.164 numbers. */
  phones: string[];
  emails: string[];
  /** `YYYY-MM-DD`; a date mistyped at entry is still compared digit by digit. */
  birthday?: string | null;
  /** ИНН, or any other national identifier of the client (SNILS, a social security number). */
  inn?: string | null;
  city?: string | null;
  /** Street, house and flat, as written. */
  address?: string | null;
  /** Почтовый индекс / postcode. */
  postcode?: string | null;
  /** Id of the client in another system (1C, a marketplace); equal ids mean the same client. */
  externalId?: string | null;
};
