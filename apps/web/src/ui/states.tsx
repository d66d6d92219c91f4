import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { toProblem } from '../api/errors.ts';

/** A loading placeholder announced to screen readers. */
export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label ?? t('loading')}
    </div>
  );
}

export function Empty({ title, hint, action }: { title: string; hint?: string; action?: ReactNode }) {
  return (
    <div className="state state-empty">
      <p className="state-title">{title}</p>
      {hint ? <p className="muted">{hint}</p> : null}
      {action}
    </div>
  );
}

/** A failed load: the API's own message, and a retry when one makes sense. */
export function ErrorState({
  error,
  title,
  onRetry,
}: {
  error: unknown;
  title?: string;
  onRetry?: () => void;
}) {
  const { t } = useTranslation();
  const problem = toProblem(error);
  return (
    <div className="state state-error" role="alert">
      <p className="state-title">{title ?? t('errorTitle')}</p>
      <p>{problem.code === 'NETWORK' ? t('errorNetwork') : problem.message || t('errorGeneric')}</p>
      {onRetry ? (
        <button type="button" className="btn" onClick={onRetry}>
          {t('retry')}
        </button>
      ) : null}
    </div>
  );
}

/** An inline error line under a form, e.g. after a failed save. */
export function FormError({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  const problem = toProblem(error);
  return (
    <p className="form-error" role="alert">
      {problem.code === 'NETWORK' ? t('errorNetwork') : problem.message || t('errorGeneric')}
    </p>
  );
}
