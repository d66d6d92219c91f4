import { type DateOrder, dateOrders } from '@cb/domain';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * How the file writes its dates: day first (`31.12.2010`, the default) or month first, as files
 * from American systems do (`12/31/2010`). The API suggests the order from the file's dates.
 */
export function DateOrderSelect({
  value,
  disabled,
  onChange,
}: {
  value: DateOrder;
  disabled: boolean;
  onChange: (order: DateOrder) => void;
}) {
  const { t } = useTranslation('imports');
  const id = useId();
  return (
    <div className="import-date-order">
      <div className="inline-field">
        <label htmlFor={id}>{t('dates.label')}</label>
        <select
          id={id}
          value={value}
          disabled={disabled}
          aria-describedby={`${id}-hint`}
          data-testid="import-date-order"
          onChange={(e) => onChange(dateOrders.find((o) => o === e.target.value) ?? 'dmy')}
        >
          {dateOrders.map((order) => (
            <option key={order} value={order}>
              {t(`dates.${order}`)}
            </option>
          ))}
        </select>
      </div>
      <span id={`${id}-hint`} className="hint">
        {t('dates.hint')}
      </span>
    </div>
  );
}
