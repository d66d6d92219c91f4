import { describe, expect, it } from 'vitest';
import { type CustomFieldDefinition, validateCustomFields, ZCustomFieldDefinition } from './custom-fields.ts';

const defs: CustomFieldDefinition[] = [
  { key: 'size', label: 'Size', type: 'one_of', options: ['S', 'M', 'L'] },
  { key: 'note', label: 'Note', type: 'text' },
  { key: 'visits', label: 'Visits', type: 'number' },
  { key: 'first_visit', label: 'First visit', type: 'date' },
  { key: 'vip', label: 'VIP', type: 'boolean' },
  { key: 'segment', label: 'Segment', type: 'text', required: true },
];

describe('ZCustomFieldDefinition', () => {
  it.each([
    [{ key: 'size', label: 'Размер', type: 'one_of', options: ['S'] }],
    [{ key: 'a', label: 'A', type: 'text' }],
    [{ key: `a${'b'.repeat(62)}`, label: 'Long', type: 'number', required: true }],
    [{ key: 'loyalty_level_2', label: 'L', type: 'boolean' }],
  ])('accepts %j', (def) => {
    expect(ZCustomFieldDefinition.safeParse(def).success).toBe(true);
  });

  it.each([
    [{ key: 'Size', label: 'S', type: 'text' }],
    [{ key: '1size', label: 'S', type: 'text' }],
    [{ key: 'size-x', label: 'S', type: 'text' }],
    [{ key: `a${'b'.repeat(63)}`, label: 'S', type: 'text' }],
    [{ key: 'size', label: ' ', type: 'text' }],
    [{ key: 'size', label: 'S', type: 'colour' }],
    [{ key: 'size', label: 'S', type: 'one_of' }],
    [{ key: 'size', label: 'S', type: 'one_of', options: [] }],
    [{ key: 'size', label: 'S', type: 'one_of', options: ['S', 'S'] }],
  ])('refuses %j', (def) => {
    expect(ZCustomFieldDefinition.safeParse(def).success).toBe(false);
  });
});

describe('validateCustomFields', () => {
  it.each([
    [{ size: 'M' }, { size: 'M' }],
    [{ size: ' L ' }, { size: 'L' }],
    [{ note: '  hello  ' }, { note: 'hello' }],
    [{ note: '   ' }, { note: null }],
    [{ note: 'x'.repeat(2000) }, { note: 'x'.repeat(2000) }],
    [{ visits: 0 }, { visits: 0 }],
    [{ visits: -2.5 }, { visits: -2.5 }],
    [{ first_visit: '2024-02-29' }, { first_visit: '2024-02-29' }],
    [{ vip: false }, { vip: false }],
    [
      { vip: null, size: null },
      { vip: null, size: null },
    ],
    [{}, {}],
  ])('%j → %j', (values, expected) => {
    expect(validateCustomFields({ segment: 'retail', ...values }, defs)).toEqual({
      ok: true,
      value: { segment: 'retail', ...expected },
    });
  });

  it.each([
    [{ colour: 'red' }, 'custom.colour', 'custom_unknown'],
    [{ size: 'XL' }, 'custom.size', 'custom_option'],
    [{ size: 1 }, 'custom.size', 'custom_type'],
    [{ note: 42 }, 'custom.note', 'custom_type'],
    [{ note: 'x'.repeat(2001) }, 'custom.note', 'custom_too_long'],
    [{ visits: '3' }, 'custom.visits', 'custom_type'],
    [{ visits: Number.NaN }, 'custom.visits', 'custom_type'],
    [{ visits: Number.POSITIVE_INFINITY }, 'custom.visits', 'custom_type'],
    [{ first_visit: '2023-02-29' }, 'custom.first_visit', 'custom_date'],
    [{ first_visit: '2023-13-01' }, 'custom.first_visit', 'custom_date'],
    [{ first_visit: '01.02.2023' }, 'custom.first_visit', 'custom_date'],
    [{ first_visit: 20230201 }, 'custom.first_visit', 'custom_type'],
    [{ vip: 'true' }, 'custom.vip', 'custom_type'],
    [{ vip: 1 }, 'custom.vip', 'custom_type'],
    [{ segment: null }, 'custom.segment', 'custom_required'],
    [{ segment: '  ' }, 'custom.segment', 'custom_required'],
  ])('%j → %s %s', (values, field, code) => {
    const r = validateCustomFields({ segment: 'retail', ...values }, defs);
    expect(r).toEqual({ ok: false, error: [expect.objectContaining({ field, code })] });
  });

  it('reports a missing required field in full mode only', () => {
    expect(validateCustomFields({ size: 'S' }, defs)).toEqual({
      ok: false,
      error: [expect.objectContaining({ field: 'custom.segment', code: 'custom_required' })],
    });
    expect(validateCustomFields({ size: 'S' }, defs, 'custom', 'patch')).toEqual({
      ok: true,
      value: { size: 'S' },
    });
  });

  it('returns every issue at once, under the given path', () => {
    const r = validateCustomFields({ size: 'XL', vip: 'yes', colour: 1 }, defs, 'clients.3.custom');
    expect(r.ok ? [] : r.error.map((i) => `${i.field}:${i.code}`)).toEqual([
      'clients.3.custom.size:custom_option',
      'clients.3.custom.vip:custom_type',
      'clients.3.custom.colour:custom_unknown',
      'clients.3.custom.segment:custom_required',
    ]);
  });
});
