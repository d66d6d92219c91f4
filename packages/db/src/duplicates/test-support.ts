import { matchKey, personDisplayName } from '@cb/domain';
import type { Executor } from '../client.ts';
import { createClient } from '../queries/clients.ts';
import type { MutationContext } from '../queries/context.ts';

export type PersonSeed = {
  lastName?: string;
  firstName?: string;
  patronymic?: string;
  birthday?: string;
  phones?: string[];
  emails?: string[];
  city?: string;
  address?: string;
  inn?: string;
  externalId?: string;
  ownerId?: string | null;
};

/** Creates a person through `createClient`, the path the app uses (keys and outbox included). */
export async function createPerson(db: Executor, ctx: MutationContext, seed: PersonSeed) {
  const names = {
    lastName: seed.lastName ?? null,
    firstName: seed.firstName ?? null,
    patronymic: seed.patronymic ?? null,
  };
  const result = await createClient(db, ctx, {
    kind: 'person',
    ...names,
    displayName:
      personDisplayName({
        lastName: seed.lastName,
        firstName: seed.firstName,
        patronymic: seed.patronymic,
      }) || 'Без имени',
    matchKey: matchKey(names.lastName, names.firstName),
    birthday: seed.birthday ?? null,
    city: seed.city ?? null,
    address: seed.address ?? null,
    inn: seed.inn ?? null,
    externalId: seed.externalId ?? null,
    ...(seed.ownerId !== undefined ? { ownerId: seed.ownerId } : {}),
    phones: (seed.phones ?? []).map((e164) => ({
      e164,
      raw: e164,
      type: 'mobile' as const,
      verifiedAt: null,
    })),
    emails: (seed.emails ?? []).map((address) => ({ address, type: 'personal' as const, verifiedAt: null })),
  });
  if (!result.ok) throw new Error(`createPerson: ${JSON.stringify(result.error)}`);
  return result.value;
}
