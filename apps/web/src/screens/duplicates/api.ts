import type { Inputs, Outputs } from '../../api/trpc.ts';

/* The duplicates API as the screen uses it, typed by the API's `duplicates` router. */

/** One pair of the review queue, with both clients as the API shows them. */
export type Pair = Outputs['duplicates']['list']['items'][number];
export type PairClient = Pair['a'];
export type PairStatus = Pair['status'];
export const pairStatuses = ['open', 'dismissed', 'merged'] as const satisfies readonly PairStatus[];

/**
 * One entry of the review queue: a pair on its own, or the pairs of one cluster (records linked
 * to each other through open pairs: most likely one person entered several times).
 */
export type QueueEntry =
  | { kind: 'pair'; pair: Pair }
  | { kind: 'cluster'; clusterId: string; pairs: Pair[]; members: PairClient[] };

/**
 * The queue as shown: pairs in the API's order, the open pairs sharing a `clusterId` gathered into
 * one entry at the place of the first of them. Grouping runs over every page loaded so far, so a
 * cluster split across pages becomes one group once its later pairs arrive. Only open pairs are
 * grouped: the API draws clusters through open pairs, and two dismissed pairs sharing a client are
 * two "not a duplicate" decisions, not one person. Members are the clients of the group, each once,
 * in the order they first appear.
 */
export function queueEntries(pairs: readonly Pair[]): QueueEntry[] {
  const sizes = new Map<string, number>();
  for (const pair of pairs) {
    if (pair.status === 'open') sizes.set(pair.clusterId, (sizes.get(pair.clusterId) ?? 0) + 1);
  }
  const entries: QueueEntry[] = [];
  const clusters = new Map<string, Extract<QueueEntry, { kind: 'cluster' }>>();
  for (const pair of pairs) {
    if (pair.status !== 'open' || (sizes.get(pair.clusterId) ?? 0) < 2) {
      entries.push({ kind: 'pair', pair });
      continue;
    }
    let cluster = clusters.get(pair.clusterId);
    if (!cluster) {
      cluster = { kind: 'cluster', clusterId: pair.clusterId, pairs: [], members: [] };
      clusters.set(pair.clusterId, cluster);
      entries.push(cluster);
    }
    cluster.pairs.push(pair);
    for (const client of [pair.a, pair.b]) {
      if (!cluster.members.some((m) => m.id === client.id)) cluster.members.push(client);
    }
  }
  return entries;
}

/** The fields a person compares and picks between, in the order the comparison shows them. */
export const mergeFields = [
  'kind',
  'lastName',
  'firstName',
  'patronymic',
  'legalName',
  'birthday',
  'phones',
  'emails',
  'city',
  'address',
  'inn',
  'externalId',
] as const satisfies readonly (keyof PairClient)[];
export type MergeField = (typeof mergeFields)[number];

/**
 * The fields a merge takes from one record or the other (`duplicates.merge` `pick`). The kind is
 * the survivor's; phones and e-mails are not chosen: the survivor keeps its own and gains the
 * other record's.
 */
export const pickableFields = [
  'lastName',
  'firstName',
  'patronymic',
  'legalName',
  'birthday',
  'city',
  'address',
  'inn',
  'externalId',
] as const satisfies readonly (MergeField & keyof Pick)[];
export type PickableField = (typeof pickableFields)[number];
export type Pick = NonNullable<Inputs['duplicates']['merge']['pick']>;

export const isPickable = (field: MergeField): field is PickableField =>
  (pickableFields as readonly MergeField[]).includes(field);

/** One merge of the history. */
export type MergeRecord = Outputs['duplicates']['merges']['items'][number];

/** A plain link: the browser downloads the file itself. */
export const DUPLICATES_CSV_URL = '/api/duplicates.csv';
