import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CheckboxField } from '../../ui/field.tsx';
import { type ColumnKey, columnKeys, defaultColumns, parseColumns } from './filters.ts';

const STORAGE_KEY = 'cb.clients.columns';

function readStored(): ColumnKey[] {
  try {
    const raw = globalThis.localStorage?.getItem(STORAGE_KEY);
    return (raw ? parseColumns(JSON.parse(raw)) : undefined) ?? [...defaultColumns];
  } catch {
    return [...defaultColumns];
  }
}

/** The columns the user chose to see, remembered in this browser. */
export function useStoredColumns(): [ColumnKey[], (columns: readonly ColumnKey[]) => void] {
  const [columns, setColumns] = useState<ColumnKey[]>(readStored);
  const update = useCallback((next: readonly ColumnKey[]) => {
    const clean = parseColumns(next) ?? [...defaultColumns];
    setColumns(clean);
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, JSON.stringify(clean));
    } catch {
      // Without storage the choice still holds for this visit.
    }
  }, []);
  return [columns, update];
}

/** A disclosure with one checkbox per column; the name column is the row's link and always shows. */
export function ColumnChooser({
  columns,
  onChange,
}: {
  columns: readonly ColumnKey[];
  onChange: (columns: ColumnKey[]) => void;
}) {
  const { t } = useTranslation('clients');
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false);
        buttonRef.current?.focus();
      }
    };
    const onPointer = (e: PointerEvent) => {
      if (!rootRef.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [open]);

  return (
    <div className="popover-root" ref={rootRef}>
      <button
        type="button"
        className="btn"
        aria-expanded={open}
        aria-controls={panelId}
        ref={buttonRef}
        onClick={() => setOpen((o) => !o)}
      >
        {t('columnChooser.button')}
      </button>
      <div className="popover" id={panelId} hidden={!open}>
        <fieldset className="filter-group">
          <legend>{t('columnChooser.legend')}</legend>
          {columnKeys.map((key) => (
            <CheckboxField
              key={key}
              label={t(`columns.${key}`)}
              checked={columns.includes(key)}
              disabled={key === 'name'}
              onChange={(e) =>
                onChange(columnKeys.filter((k) => (k === key ? e.target.checked : columns.includes(k))))
              }
            />
          ))}
        </fieldset>
        <button type="button" className="btn btn-ghost" onClick={() => onChange([...defaultColumns])}>
          {t('columnChooser.reset')}
        </button>
      </div>
    </div>
  );
}
