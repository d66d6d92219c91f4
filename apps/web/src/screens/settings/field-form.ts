import { type CustomFieldDefinition, type CustomFieldType, ZCustomFieldDefinition } from '@cb/domain';

/** The custom field form as typed: the options of a one_of field are one per line. */
export type FieldFormState = {
  key: string;
  label: string;
  type: CustomFieldType;
  options: string;
  required: boolean;
};

export type FieldFormIssueCode =
  | 'keyFormat'
  | 'keyTaken'
  | 'labelRequired'
  | 'labelTooLong'
  | 'optionsRequired'
  | 'optionsUnique'
  | 'optionTooLong'
  | 'invalid';

export type FieldFormIssues = Partial<Record<'key' | 'label' | 'type' | 'options', FieldFormIssueCode>>;

export const emptyFieldForm: FieldFormState = {
  key: '',
  label: '',
  type: 'text',
  options: '',
  required: false,
};

export function fieldFormFrom(def: {
  key: string;
  label: string;
  type: CustomFieldType;
  options?: string[] | null;
  required?: boolean | null;
}): FieldFormState {
  return {
    key: def.key,
    label: def.label,
    type: def.type,
    options: (def.options ?? []).join('\n'),
    required: def.required ?? false,
  };
}

export function splitOptions(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** The definition the API takes; options only for a one_of field. */
export function toFieldDefinition(state: FieldFormState): CustomFieldDefinition {
  return {
    key: state.key.trim(),
    label: state.label.trim(),
    type: state.type,
    ...(state.type === 'one_of' ? { options: splitOptions(state.options) } : {}),
    required: state.required,
  };
}

/**
 * Checks the form with the domain's schema and says what is wrong per input. `takenKeys` are the
 * workspace's existing keys: defining one of them again would quietly change that field instead.
 */
export function validateFieldForm(
  state: FieldFormState,
  takenKeys: readonly string[] = [],
): { ok: true; definition: CustomFieldDefinition } | { ok: false; issues: FieldFormIssues } {
  const definition = toFieldDefinition(state);
  const issues: FieldFormIssues = {};
  const parsed = ZCustomFieldDefinition.safeParse(definition);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? '');
      if (field === 'key') issues.key ??= 'keyFormat';
      else if (field === 'label')
        issues.label ??= issue.code === 'too_big' ? 'labelTooLong' : 'labelRequired';
      else if (field === 'options') {
        const options = definition.options ?? [];
        issues.options ??=
          options.length === 0
            ? 'optionsRequired'
            : new Set(options).size !== options.length
              ? 'optionsUnique'
              : 'optionTooLong';
      } else if (field === 'type') issues.type ??= 'invalid';
    }
  }
  if (!issues.key && takenKeys.includes(definition.key)) issues.key = 'keyTaken';
  if (Object.keys(issues).length > 0) return { ok: false, issues };
  return { ok: true, definition: parsed.success ? parsed.data : definition };
}
