import { type DateOrder, type PurchaseField, purchasePriceFields, requiredPurchaseFields } from '@cb/domain';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { DateOrderSelect } from './date-order.tsx';
import { type PurchaseAssignment, purchaseFieldKeys } from './purchase-mapping.ts';

/** How many sample values to show for the chosen column. */
const SAMPLE_VALUES = 3;

const isRequired = (field: PurchaseField) =>
  (requiredPurchaseFields as readonly PurchaseField[]).includes(field);
const isPriceOrAmount = (field: PurchaseField) =>
  (purchasePriceFields as readonly PurchaseField[]).includes(field);

/**
 * The purchase field → column table: one row per purchase field, with a select of the file's
 * columns and a few values of the chosen one, under the order the file's dates are read in.
 * Required fields are marked (in words, and `aria-required`); `errors` arrive by field and are
 * shown on its row.
 */
export function PurchaseMappingEditor({
  assignment,
  headers,
  sample,
  errors,
  dateOrder,
  disabled,
  onChange,
  onDateOrderChange,
}: {
  assignment: PurchaseAssignment;
  headers: readonly string[];
  sample: readonly (readonly string[])[];
  errors: Partial<Record<PurchaseField, string>>;
  dateOrder: DateOrder;
  disabled: boolean;
  onChange: (assignment: PurchaseAssignment) => void;
  onDateOrderChange: (order: DateOrder) => void;
}) {
  const { t } = useTranslation('imports');
  const id = useId();
  const columnName = (column: number) => headers[column]?.trim() || t('mapping.noHeader', { n: column + 1 });
  return (
    <>
      <DateOrderSelect value={dateOrder} disabled={disabled} onChange={onDateOrderChange} />
      <div className="import-table-wrap">
        <table className="data import-mapping" data-testid="purchase-mapping">
          <caption className="sr-only">{t('purchase.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('purchase.field')}</th>
              <th scope="col">{t('purchase.column')}</th>
              <th scope="col">{t('mapping.sample')}</th>
            </tr>
          </thead>
          <tbody>
            {purchaseFieldKeys.map((field) => {
              const name = t(`purchase.fields.${field}`);
              const column = assignment[field];
              const error = errors[field];
              const hintKey = `purchase.hints.${field}`;
              const hint = t(hintKey, { defaultValue: '' });
              const errorId = `${id}-${field}-error`;
              const hintId = `${id}-${field}-hint`;
              const described = [error ? errorId : null, hint ? hintId : null].filter(Boolean).join(' ');
              const values =
                column === null
                  ? []
                  : sample
                      .map((row) => row[column] ?? '')
                      .filter((v) => v.trim() !== '')
                      .slice(0, SAMPLE_VALUES);
              return (
                <tr key={field} data-testid="purchase-row" data-field={field}>
                  <th scope="row">
                    {name}
                    {isRequired(field) ? (
                      <span className="import-required">{t('purchase.required')}</span>
                    ) : isPriceOrAmount(field) ? (
                      <span className="import-required">{t('purchase.priceOrAmount')}</span>
                    ) : null}
                  </th>
                  <td>
                    <select
                      aria-label={t('purchase.columnFor', { field: name })}
                      aria-required={isRequired(field) ? true : undefined}
                      aria-invalid={error ? true : undefined}
                      aria-describedby={described || undefined}
                      value={column === null ? '' : String(column)}
                      disabled={disabled}
                      onChange={(e) =>
                        onChange({
                          ...assignment,
                          [field]: e.target.value === '' ? null : Number(e.target.value),
                        })
                      }
                    >
                      <option value="">{t('purchase.none')}</option>
                      {headers.map((_, index) => (
                        <option key={index} value={String(index)}>
                          {columnName(index)}
                        </option>
                      ))}
                    </select>
                    {hint ? (
                      <span id={hintId} className="hint">
                        {hint}
                      </span>
                    ) : null}
                    {error ? (
                      <span id={errorId} className="field-error">
                        {error}
                      </span>
                    ) : null}
                  </td>
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
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
