import { type KeyboardEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A list of free-text values (tags, cities, ids) as removable chips: type and press Enter (or the
 * Add button) to add one. Values are kept exactly as typed apart from surrounding spaces, because
 * rules compare tags exactly.
 */
export function TokenInput({
  label,
  values,
  onChange,
  placeholder,
  invalid,
  describedBy,
  disabled,
}: {
  label: string;
  values: readonly string[];
  onChange: (values: string[]) => void;
  placeholder?: string;
  invalid?: boolean;
  describedBy?: string | undefined;
  disabled?: boolean;
}) {
  const { t } = useTranslation('segments');
  const id = useId();
  const [text, setText] = useState('');
  const add = () => {
    const value = text.trim();
    if (value === '') return;
    if (!values.includes(value)) onChange([...values, value]);
    setText('');
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      add();
    } else if (e.key === 'Backspace' && text === '' && values.length > 0) {
      onChange(values.slice(0, -1));
    }
  };
  return (
    <div className="rb-tokens">
      {values.length > 0 ? (
        <ul className="rb-token-list" aria-label={label}>
          {values.map((v) => (
            <li key={v} className="rb-token">
              <span>{v}</span>
              <button
                type="button"
                className="rb-token-remove"
                onClick={() => onChange(values.filter((x) => x !== v))}
                aria-label={t('builder.tokenRemove', { value: v })}
                disabled={disabled}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <span className="rb-token-entry">
        <input
          id={id}
          type="text"
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKeyDown}
          onBlur={add}
          placeholder={placeholder}
          aria-label={label}
          aria-invalid={invalid ? true : undefined}
          aria-describedby={describedBy}
          title={t('builder.tokenHint')}
          disabled={disabled}
          size={Math.max(8, (placeholder ?? '').length)}
        />
        <button
          type="button"
          className="btn btn-small"
          onClick={add}
          disabled={disabled || text.trim() === ''}
        >
          {t('builder.tokenAdd')}
        </button>
      </span>
    </div>
  );
}
