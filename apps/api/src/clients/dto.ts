import type { ClientDetail } from '@cb/db';
import { formatPhoneForDisplay } from '@cb/domain';
import { toJson } from '../trpc/json.ts';
import { fromSourceColumns } from './source.ts';

/** A client as the API returns it after a write: the record, its normalized contacts and source. */
export function clientDto(detail: ClientDetail, region: string) {
  return toJson({
    id: detail.id,
    kind: detail.kind,
    displayName: detail.displayName,
    lastName: detail.lastName,
    firstName: detail.firstName,
    patronymic: detail.patronymic,
    birthday: detail.birthday,
    legalName: detail.legalName,
    inn: detail.inn,
    kpp: detail.kpp,
    city: detail.city,
    address: detail.address,
    tags: detail.tags,
    ownerId: detail.ownerId,
    custom: detail.custom,
    externalId: detail.externalId,
    stage: detail.stage,
    archivedAt: detail.archivedAt,
    source: {
      ...fromSourceColumns(detail),
      batch: detail.batch,
      batches: detail.batches,
      referrer: detail.referrer,
    },
    phones: detail.phones.map((p) => ({
      e164: p.e164,
      display: formatPhoneForDisplay(p.e164, region),
      raw: p.raw,
      type: p.type,
      verifiedAt: p.verifiedAt,
    })),
    emails: detail.emails.map((e) => ({ address: e.address, type: e.type, verifiedAt: e.verifiedAt })),
    verifiedAt: detail.verifiedAt,
    createdAt: detail.createdAt,
    updatedAt: detail.updatedAt,
    version: detail.version,
  });
}
export type ClientDto = ReturnType<typeof clientDto>;

/**
 * List rows with their primary phone also written for reading (`+7 916 123-45-67`), so the browser's
 * list needs no phone metadata of its own.
 */
export function withPhoneDisplay<T extends { phone: string | null }>(
  items: readonly T[],
  region: string,
): (T & { phoneDisplay: string | null })[] {
  return items.map((item) => ({
    ...item,
    phoneDisplay: item.phone ? formatPhoneForDisplay(item.phone, region) : null,
  }));
}
