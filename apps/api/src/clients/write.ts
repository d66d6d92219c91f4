import {
  type ClientDetail,
  type ClientWrite,
  type ClientPatch as DbClientPatch,
  type Executor,
  listMembers,
  loadCustomFieldDefinitions,
} from '@cb/db';
import type { ClientInput, NormalizeClientContext, NormalizedClient, PhoneInput } from '@cb/domain';
import { normalizePhone } from '@cb/domain';
import { badRequest } from '../trpc/errors.ts';
import type { WorkspaceContext } from '../trpc/init.ts';
import { fromSourceColumns, toSourceWrite } from './source.ts';

export function regionOf(ws: WorkspaceContext): string {
  return ws.settings.defaultRegion ?? 'RU';
}

export async function normalizeContext(
  db: Executor,
  ws: WorkspaceContext,
  now: Date,
): Promise<NormalizeClientContext> {
  return { defaultRegion: regionOf(ws), customFields: await loadCustomFieldDefinitions(db, ws.id), now };
}

/** An owner must be a member of the workspace; `field` names the input field the id came in. */
export async function checkOwner(
  db: Executor,
  ws: WorkspaceContext,
  ownerId: string | null | undefined,
  field = 'ownerId',
) {
  if (!ownerId) return;
  const members = await listMembers(db, ws.id);
  if (!members.some((m) => m.userId === ownerId)) {
    throw badRequest([
      { field, message: 'The owner must be a member of this workspace', code: 'owner_unknown' },
    ]);
  }
}

/**
 * How each number was written, by its E.164 form: the first spelling in the input, or the stored
 * one when the number was already on the record (an update sends numbers back as E.164).
 */
function rawSpellings(phones: PhoneInput[] | undefined, region: string, stored: ClientDetail | null) {
  const raw = new Map<string, string>();
  for (const p of stored?.phones ?? []) raw.set(p.e164, p.raw);
  for (const p of phones ?? []) {
    const r = normalizePhone(p.number, region);
    if (r.ok && !raw.has(r.value.e164)) raw.set(r.value.e164, p.number.trim());
  }
  return raw;
}

/** The normalized client in the form `@cb/db` writes (contacts replace the stored lists). */
export function toClientWrite(
  client: NormalizedClient,
  input: ClientInput,
  region: string,
  stored: ClientDetail | null,
): ClientWrite {
  const raw = rawSpellings(input.phones, region, stored);
  const common = {
    displayName: client.displayName,
    matchKey: client.matchKey,
    city: client.city,
    address: client.address,
    tags: client.tags,
    custom: client.custom,
    externalId: client.externalId,
    verifiedAt: client.verifiedAt,
    source: toSourceWrite(client.source),
    phones: client.phones.map((p) => ({
      e164: p.e164,
      raw: raw.get(p.e164) ?? p.e164,
      type: p.type,
      verifiedAt: p.verifiedAt,
    })),
    emails: client.emails.map((e) => ({ address: e.address, type: e.type, verifiedAt: e.verifiedAt })),
    // Absent on create means "the creator"; the db layer fills it in.
    ...(client.ownerId !== null || stored ? { ownerId: client.ownerId } : {}),
  };
  return client.kind === 'person'
    ? {
        kind: 'person',
        lastName: client.lastName,
        firstName: client.firstName,
        patronymic: client.patronymic,
        birthday: client.birthday,
        legalName: null,
        inn: null,
        kpp: null,
        ...common,
      }
    : {
        kind: 'company',
        legalName: client.legalName,
        inn: client.inn,
        kpp: client.kpp,
        lastName: null,
        firstName: null,
        patronymic: null,
        birthday: null,
        ...common,
      };
}

export function toDbPatch(write: ClientWrite): DbClientPatch {
  const { kind: _kind, ...patch } = write;
  return patch;
}

const iso = (d: Date | null) => (d ? d.toISOString() : undefined);

function withoutEmpty<T extends Record<string, unknown>>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== null && v !== undefined)) as T;
}

/** The stored client as an input, the base an update's patch is laid over. */
export function storedClientInput(detail: ClientDetail): ClientInput {
  const common = {
    phones: detail.phones.map((p) =>
      withoutEmpty({ number: p.e164, type: p.type, verifiedAt: iso(p.verifiedAt) }),
    ),
    emails: detail.emails.map((e) =>
      withoutEmpty({ address: e.address, type: e.type, verifiedAt: iso(e.verifiedAt) }),
    ),
    city: detail.city,
    address: detail.address,
    tags: detail.tags,
    ownerId: detail.ownerId,
    source: fromSourceColumns(detail),
    custom: detail.custom,
    externalId: detail.externalId,
    verifiedAt: iso(detail.verifiedAt),
  };
  if (detail.kind === 'person') {
    return withoutEmpty({
      kind: 'person' as const,
      lastName: detail.lastName ?? '',
      firstName: detail.firstName ?? '',
      patronymic: detail.patronymic,
      birthday: detail.birthday,
      ...common,
    }) as ClientInput;
  }
  return withoutEmpty({
    kind: 'company' as const,
    legalName: detail.legalName ?? detail.displayName,
    inn: detail.inn,
    kpp: detail.kpp,
    ...common,
  }) as ClientInput;
}
