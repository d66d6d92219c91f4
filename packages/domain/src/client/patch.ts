/**
 * Updates go through the same normalization as creation: the stored client is turned back into an
 * input, the patch is laid over it, and `normalizeClient` checks the result as a whole. So an update
 * can never store what a create would refuse (e.g. clearing a required custom field).
 */
import { type FieldIssue, fail, issue, ok, type Result } from '../result.ts';
import type { ClientInput, ClientPatch } from './client.ts';
import type { NormalizedClient } from './normalize-client.ts';

/** Drops keys whose value is null or undefined: in an input, absence is how "no value" is said. */
function withoutEmpty<T extends Record<string, unknown>>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== null && v !== undefined)) as T;
}

export function mergeClientPatch(
  current: ClientInput,
  patch: ClientPatch,
): Result<ClientInput, FieldIssue[]> {
  if (patch.kind !== current.kind) {
    return fail([issue('kind', 'kind_immutable', `A ${current.kind} cannot become a ${patch.kind}`)]);
  }
  const { custom: customPatch, ...fields } = patch;
  const merged: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(fields)) {
    if (value === null) delete merged[key];
    else if (value !== undefined) merged[key] = value;
  }
  if (customPatch !== undefined) merged.custom = withoutEmpty({ ...(current.custom ?? {}), ...customPatch });
  // Sound by construction: same kind, and every patch value has its input field's type or is null.
  return ok(merged as ClientInput);
}

/** The input that would normalize to this stored client; the base for `mergeClientPatch`. */
export function toClientInput(client: NormalizedClient): ClientInput {
  const iso = (d: Date | null) => d?.toISOString();
  const common = {
    phones: client.phones.map((p) => ({ number: p.e164, type: p.type, verifiedAt: iso(p.verifiedAt) })),
    emails: client.emails.map((e) => ({ address: e.address, type: e.type, verifiedAt: iso(e.verifiedAt) })),
    city: client.city ?? undefined,
    address: client.address ?? undefined,
    tags: client.tags,
    ownerId: client.ownerId ?? undefined,
    source: client.source,
    custom: client.custom,
    externalId: client.externalId ?? undefined,
    verifiedAt: iso(client.verifiedAt),
  };
  if (client.kind === 'person') {
    return withoutEmpty({
      kind: 'person',
      lastName: client.lastName,
      firstName: client.firstName,
      patronymic: client.patronymic ?? undefined,
      birthday: client.birthday ?? undefined,
      ...common,
    });
  }
  return withoutEmpty({
    kind: 'company',
    legalName: client.legalName,
    inn: client.inn ?? undefined,
    kpp: client.kpp ?? undefined,
    ...common,
  });
}
