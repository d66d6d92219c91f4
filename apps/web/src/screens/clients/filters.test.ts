import { describe, expect, it } from 'vitest';
import {
  activeFilterCount,
  type ClientFilterInput,
  DEFAULT_SORT,
  emptyFilter,
  type FilterState,
  filterStateToInput,
  inputToFilterState,
  type ListState,
  listStateToSearchParams,
  listStateToView,
  nextSort,
  parseColumns,
  sameList,
  searchParamsToListState,
  viewToListState,
} from './filters.ts';

const OWNER = '0b6f6c1e-5f7c-4c55-9d8e-0d6a3c1f2a10';
const SEGMENT = '5a1d3e2f-8b9c-4d0e-a1f2-3b4c5d6e7f80';
const BATCH = '9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';

const full: FilterState = {
  stage: ['prospect', 'customer'],
  temperature: ['hot'],
  sourceChannel: ['referral', 'web_form'],
  batchId: BATCH,
  tags: ['vip', 'опт, розница'],
  owner: { id: OWNER },
  city: 'Нижний Новгород',
  segmentId: SEGMENT,
  consent: { channel: 'email', purpose: 'marketing' },
  includeArchived: true,
};

describe('filterStateToInput', () => {
  it.each<[string, Partial<FilterState>, ClientFilterInput | undefined]>([
    ['no conditions: no filter at all', {}, undefined],
    ['stages', { stage: ['lapsed'] }, { stage: ['lapsed'] }],
    ['temperature', { temperature: ['cold', 'warm'] }, { temperature: ['cold', 'warm'] }],
    ['source channels', { sourceChannel: ['purchased_list'] }, { sourceChannel: ['purchased_list'] }],
    ['a batch', { batchId: BATCH }, { batchId: BATCH }],
    [
      'tags, trimmed, collapsed, each once',
      { tags: [' vip ', 'vip', 'b2b  клиенты', ' '] },
      { tags: ['vip', 'b2b клиенты'] },
    ],
    ['an owner', { owner: { id: OWNER } }, { ownerId: OWNER }],
    ['no owner is null, not absent', { owner: 'none' }, { ownerId: null }],
    ['a city, trimmed', { city: '  Казань ' }, { city: 'Казань' }],
    ['a blank city is no condition', { city: '   ' }, undefined],
    ['a segment', { segmentId: SEGMENT }, { segmentId: SEGMENT }],
    [
      'a consent',
      { consent: { channel: 'sms', purpose: 'service' } },
      { consent: { channel: 'sms', purpose: 'service' } },
    ],
    ['archived shown', { includeArchived: true }, { includeArchived: true }],
    ['archived hidden is the default, left out', { includeArchived: false }, undefined],
  ])('%s', (_name, patch, expected) => {
    expect(filterStateToInput({ ...emptyFilter, ...patch })).toEqual(expected);
  });

  it('maps every condition at once', () => {
    expect(filterStateToInput(full)).toEqual({
      stage: ['prospect', 'customer'],
      temperature: ['hot'],
      sourceChannel: ['referral', 'web_form'],
      batchId: BATCH,
      tags: ['vip', 'опт, розница'],
      ownerId: OWNER,
      city: 'Нижний Новгород',
      segmentId: SEGMENT,
      consent: { channel: 'email', purpose: 'marketing' },
      includeArchived: true,
    });
  });
});

describe('inputToFilterState', () => {
  it('is the inverse of filterStateToInput', () => {
    expect(inputToFilterState(filterStateToInput(full))).toEqual(full);
    expect(inputToFilterState(filterStateToInput(emptyFilter))).toEqual(emptyFilter);
    expect(inputToFilterState({ ownerId: null })).toEqual({ ...emptyFilter, owner: 'none' });
  });

  it.each<[string, unknown, Partial<FilterState>]>([
    ['nothing', undefined, {}],
    ['not an object', 'stage=hot', {}],
    [
      'unknown stages and temperatures dropped, order from the vocabulary',
      { stage: ['customer', 'vip', 'prospect'], temperature: ['boiling'] },
      { stage: ['prospect', 'customer'] },
    ],
    ['a batch that is not a uuid', { batchId: '1; drop table clients' }, {}],
    ['an owner that is not a uuid is no condition', { ownerId: 'me' }, {}],
    ['tags that are not strings', { tags: ['vip', 42, null, ''] }, { tags: ['vip'] }],
    ['a half consent', { consent: { channel: 'email' } }, {}],
    ['a consent on an unknown channel', { consent: { channel: 'pigeon', purpose: 'marketing' } }, {}],
    ['archived only when exactly true', { includeArchived: 'yes' }, {}],
  ])('drops what does not fit: %s', (_name, input, expected) => {
    expect(inputToFilterState(input)).toEqual({ ...emptyFilter, ...expected });
  });
});

describe('URL search params', () => {
  const state: Omit<ListState, 'columns'> = {
    q: 'Иванов',
    filter: full,
    sort: { field: 'displayName', direction: 'asc' },
  };

  it('round-trips every condition, the search and the sort', () => {
    const params = listStateToSearchParams(state);
    expect(searchParamsToListState(new URLSearchParams(params.toString()))).toEqual(state);
  });

  it('writes a short, readable link', () => {
    const params = listStateToSearchParams({
      q: '',
      filter: { ...emptyFilter, stage: ['customer', 'lapsed'], tags: ['vip', 'a,b'], owner: 'none' },
      sort: DEFAULT_SORT,
    });
    expect(params.toString()).toBe('stage=customer%2Clapsed&tag=vip&tag=a%2Cb&owner=none');
  });

  it('an empty state is an empty query string (the default sort is not written)', () => {
    expect(listStateToSearchParams({ q: '  ', filter: emptyFilter, sort: DEFAULT_SORT }).toString()).toBe('');
  });

  it.each<[string, string, Partial<FilterState>]>([
    [
      'unknown values',
      'stage=customer,nope&temperature=lava&source=referral',
      { stage: ['customer'], sourceChannel: ['referral'] },
    ],
    ['a malformed owner', 'owner=42', {}],
    ['a malformed consent', 'consent=email', {}],
    ['archived other than 1', 'archived=true', {}],
    ['repeated lists', 'stage=customer&stage=lapsed', { stage: ['customer', 'lapsed'] }],
  ])('reads a hand-written URL safely: %s', (_name, query, expected) => {
    expect(searchParamsToListState(new URLSearchParams(query)).filter).toEqual({
      ...emptyFilter,
      ...expected,
    });
  });

  it.each([
    ['sort=displayName.asc', { field: 'displayName', direction: 'asc' }],
    ['sort=temperatureScore.desc', { field: 'temperatureScore', direction: 'desc' }],
    ['sort=phone.asc', DEFAULT_SORT],
    ['sort=createdAt.sideways', DEFAULT_SORT],
    ['', DEFAULT_SORT],
  ])('sort from %s', (query, expected) => {
    expect(searchParamsToListState(new URLSearchParams(query)).sort).toEqual(expected);
  });
});

describe('saved view state', () => {
  it('stores the API filter and sort, and reads them back', () => {
    const list: ListState = {
      q: ' +7 916 123-45-67 ',
      filter: { ...emptyFilter, temperature: ['hot'], owner: 'none' },
      sort: { field: 'temperatureScore', direction: 'desc' },
      columns: ['name', 'phone', 'temperature'],
    };
    const view = listStateToView(list);
    expect(view).toEqual({
      q: '+7 916 123-45-67',
      filter: { temperature: ['hot'], ownerId: null },
      sort: { field: 'temperatureScore', direction: 'desc' },
      columns: ['name', 'phone', 'temperature'],
    });
    // Columns come back in the table's order.
    expect(viewToListState(view)).toEqual({
      ...list,
      q: '+7 916 123-45-67',
      columns: ['name', 'temperature', 'phone'],
    });
  });

  it('reads a view from another version without breaking', () => {
    expect(
      viewToListState({ q: 7, filter: { stage: 'hot' }, sort: { field: 'rfm' }, columns: ['rfm'] }),
    ).toEqual({
      q: '',
      filter: emptyFilter,
      sort: DEFAULT_SORT,
      columns: ['name'],
    });
    expect(viewToListState(null)).toEqual({
      q: '',
      filter: emptyFilter,
      sort: DEFAULT_SORT,
      columns: undefined,
    });
  });

  it('a chosen view still matches after a round trip, and stops matching after a change', () => {
    const list: ListState = { q: '', filter: full, sort: DEFAULT_SORT };
    const saved = viewToListState(listStateToView(list));
    expect(sameList(saved, list)).toBe(true);
    expect(sameList(saved, { ...list, filter: { ...full, includeArchived: false } })).toBe(false);
    expect(sameList(saved, { ...list, q: 'x' })).toBe(false);
    expect(sameList(saved, { ...list, sort: { field: 'createdAt', direction: 'asc' } })).toBe(false);
  });
});

describe('helpers', () => {
  it('counts the conditions set', () => {
    expect(activeFilterCount(emptyFilter)).toBe(0);
    expect(activeFilterCount(full)).toBe(10);
    expect(activeFilterCount({ ...emptyFilter, city: '  ' })).toBe(0);
  });

  it.each([
    [undefined, 'displayName', { field: 'displayName', direction: 'asc' }],
    [undefined, 'createdAt', { field: 'createdAt', direction: 'desc' }],
    [{ field: 'displayName', direction: 'asc' }, 'displayName', { field: 'displayName', direction: 'desc' }],
    [
      { field: 'temperatureScore', direction: 'desc' },
      'temperatureScore',
      { field: 'temperatureScore', direction: 'asc' },
    ],
    [{ field: 'displayName', direction: 'desc' }, 'updatedAt', { field: 'updatedAt', direction: 'desc' }],
  ] as const)('nextSort(%j, %s)', (current, field, expected) => {
    expect(nextSort(current, field)).toEqual(expected);
  });

  it('columns always include the name, in the table order', () => {
    expect(parseColumns(['email', 'bogus', 'phone'])).toEqual(['name', 'phone', 'email']);
    expect(parseColumns('name')).toBeUndefined();
  });
});
