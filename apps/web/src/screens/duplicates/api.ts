import type { Inputs, Outputs } from '../../api/trpc.ts';

/* The duplicates API as the screen uses it, typed by the API's `duplicates` router. */

/** One pair of the review queue, with both clients as the API shows them. */
export type Pair = Outputs['duplicates']['list']['items'][number];
export type PairClient = Pair['a'];
export type PairStatus = Pair['status'];
export const pairStatuses = ['open', 'dismissed', 'merged'] as const satisfies readonly PairStatus[];

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
