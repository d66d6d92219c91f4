import { describe, expect, it } from 'vitest';
import { emptyFieldForm, fieldFormFrom, toFieldDefinition, validateFieldForm } from './field-form.ts';

const form = (changes: Partial<typeof emptyFieldForm>) => ({
  ...emptyFieldForm,
  key: 'size',
  label: 'Размер',
  ...changes,
});

describe('custom field form', () => {
  it('sends options (one per line, trimmed, blank lines dropped) only for a one_of field', () => {
    expect(toFieldDefinition(form({ type: 'one_of', options: ' Малый \n\nСредний\n Крупный ' }))).toEqual({
      key: 'size',
      label: 'Размер',
      type: 'one_of',
      options: ['Малый', 'Средний', 'Крупный'],
      required: false,
    });
    expect(toFieldDefinition(form({ type: 'number', options: 'left over', required: true }))).toEqual({
      key: 'size',
      label: 'Размер',
      type: 'number',
      required: true,
    });
  });

  it('opens an existing definition with its options as lines', () => {
    expect(
      fieldFormFrom({ key: 'tier', label: 'Уровень', type: 'one_of', options: ['A', 'B'], required: null }),
    ).toEqual({ key: 'tier', label: 'Уровень', type: 'one_of', options: 'A\nB', required: false });
  });

  it.each([
    [{ key: 'Size' }, { key: 'keyFormat' }],
    [{ key: '1size' }, { key: 'keyFormat' }],
    [{ key: 'размер' }, { key: 'keyFormat' }],
    [{ label: '   ' }, { label: 'labelRequired' }],
    [{ label: 'x'.repeat(201) }, { label: 'labelTooLong' }],
    [{ type: 'one_of' as const, options: '\n \n' }, { options: 'optionsRequired' }],
    [{ type: 'one_of' as const, options: 'A\nB\nA' }, { options: 'optionsUnique' }],
    [{ type: 'one_of' as const, options: `A\n${'y'.repeat(201)}` }, { options: 'optionTooLong' }],
  ])('names what is wrong with %j', (changes, issues) => {
    expect(validateFieldForm(form(changes))).toEqual({ ok: false, issues });
  });

  it('refuses a key that is already defined (defining it again would change that field)', () => {
    expect(validateFieldForm(form({}), ['size'])).toEqual({ ok: false, issues: { key: 'keyTaken' } });
    expect(validateFieldForm(form({ key: ' size ' }), ['size'])).toEqual({
      ok: false,
      issues: { key: 'keyTaken' },
    });
  });

  it('accepts a valid definition', () => {
    expect(
      validateFieldForm(form({ type: 'one_of', options: 'S\nM\nL', required: true }), ['other']),
    ).toEqual({
      ok: true,
      definition: { key: 'size', label: 'Размер', type: 'one_of', options: ['S', 'M', 'L'], required: true },
    });
  });
});
