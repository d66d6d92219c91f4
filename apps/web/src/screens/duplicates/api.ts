import type { ClientKind, Locale } from '@cb/domain/vocabulary';
import { trpc } from '../../api/trpc.ts';

/*
 * The duplicates API as the screen uses it: the contract of issue #5, written out here so the screen
 * compiles while the router is built; `duplicatesApi` is the only place that reaches
 * `trpc.duplicates`. Once the router lands, these types can be replaced by `Outputs['duplicates'][…]`.
 */

export type PairClient = {
  id: string;
  displayName: string;
  lastName: string | null;
  firstName: string | null;
  patronymic: string | null;
  legalName: string | null;
  kind: ClientKind;
  externalId: string | null;
  phones: string[];
  emails: string[];
  birthday: string | null;
  city: string | null;
  address: string | null;
  inn: string | null;
  createdAt: string;
  version: number;
};

export type PairStatus = 'open' | 'dismissed' | 'merged';
export const pairStatuses: readonly PairStatus[] = ['open', 'dismissed', 'merged'];

export type Pair = {
  a: PairClient;
  b: PairClient;
  score: number;
  decision: 'duplicate' | 'possible';
  reasons: unknown;
  explanation: string[];
  clusterId: string | null;
  status: PairStatus;
};

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
] as const;
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
] as const satisfies readonly MergeField[];
export type PickableField = (typeof pickableFields)[number];
export type Pick = Partial<Record<PickableField, 'survivor' | 'merged'>>;

export const isPickable = (field: MergeField): field is PickableField =>
  (pickableFields as readonly MergeField[]).includes(field);

export type MergeInput = {
  survivorId: string;
  mergedId: string;
  expectedVersions: { survivor: number; merged: number };
  pick?: Pick;
};

export type MergeRecord = {
  id: string;
  survivor: { id: string; displayName: string };
  merged: { id: string; displayName: string };
  at: string;
  undoneAt: string | null;
};

type Page<T> = { items: T[]; nextCursor: string | null };

type DuplicatesClient = {
  scan: {
    mutate: (
      input: Record<string, never>,
    ) => Promise<{ status: 'done'; clientsScanned: number; pairs: number } | { status: 'queued' }>;
  };
  list: {
    query: (input: {
      cursor?: string | null;
      limit?: number;
      status?: PairStatus;
      minScore?: number;
      locale: Locale;
    }) => Promise<Page<Pair>>;
  };
  merge: {
    mutate: (
      input: MergeInput,
    ) => Promise<{ mergeId: string; survivor: { id: string; displayName: string } }>;
  };
  unmerge: { mutate: (input: { mergeId: string }) => Promise<unknown> };
  dismiss: { mutate: (input: { a: string; b: string }) => Promise<unknown> };
  merges: { query: (input: { cursor?: string | null }) => Promise<Page<MergeRecord>> };
};

/** The `duplicates` router of the API client (see the note at the top of the file). */
export const duplicatesApi = (): DuplicatesClient =>
  (trpc as unknown as { duplicates: DuplicatesClient }).duplicates;

/** A plain link: the browser downloads the file itself. */
export const DUPLICATES_CSV_URL = '/api/duplicates.csv';
