import type { TFunction } from 'i18next';
import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCan } from '../../app/session.tsx';
import type { Formatter } from '../../i18n/format.ts';
import { Empty } from '../../ui/states.tsx';
import type { NumberBounds } from './policy-form.ts';

/** A value that follows `value` once it has stopped changing for `ms`. */
export function useDebouncedValue<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** A tab the API refuses to anyone below admin: say so plainly instead of showing an error. */
export function AdminOnly({ children }: { children: ReactNode }) {
  const { t } = useTranslation('settings');
  const isAdmin = useCan('admin');
  if (!isAdmin) return <Empty title={t('adminOnly.title')} hint={t('adminOnly.hint')} />;
  return <>{children}</>;
}

/**
 * A secret or a link in a read-only input with a copy button. When the clipboard is not available
 * (an insecure origin, a denied permission) the text is selected so the user can copy it by hand.
 */
export function CopyField({ label, value, testId }: { label: string; value: string; testId?: string }) {
  const { t } = useTranslation('settings');
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [status, setStatus] = useState<'idle' | 'copied' | 'manual'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setStatus('copied');
    } catch {
      input.current?.select();
      setStatus('manual');
    }
  };
  return (
    <div className="field settings-copy">
      <label htmlFor={id}>{label}</label>
      <div className="settings-copy-row">
        <input
          id={id}
          ref={input}
          readOnly
          value={value}
          onFocus={(e) => e.currentTarget.select()}
          data-testid={testId}
          spellCheck={false}
        />
        <button type="button" className="btn" onClick={() => void copy()}>
          {t('copy')}
        </button>
      </div>
      <span role="status" className="hint">
        {status === 'copied' ? t('copied') : status === 'manual' ? t('copyManually') : ''}
      </span>
    </div>
  );
}

/** "A whole number from 1 to 100": a numeric field's allowed values, as the domain's schema gives them. */
export function rangeText(bounds: NumberBounds, t: TFunction<'settings'>, format: Formatter): string {
  const min = bounds.min === null ? null : format.number(bounds.min);
  const max = bounds.max === null ? null : format.number(bounds.max);
  let range: string;
  if (min !== null && max !== null) {
    range = bounds.minInclusive ? t('range.between', { min, max }) : t('range.aboveUpTo', { min, max });
  } else if (min !== null) {
    range = bounds.minInclusive ? t('range.atLeast', { min }) : t('range.above', { min });
  } else if (max !== null) {
    range = t('range.atMost', { max });
  } else {
    range = '';
  }
  return bounds.integer ? t('policy.issue.rangeInteger', { range }) : t('policy.issue.range', { range });
}
