import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Modal } from './modal.tsx';

/**
 * "Are you sure?" before a destructive step (remove, revoke, archive): the question, the refusal if
 * the step failed, a danger button and Cancel.
 */
export function ConfirmDialog({
  title,
  message,
  confirmLabel,
  pending,
  error,
  onConfirm,
  onClose,
}: {
  title: string;
  message?: ReactNode;
  confirmLabel: string;
  pending: boolean;
  /** What to show when the step was refused (e.g. `<FormError error={mutation.error} />`). */
  error?: ReactNode;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Modal title={title} onClose={onClose}>
      {message ? <p>{message}</p> : null}
      {error}
      <div className="row dialog-actions">
        <button type="button" className="btn btn-danger" onClick={onConfirm} disabled={pending}>
          {confirmLabel}
        </button>
        <button type="button" className="btn" onClick={onClose}>
          {t('common:cancel')}
        </button>
      </div>
    </Modal>
  );
}
