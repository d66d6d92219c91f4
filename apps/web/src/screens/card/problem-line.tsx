import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type CardProblem, isStale, issueText, unplacedIssues } from './problems.ts';

/**
 * The general error line of a form. Field issues stand next to their fields; this line says that
 * they are there, lists those no field shows, names the other client of a conflict (with a link to
 * it), and offers a reload when the client changed meanwhile.
 */
export function ProblemLine({
  problem,
  shownFields,
  onReload,
}: {
  problem: CardProblem | null;
  shownFields: readonly string[];
  onReload?: () => void;
}) {
  const { t } = useTranslation('card');
  if (!problem) return null;
  if (isStale(problem)) {
    return (
      <div className="form-error" role="alert">
        <p>{t('stale')}</p>
        {onReload ? (
          <button type="button" className="btn" onClick={onReload}>
            {t('reload')}
          </button>
        ) : null}
      </div>
    );
  }
  const other = problem.conflict?.other;
  if (other) {
    return (
      <p className="form-error" role="alert">
        {t('conflictWith', { name: other.name })}{' '}
        {other.entity === 'client' ? (
          <Link to={`/clients/${other.id}`}>{t('openOther', { name: other.name })}</Link>
        ) : null}
      </p>
    );
  }
  if (problem.issues.length > 0) {
    const unplaced = unplacedIssues(problem, shownFields);
    return (
      <div className="form-error" role="alert">
        <p>{t('fixFields')}</p>
        {unplaced.length > 0 ? (
          <ul>
            {unplaced.map((i) => (
              <li key={`${i.field}-${i.code ?? ''}`}>{issueText(t, i)}</li>
            ))}
          </ul>
        ) : null}
      </div>
    );
  }
  return (
    <p className="form-error" role="alert">
      {problem.code === 'NETWORK' ? t('common:errorNetwork') : problem.message || t('common:errorGeneric')}
    </p>
  );
}
