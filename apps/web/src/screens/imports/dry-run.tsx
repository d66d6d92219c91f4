import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useFormat } from '../../i18n/format.ts';
import { type DryRun, errorReportUrl, type RowIssue } from './api.ts';

/** One stated figure: a term and its number, in a definition list. */
export function Figure({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="import-figure" data-testid={testId}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function IssueLine({ issue }: { issue: RowIssue }) {
  const { t } = useTranslation('imports');
  const header =
    issue.header ?? (issue.column === null ? '' : t('mapping.noHeader', { n: issue.column + 1 }));
  return (
    <li>
      {issue.value !== null && issue.value !== ''
        ? t('dryRun.issue', { header, value: issue.value, message: issue.message })
        : t('dryRun.issueNoValue', { header, message: issue.message })}
    </li>
  );
}

/**
 * What the dry run found: the counts, the first rows as they will be stored (or why not), and the
 * error report as a plain link (the browser downloads it; nothing is read into this page).
 */
export function DryRunPreview({ importId, dryRun }: { importId: string; dryRun: DryRun }) {
  const { t } = useTranslation('imports');
  const format = useFormat();
  const total = dryRun.totalRows ?? dryRun.rowsChecked;
  return (
    <div className="import-dry-run" data-testid="dry-run">
      <p className="muted">
        {dryRun.complete
          ? t('dryRun.checked', { checked: format.number(dryRun.rowsChecked), total: format.number(total) })
          : t('dryRun.checkedPart', {
              checked: format.number(dryRun.rowsChecked),
              total: dryRun.totalRows === null ? '?' : format.number(dryRun.totalRows),
            })}
      </p>
      <h3 className="sr-only">{t('dryRun.counts')}</h3>
      <dl className="import-figures">
        <Figure label={t('dryRun.create')} value={format.number(dryRun.counts.create)} testId="dry-create" />
        <Figure label={t('dryRun.update')} value={format.number(dryRun.counts.update)} testId="dry-update" />
        <Figure
          label={t('dryRun.duplicate')}
          value={format.number(dryRun.counts.duplicate)}
          testId="dry-duplicate"
        />
        <Figure
          label={t('dryRun.invalid')}
          value={format.number(dryRun.counts.invalid)}
          testId="dry-invalid"
        />
        <Figure
          label={t('dryRun.partial')}
          value={format.number(dryRun.counts.partial)}
          testId="dry-partial"
        />
      </dl>
      {dryRun.errorCount > 0 ? (
        <p>
          <a href={errorReportUrl(importId, true)} download data-testid="dry-run-errors">
            {t('dryRun.errorReport')}
          </a>{' '}
          <span className="muted">{t('dryRun.errorCount', { count: dryRun.errorCount })}</span>
        </p>
      ) : null}
      {dryRun.preview.length ? (
        <div className="import-table-wrap">
          <table className="data import-preview">
            <caption>{t('dryRun.previewCaption')}</caption>
            <thead>
              <tr>
                <th scope="col" className="num">
                  {t('dryRun.row')}
                </th>
                <th scope="col">{t('dryRun.action')}</th>
                <th scope="col">{t('dryRun.client')}</th>
                <th scope="col">{t('dryRun.contacts')}</th>
                <th scope="col">{t('dryRun.matched')}</th>
                <th scope="col">{t('dryRun.issues')}</th>
              </tr>
            </thead>
            <tbody>
              {dryRun.preview.map((p) => (
                <tr key={p.row} data-testid="preview-row" data-action={p.action}>
                  <td className="num">{p.row}</td>
                  <td>
                    <span className={`badge import-action-${p.action}`}>
                      {t(`dryRun.actionLabel.${p.action}`)}
                    </span>
                  </td>
                  <td>
                    {p.client ? (
                      <>
                        {p.client.displayName}
                        {p.client.city || p.client.birthday ? (
                          <span className="muted import-sub">
                            {[p.client.city, p.client.birthday ? format.date(p.client.birthday) : null]
                              .filter(Boolean)
                              .join(' · ')}
                          </span>
                        ) : null}
                      </>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>{p.client ? [...p.client.phones, ...p.client.emails].join(', ') || '—' : '—'}</td>
                  <td>
                    {p.matchedClient ? (
                      <>
                        <Link to={`/clients/${p.matchedClient.id}`}>{p.matchedClient.displayName}</Link>
                        {p.matchedBy ? (
                          <span className="muted import-sub">
                            {t(`policy.matchKey.${p.matchedBy}`, { defaultValue: p.matchedBy })}
                          </span>
                        ) : null}
                      </>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>
                    {p.issues.length ? (
                      <ul className="plain-list import-issues">
                        {p.issues.map((issue) => (
                          <IssueLine key={`${issue.column ?? ''}:${issue.code}`} issue={issue} />
                        ))}
                      </ul>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
