import type { InteractionDirection, InteractionKind, SourceChannel } from '@cb/domain';
import { companyMatchKey, matchKey } from '@cb/domain';
import {
  cities,
  companyForms,
  companyWords,
  femaleFirstNames,
  femaleSurname,
  interactionSummaries,
  lastNames,
  maleFirstNames,
  mobilePrefixes,
  patronymicRoots,
  tagsPool,
} from './names.ts';
import { createRng, type Rng } from './random.ts';

const DAY = 86_400_000;

export type SeedClient = {
  id: string;
  kind: 'person' | 'company';
  lastName: string | null;
  firstName: string | null;
  patronymic: string | null;
  birthday: string | null;
  legalName: string | null;
  inn: string | null;
  displayName: string;
  matchKey: string;
  city: string;
  tags: string[];
  ownerId: string | null;
  sourceChannel: SourceChannel;
  createdAt: Date;
  phone: { e164: string; raw: string } | null;
  email: string | null;
};
export type SeedPurchase = { id: string; clientId: string; at: Date; amountKopecks: number };
export type SeedPayment = { clientId: string; purchaseId: string; at: Date; amountKopecks: number };
export type SeedInteraction = {
  clientId: string;
  kind: InteractionKind;
  direction: InteractionDirection;
  at: Date;
  summary: string;
};
export type SeedTask = { clientId: string; title: string; dueAt: Date; doneAt: Date | null; createdAt: Date };

export type SeedData = {
  clients: SeedClient[];
  purchases: SeedPurchase[];
  payments: SeedPayment[];
  interactions: SeedInteraction[];
  tasks: SeedTask[];
};

export type GenerateOptions = {
  seed: number;
  clients: number;
  /** The end of the generated year of history. */
  now: Date;
  /** Average history rows per client (purchases + payments + interactions + tasks); default ~8. */
  historyPerClient?: number;
  ownerIds?: string[];
};

const channels: SourceChannel[] = [
  'walk_in',
  'walk_in',
  'web_form',
  'web_form',
  'advertising',
  'advertising',
  'referral',
  'loyalty_card',
  'purchased_list',
  'import',
  'other',
];

/** An INN with valid FNS check digits (10 digits for companies, 12 for sole traders). */
export function innFor(rng: Rng, kind: 'legal' | 'individual'): string {
  const weights10 = [2, 4, 10, 3, 5, 9, 4, 6, 8];
  const weights11 = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
  const weights12 = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
  const check = (digits: number[], weights: number[]) =>
    (weights.reduce((sum, w, i) => sum + w * digits[i]!, 0) % 11) % 10;
  const digits = [7, 7, ...Array.from({ length: kind === 'legal' ? 7 : 8 }, () => rng.int(0, 9))];
  if (kind === 'legal') return [...digits, check(digits, weights10)].join('');
  const with11 = [...digits, check(digits, weights11)];
  return [...with11, check(with11, weights12)].join('');
}

function person(
  rng: Rng,
): Pick<SeedClient, 'lastName' | 'firstName' | 'patronymic' | 'displayName' | 'matchKey'> {
  const female = rng.chance(0.5);
  const surname = rng.pick(lastNames);
  const lastName = female ? femaleSurname(surname) : surname;
  const firstName = rng.pick(female ? femaleFirstNames : maleFirstNames);
  const patronymic = rng.pick(patronymicRoots)[female ? 1 : 0];
  return {
    lastName,
    firstName,
    patronymic,
    displayName: `${lastName} ${firstName} ${patronymic}`,
    matchKey: matchKey(lastName, firstName),
  };
}

/**
 * A realistic Russian client base with a year of history: people and companies, +7 mobiles,
 * cities, sources, purchases with payments, calls and meetings, follow-up tasks. Deterministic:
 * the same options give the same rows.
 */
export function generateBase(options: GenerateOptions): SeedData {
  const rng = createRng(options.seed);
  const now = options.now.getTime();
  const perClient = options.historyPerClient ?? 8;
  const data: SeedData = { clients: [], purchases: [], payments: [], interactions: [], tasks: [] };
  const usedPhones = new Set<string>();
  for (let n = 0; n < options.clients; n++) {
    const id = rng.uuid();
    const company = rng.chance(0.15);
    const createdAt = new Date(now - rng.int(0, 400) * DAY - rng.int(0, DAY - 1));
    let phone: SeedClient['phone'] = null;
    if (rng.chance(0.9)) {
      let e164: string;
      do e164 = `+7${rng.pick(mobilePrefixes)}${String(rng.int(0, 9_999_999)).padStart(7, '0')}`;
      while (usedPhones.has(e164));
      usedPhones.add(e164);
      const d = e164.slice(2);
      phone = { e164, raw: `8 (${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6, 8)}-${d.slice(8)}` };
    }
    const base = company
      ? (() => {
          const legalName = `${rng.pick(companyForms)} «${rng.pick(companyWords)}${rng.chance(0.3) ? `-${rng.int(1, 99)}` : ''}»`;
          return {
            lastName: null,
            firstName: null,
            patronymic: null,
            birthday: null,
            legalName,
            inn: innFor(rng, legalName.startsWith('ИП') ? 'individual' : 'legal'),
            displayName: legalName,
            matchKey: companyMatchKey(legalName),
          };
        })()
      : {
          ...person(rng),
          birthday: rng.chance(0.4)
            ? `${rng.int(1955, 2004)}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`
            : null,
          legalName: null,
          inn: null,
        };
    const tags = tagsPool.filter(() => rng.chance(0.12));
    data.clients.push({
      id,
      kind: company ? 'company' : 'person',
      ...base,
      city: rng.pick(cities),
      tags,
      ownerId: options.ownerIds?.length ? rng.pick(options.ownerIds) : null,
      sourceChannel: rng.pick(channels),
      createdAt,
      phone,
      email: rng.chance(0.6) ? `client${n + 1}.${options.seed}@example.ru` : null,
    });
    // History: the count is skewed (most have a little, some a lot), all after the client's creation.
    const history = Math.floor(rng.next() * rng.next() * perClient * 4);
    const since = createdAt.getTime();
    const at = () => new Date(since + Math.floor(rng.next() * (now - since)));
    for (let h = 0; h < history; h++) {
      const roll = rng.next();
      if (roll < 0.3) {
        const purchaseAt = at();
        const amountKopecks = rng.int(5, 2000) * 10_000 + rng.pick([0, 0, 50_00, 99_00]);
        const purchaseId = rng.uuid();
        data.purchases.push({ id: purchaseId, clientId: id, at: purchaseAt, amountKopecks });
        if (rng.chance(0.85)) {
          data.payments.push({
            clientId: id,
            purchaseId,
            at: new Date(Math.min(now, purchaseAt.getTime() + rng.int(0, 5) * DAY)),
            amountKopecks,
          });
        }
      } else if (roll < 0.9) {
        const kind = rng.pick<InteractionKind>([
          'call',
          'call',
          'call',
          'message',
          'meeting',
          'note',
          'negotiation',
          'inbound_request',
          'web_form',
        ]);
        data.interactions.push({
          clientId: id,
          kind,
          direction:
            kind === 'inbound_request' || kind === 'web_form' || rng.chance(0.2) ? 'inbound' : 'outbound',
          at: at(),
          summary: rng.pick(interactionSummaries),
        });
      } else {
        const createdTask = at();
        const dueAt = new Date(createdTask.getTime() + rng.int(1, 14) * DAY);
        data.tasks.push({
          clientId: id,
          title: rng.pick(['Перезвонить', 'Отправить КП', 'Уточнить оплату', 'Пригласить на встречу']),
          dueAt,
          doneAt: dueAt.getTime() < now && rng.chance(0.7) ? dueAt : null,
          createdAt: createdTask,
        });
      }
    }
  }
  return data;
}
