import { describe, expect, it } from 'vitest';
import type { ClientInput, ClientPatch } from './client.ts';
import { normalizeClient } from './normalize-client.ts';
import { mergeClientPatch, toClientInput } from './patch.ts';

const ctx = {
  defaultRegion: 'RU',
  customFields: [
    { key: 'size', label: 'Size', type: 'one_of' as const, options: ['S', 'M'] },
    { key: 'segment', label: 'Segment', type: 'text' as const, required: true },
  ],
  now: new Date('2026-03-12T10:00:00Z'),
};
const current: ClientInput = {
  kind: 'person',
  lastName: 'Иванов',
  firstName: 'Иван',
  patronymic: 'Иванович',
  city: 'Москва',
  phones: [{ number: '+79161234567' }],
  custom: { size: 'S', segment: 'retail' },
};

describe('mergeClientPatch', () => {
  it.each<[string, ClientPatch, Partial<ClientInput> & Record<string, unknown>]>([
    ['absent keys stay', { kind: 'person' }, { lastName: 'Иванов', city: 'Москва' }],
    ['a value replaces', { kind: 'person', city: 'Тверь' }, { city: 'Тверь' }],
    [
      'null clears',
      { kind: 'person', city: null, patronymic: null },
      { city: undefined, patronymic: undefined },
    ],
    ['lists are replaced', { kind: 'person', phones: [] }, { phones: [] }],
    [
      'custom merges by key',
      { kind: 'person', custom: { size: 'M' } },
      { custom: { size: 'M', segment: 'retail' } },
    ],
    [
      'custom null clears a key',
      { kind: 'person', custom: { size: null } },
      { custom: { segment: 'retail' } },
    ],
  ])('%s', (_name, patch, expected) => {
    const r = mergeClientPatch(current, patch);
    expect(r.ok).toBe(true);
    if (r.ok)
      expect(r.value).toMatchObject(
        Object.fromEntries(Object.entries(expected).filter(([, v]) => v !== undefined)),
      );
    if (r.ok)
      for (const [k, v] of Object.entries(expected))
        if (v === undefined) expect(r.value).not.toHaveProperty(k);
  });

  it('refuses to change the kind', () => {
    expect(mergeClientPatch(current, { kind: 'company', legalName: 'ООО Ромашка' })).toEqual({
      ok: false,
      error: [expect.objectContaining({ field: 'kind', code: 'kind_immutable' })],
    });
  });

  it('lets normalizeClient catch a cleared required custom field', () => {
    const merged = mergeClientPatch(current, { kind: 'person', custom: { segment: null } });
    if (!merged.ok) throw new Error('merge failed');
    expect(normalizeClient(merged.value, ctx)).toEqual({
      ok: false,
      error: [expect.objectContaining({ field: 'custom.segment', code: 'custom_required' })],
    });
  });
});

describe('toClientInput', () => {
  it.each<[string, ClientInput]>([
    [
      'person',
      {
        ...current,
        birthday: '1990-01-01',
        emails: [{ address: 'a@b.ru', verifiedAt: '2026-01-01T00:00:00.000Z' }],
      },
    ],
    [
      'company',
      {
        kind: 'company',
        legalName: 'АО Вектор',
        inn: '7707083893',
        kpp: '773601001',
        tags: ['опт'],
        custom: { segment: 'b2b' },
      },
    ],
  ])('round-trips a %s through normalizeClient', (_name, input) => {
    const first = normalizeClient(input, ctx);
    if (!first.ok) throw new Error(JSON.stringify(first.error));
    expect(normalizeClient(toClientInput(first.value), ctx)).toEqual(first);
  });
});
