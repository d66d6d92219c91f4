import type { DateOrder } from '@cb/domain';
import { label } from '@cb/domain/i18n';
import { phoneTypes } from '@cb/domain/vocabulary';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocale } from '../../i18n/format.ts';
import { type ImportColumn, type ImportTarget, importFieldKeys } from './api.ts';
import { DateOrderSelect } from './date-order.tsx';

export type CustomFieldChoice = { key: string; label: string };

/** A target as the value of a `<select>` option: `field:city`, `phone`, `phone:mobile`, `email`, `custom:key`. */
export function targetToValue(target: ImportTarget | null): string {
  if (!target) return '';
  switch (target.kind) {
    case 'field':
      return `field:${target.field}`;
    case 'phone':
      return target.type ? `phone:${target.type}` : 'phone';
    case 'email':
      return 'email';
    case 'custom':
      return `custom:${target.key}`;
    default: {
      const never: never = target;
      return never;
    }
  }
}

export function valueToTarget(value: string): ImportTarget | null {
  const [kind, rest] = value.split(/:(.*)/s, 2) as [string, string | undefined];
  if (kind === 'field') {
    const field = importFieldKeys.find((f) => f === rest);
    return field ? { kind: 'field', field } : null;
  }
  if (kind === 'phone') {
    const type = phoneTypes.find((p) => p === rest);
    return type ? { kind: 'phone', type } : { kind: 'phone' };
  }
  if (kind === 'email') return { kind: 'email' };
  if (kind === 'custom' && rest) return { kind: 'custom', key: rest };
  return null;
}

/** How many sample values to show beside each column. */
const SAMPLE_VALUES = 3;

/**
 * The column → field table: one row per column of the file with its header, a few sample values
 * and the field it fills, under the order the file's dates are read in. Issues arrive by path
 * (`mapping.3.target`) and are shown on their row.
 */
export function MappingEditor({
  mapping,
  sample,
  customFields,
  issues,
  dateOrder,
  disabled,
  onChange,
  onDateOrderChange,
}: {
  mapping: ImportColumn[];
  sample: string[][];
  customFields: CustomFieldChoice[];
  issues: Record<string, string>;
  dateOrder: DateOrder;
  disabled: boolean;
  onChange: (mapping: ImportColumn[]) => void;
  onDateOrderChange: (order: DateOrder) => void;
}) {
  const { t } = useTranslation('imports');
  const locale = useLocale();
  const id = useId();
  return (
    <>
      <DateOrderSelect value={dateOrder} disabled={disabled} onChange={onDateOrderChange} />
      <div className="import-table-wrap">
        <table className="data import-mapping" data-testid="import-mapping">
          <caption className="sr-only">{t('mapping.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('mapping.column')}</th>
              <th scope="col">{t('mapping.sample')}</th>
              <th scope="col">{t('mapping.target')}</th>
            </tr>
          </thead>
          <tbody>
            {mapping.map((col, index) => {
              const header = col.header.trim() || t('mapping.noHeader', { n: col.column + 1 });
              const error = issues[`mapping.${index}.target`] ?? issues[`mapping.${index}`];
              const errorId = `${id}-${index}-error`;
              const values = sample
                .map((row) => row[col.column] ?? '')
                .filter((v) => v.trim() !== '')
                .slice(0, SAMPLE_VALUES);
              return (
                <tr key={col.column} data-testid="mapping-row">
                  <th scope="row">{header}</th>
                  <td className="import-sample">
                    {values.length ? (
                      <ul className="plain-list">
                        {values.map((v, i) => (
                          <li key={`${i}:${v}`}>{v}</li>
                        ))}
                      </ul>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td>
                    <select
                      aria-label={t('mapping.targetFor', { header })}
                      aria-invalid={error ? true : undefined}
                      aria-describedby={error ? errorId : undefined}
                      value={targetToValue(col.target)}
                      disabled={disabled}
                      onChange={(e) => {
                        const next = mapping.slice();
                        next[index] = { ...col, target: valueToTarget(e.target.value) };
                        onChange(next);
                      }}
                    >
                      <option value="">{t('mapping.ignore')}</option>
                      <optgroup label={t('mapping.groupFields')}>
                        {importFieldKeys.map((f) => (
                          <option key={f} value={`field:${f}`}>
                            {t(`field.${f}`)}
                          </option>
                        ))}
                      </optgroup>
                      <optgroup label={t('mapping.groupContacts')}>
                        <option value="phone">{t('mapping.phone')}</option>
                        {phoneTypes.map((p) => (
                          <option key={p} value={`phone:${p}`}>
                            {t('mapping.phoneTyped', { type: label('phoneType', p, locale) })}
                          </option>
                        ))}
                        <option value="email">{t('mapping.email')}</option>
                      </optgroup>
                      {customFields.length ? (
                        <optgroup label={t('mapping.groupCustom')}>
                          {customFields.map((f) => (
                            <option key={f.key} value={`custom:${f.key}`}>
                              {f.label}
                            </option>
                          ))}
                        </optgroup>
                      ) : null}
                    </select>
                    {error ? (
                      <span id={errorId} className="field-error">
                        {error}
                      </span>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
