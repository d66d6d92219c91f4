/**
 * Custom fields: a workspace defines extra typed fields for its clients (`size`, `loyalty_level`).
 * Values are checked against the definitions here, once, so stored values always fit their type.
 */
import { z } from 'zod';
import type { CustomValue } from '../facts.ts';
import { isIsoDate } from '../normalize/date.ts';
import { type FieldIssue, fail, issue, ok, type Result } from '../result.ts';
import { customFieldTypes } from '../vocabulary.ts';

export const CUSTOM_TEXT_MAX = 2000;

export const ZCustomFieldDefinition = z
  .object({
    /** Stable storage key; a slug so it can also be a JSON key and a segment-rule operand. */
    key: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'key must be a lowercase slug'),
    label: z.string().trim().min(1).max(200),
    type: z.enum(customFieldTypes),
    options: z.array(z.string().trim().min(1).max(200)).optional(),
    required: z.boolean().optional(),
  })
  .superRefine((def, ctx) => {
    if (def.type !== 'one_of') return;
    if (!def.options || def.options.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'one_of needs at least one option' });
    } else if (new Set(def.options).size !== def.options.length) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'options must be unique' });
    }
  });
export type CustomFieldDefinition = z.infer<typeof ZCustomFieldDefinition>;

/**
 * `full`: the values are the whole record, so a required field that is absent is an issue.
 * `patch`: only the given keys change, so absence means "unchanged" (null still clears and is
 * refused for a required field).
 */
export type CustomFieldsMode = 'full' | 'patch';

type Checked = { value: CustomValue } | { issue: FieldIssue };

function checkValue(def: CustomFieldDefinition, raw: unknown, path: string): Checked {
  const wrongType = (expected: string): Checked => ({
    issue: issue(path, 'custom_type', `${def.label} must be ${expected}`),
  });
  switch (def.type) {
    case 'text': {
      if (typeof raw !== 'string') return wrongType('text');
      const text = raw.trim();
      if (text.length > CUSTOM_TEXT_MAX) {
        return { issue: issue(path, 'custom_too_long', `${def.label} is longer than ${CUSTOM_TEXT_MAX}`) };
      }
      // An empty text is no value: storing '' would make "is set" rules lie.
      return { value: text === '' ? null : text };
    }
    case 'number':
      return typeof raw === 'number' && Number.isFinite(raw) ? { value: raw } : wrongType('a finite number');
    case 'date':
      if (typeof raw !== 'string') return wrongType('a date YYYY-MM-DD');
      return isIsoDate(raw)
        ? { value: raw }
        : { issue: issue(path, 'custom_date', `${def.label}: ${raw} is not a calendar date YYYY-MM-DD`) };
    case 'boolean':
      return typeof raw === 'boolean' ? { value: raw } : wrongType('true or false');
    case 'one_of':
      if (typeof raw !== 'string') return wrongType('one of the options');
      return def.options?.includes(raw.trim())
        ? { value: raw.trim() }
        : { issue: issue(path, 'custom_option', `${def.label}: "${raw}" is not one of the options`) };
  }
}

/** Validates all values at once and returns every issue, each at `custom.<key>`. */
export function validateCustomFields(
  values: Record<string, unknown>,
  defs: CustomFieldDefinition[],
  field = 'custom',
  mode: CustomFieldsMode = 'full',
): Result<Record<string, CustomValue>, FieldIssue[]> {
  const byKey = new Map(defs.map((d) => [d.key, d]));
  const out: Record<string, CustomValue> = {};
  const issues: FieldIssue[] = [];
  const required = (def: CustomFieldDefinition, path: string) =>
    issues.push(issue(path, 'custom_required', `${def.label} is required`));

  for (const [key, raw] of Object.entries(values)) {
    const path = `${field}.${key}`;
    const def = byKey.get(key);
    if (!def) {
      issues.push(issue(path, 'custom_unknown', `There is no custom field "${key}"`));
      continue;
    }
    const checked: Checked = raw === null || raw === undefined ? { value: null } : checkValue(def, raw, path);
    if ('issue' in checked) issues.push(checked.issue);
    else if (checked.value === null && def.required) required(def, path);
    else out[key] = checked.value;
  }
  if (mode === 'full') {
    for (const def of defs) {
      if (def.required && !Object.hasOwn(values, def.key)) required(def, `${field}.${def.key}`);
    }
  }
  return issues.length > 0 ? fail(issues) : ok(out);
}
