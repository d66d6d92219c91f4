import {
  type ConsentPurpose,
  type ContactChannel,
  consentPurposes,
  contactChannels,
  type SourceChannel,
  type Stage,
  sourceChannels,
  stages,
  type TemperatureLevel,
  temperatureLevels,
} from '@cb/domain/ui';
import type { Inputs } from '../../api/trpc.ts';

/*
 * The clients list's state as the screen edits it, and its three other forms: the `filter` input of
 * `clients.list`, the URL's search parameters (so a filtered list is a link), and the `state` of a
 * saved view. Pure functions only: every way in validates what it reads and drops what it cannot use,
 * because URLs and stored views are written by hand, by older versions, or by someone else.
 */

/** `clients.list` takes no input at all, too (`void`): the object form is the one this screen sends. */
export type ListInput = Exclude<NonNullable<Inputs['clients']['list']>, void>;
export type ClientFilterInput = NonNullable<ListInput['filter']>;
export type ClientSort = NonNullable<ListInput['sort']>;
export type SortField = ClientSort['field'];

export const sortFields = [
  'createdAt',
  'updatedAt',
  'displayName',
  'temperatureScore',
] as const satisfies readonly SortField[];
export const DEFAULT_SORT: ClientSort = { field: 'createdAt', direction: 'desc' };

/** A consent condition: the latest consent on this channel for this purpose is granted. */
export type ConsentFilter = { channel: ContactChannel; purpose: ConsentPurpose };

export type FilterState = {
  stage: Stage[];
  temperature: TemperatureLevel[];
  sourceChannel: SourceChannel[];
  batchId: string | null;
  tags: string[];
  /** `any`: no condition; `none`: clients without an owner; otherwise a member's user id. */
  owner: 'any' | 'none' | { id: string };
  city: string;
  segmentId: string | null;
  consent: ConsentFilter | null;
  includeArchived: boolean;
};

export const emptyFilter: FilterState = {
  stage: [],
  temperature: [],
  sourceChannel: [],
  batchId: null,
  tags: [],
  owner: 'any',
  city: '',
  segmentId: null,
  consent: null,
  includeArchived: false,
};

/** The columns the table can show, in their order. */
export const columnKeys = [
  'name',
  'temperature',
  'stage',
  'phone',
  'email',
  'city',
  'source',
  'tags',
  'owner',
  'createdAt',
  'updatedAt',
] as const;
export type ColumnKey = (typeof columnKeys)[number];
export const defaultColumns: readonly ColumnKey[] = [
  'name',
  'temperature',
  'stage',
  'phone',
  'email',
  'city',
  'tags',
  'owner',
  'createdAt',
];

/** Everything a saved view remembers (and a link carries, except the columns). */
export type ListState = {
  q: string;
  filter: FilterState;
  sort: ClientSort;
  columns?: ColumnKey[] | undefined;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TAG_MAX = 100;
const TAGS_MAX = 50;
const CITY_MAX = 200;
const Q_MAX = 200;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

function oneOf<T extends string>(values: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (values as readonly string[]).includes(value);
}

/** The known values of a list, each once, in the vocabulary's order. */
function pick<T extends string>(values: readonly T[], raw: unknown): T[] {
  if (!Array.isArray(raw)) return [];
  return values.filter((v) => raw.includes(v));
}

/** Tags as the list compares them: trimmed, whitespace collapsed, non-empty, each once. */
export function cleanTags(raw: unknown): string[] {
  if (!Array.isArray(raw)) return [];
  const out: string[] = [];
  for (const item of raw) {
    if (typeof item !== 'string') continue;
    const tag = item.trim().replace(/\s+/g, ' ');
    if (tag && tag.length <= TAG_MAX && !out.includes(tag)) out.push(tag);
    if (out.length === TAGS_MAX) break;
  }
  return out;
}

function cleanCity(raw: unknown): string {
  return typeof raw === 'string' ? raw.trim().slice(0, CITY_MAX) : '';
}

/** How many conditions the filter sets (for the "Filters (3)" button). */
export function activeFilterCount(state: FilterState): number {
  return (
    (state.stage.length ? 1 : 0) +
    (state.temperature.length ? 1 : 0) +
    (state.sourceChannel.length ? 1 : 0) +
    (state.batchId ? 1 : 0) +
    (state.tags.length ? 1 : 0) +
    (state.owner === 'any' ? 0 : 1) +
    (state.city.trim() ? 1 : 0) +
    (state.segmentId ? 1 : 0) +
    (state.consent ? 1 : 0) +
    (state.includeArchived ? 1 : 0)
  );
}

/** The `filter` input of `clients.list`; conditions that are not set are left out, and no filter is undefined. */
export function filterStateToInput(state: FilterState): ClientFilterInput | undefined {
  const input: ClientFilterInput = {};
  if (state.stage.length) input.stage = [...state.stage];
  if (state.temperature.length) input.temperature = [...state.temperature];
  if (state.sourceChannel.length) input.sourceChannel = [...state.sourceChannel];
  if (state.batchId) input.batchId = state.batchId;
  const tags = cleanTags(state.tags);
  if (tags.length) input.tags = tags;
  if (state.owner === 'none') input.ownerId = null;
  else if (state.owner !== 'any') input.ownerId = state.owner.id;
  const city = cleanCity(state.city);
  if (city) input.city = city;
  if (state.segmentId) input.segmentId = state.segmentId;
  if (state.consent) input.consent = { ...state.consent };
  if (state.includeArchived) input.includeArchived = true;
  return Object.keys(input).length ? input : undefined;
}

/** Reads a `filter` input (or anything claiming to be one, e.g. from a saved view) back into state. */
export function inputToFilterState(input: unknown): FilterState {
  if (!input || typeof input !== 'object') return { ...emptyFilter };
  const raw = input as Record<string, unknown>;
  const consent = raw.consent as Record<string, unknown> | null | undefined;
  return {
    stage: pick(stages, raw.stage),
    temperature: pick(temperatureLevels, raw.temperature),
    sourceChannel: pick(sourceChannels, raw.sourceChannel),
    batchId: isUuid(raw.batchId) ? raw.batchId : null,
    tags: cleanTags(raw.tags),
    owner: raw.ownerId === null ? 'none' : isUuid(raw.ownerId) ? { id: raw.ownerId } : 'any',
    city: cleanCity(raw.city),
    segmentId: isUuid(raw.segmentId) ? raw.segmentId : null,
    consent:
      consent &&
      typeof consent === 'object' &&
      oneOf(contactChannels, consent.channel) &&
      oneOf(consentPurposes, consent.purpose)
        ? { channel: consent.channel, purpose: consent.purpose }
        : null,
    includeArchived: raw.includeArchived === true,
  };
}

export function parseSort(raw: unknown): ClientSort {
  if (!raw || typeof raw !== 'object') return DEFAULT_SORT;
  const { field, direction } = raw as Record<string, unknown>;
  return oneOf(sortFields, field) && (direction === 'asc' || direction === 'desc')
    ? { field, direction }
    : DEFAULT_SORT;
}

export function parseColumns(raw: unknown): ColumnKey[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const columns = columnKeys.filter((k) => raw.includes(k));
  // The name is the row's link: a table without it could not open a client.
  return columns.includes('name') ? columns : ['name', ...columns];
}

/** The `state` a saved view stores: the API's own filter and sort shapes, plus the search and columns. */
export function listStateToView(state: ListState): {
  q?: string;
  filter?: ClientFilterInput;
  sort?: ClientSort;
  columns?: ColumnKey[];
} {
  const view: ReturnType<typeof listStateToView> = {};
  const q = state.q.trim();
  if (q) view.q = q;
  const filter = filterStateToInput(state.filter);
  if (filter) view.filter = filter;
  view.sort = { ...state.sort };
  if (state.columns) view.columns = [...state.columns];
  return view;
}

/** A saved view's `state` back into list state; whatever does not fit is dropped. */
export function viewToListState(raw: unknown): ListState {
  const view = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  return {
    q: typeof view.q === 'string' ? view.q.trim().slice(0, Q_MAX) : '',
    filter: inputToFilterState(view.filter),
    sort: parseSort(view.sort),
    columns: parseColumns(view.columns),
  };
}

/** Whether two states show the same list (columns aside): a chosen view stays chosen until it differs. */
export function sameList(a: ListState, b: ListState): boolean {
  return (
    a.q.trim() === b.q.trim() &&
    a.sort.field === b.sort.field &&
    a.sort.direction === b.sort.direction &&
    JSON.stringify(filterStateToInput(a.filter) ?? {}) === JSON.stringify(filterStateToInput(b.filter) ?? {})
  );
}

/*
 * URL form: `?q=…&stage=prospect,customer&temperature=hot&source=referral&batch=<uuid>&tag=vip&tag=opt
 * &owner=none|<uuid>&city=Москва&segment=<uuid>&consent=email.marketing&archived=1&sort=displayName.asc`.
 * Tags repeat rather than join, as a tag may contain a comma.
 */
const LIST_SEPARATOR = ',';

function readList<T extends string>(params: URLSearchParams, key: string, values: readonly T[]): T[] {
  const raw = params.getAll(key).flatMap((v) => v.split(LIST_SEPARATOR));
  return pick(values, raw);
}

export function listStateToSearchParams(state: Omit<ListState, 'columns'>): URLSearchParams {
  const params = new URLSearchParams();
  const { filter, sort } = state;
  const q = state.q.trim();
  if (q) params.set('q', q);
  if (filter.stage.length) params.set('stage', filter.stage.join(LIST_SEPARATOR));
  if (filter.temperature.length) params.set('temperature', filter.temperature.join(LIST_SEPARATOR));
  if (filter.sourceChannel.length) params.set('source', filter.sourceChannel.join(LIST_SEPARATOR));
  if (filter.batchId) params.set('batch', filter.batchId);
  for (const tag of cleanTags(filter.tags)) params.append('tag', tag);
  if (filter.owner === 'none') params.set('owner', 'none');
  else if (filter.owner !== 'any') params.set('owner', filter.owner.id);
  const city = cleanCity(filter.city);
  if (city) params.set('city', city);
  if (filter.segmentId) params.set('segment', filter.segmentId);
  if (filter.consent) params.set('consent', `${filter.consent.channel}.${filter.consent.purpose}`);
  if (filter.includeArchived) params.set('archived', '1');
  if (sort.field !== DEFAULT_SORT.field || sort.direction !== DEFAULT_SORT.direction) {
    params.set('sort', `${sort.field}.${sort.direction}`);
  }
  return params;
}

export function searchParamsToListState(params: URLSearchParams): Omit<ListState, 'columns'> {
  const owner = params.get('owner');
  const batch = params.get('batch');
  const segment = params.get('segment');
  const [channel, purpose] = (params.get('consent') ?? '').split('.');
  const [field, direction] = (params.get('sort') ?? '').split('.');
  return {
    q: (params.get('q') ?? '').trim().slice(0, Q_MAX),
    filter: {
      stage: readList(params, 'stage', stages),
      temperature: readList(params, 'temperature', temperatureLevels),
      sourceChannel: readList(params, 'source', sourceChannels),
      batchId: isUuid(batch) ? batch : null,
      tags: cleanTags(params.getAll('tag')),
      owner: owner === 'none' ? 'none' : isUuid(owner) ? { id: owner } : 'any',
      city: cleanCity(params.get('city')),
      segmentId: isUuid(segment) ? segment : null,
      consent:
        oneOf(contactChannels, channel) && oneOf(consentPurposes, purpose) ? { channel, purpose } : null,
      includeArchived: params.get('archived') === '1',
    },
    sort: parseSort({ field, direction }),
  };
}

/** The next sort when a column header is clicked: the same field flips, a new one starts in its natural order. */
export function nextSort(current: ClientSort | undefined, field: SortField): ClientSort {
  if (current?.field === field) return { field, direction: current.direction === 'asc' ? 'desc' : 'asc' };
  return { field, direction: field === 'displayName' ? 'asc' : 'desc' };
}
