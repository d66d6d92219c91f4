import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useFormat } from '../../i18n/format.ts';
import { type ClientDryRun, type DryRun, errorReportUrl, type PurchaseDryRun, type RowIssue } from './api.ts';

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
 * error report as a plain link (the browser downloads it; nothing is read into this page). A client
 * file and a purchase file each show what their import writes.
 */
export function DryRunPreview({ importId, dryRun }: { importId: string; dryRun: DryRun }) {
  switch (dryRun.kind) {
    case 'clients':
      return <ClientDryRunPreview importId={importId} dryRun={dryRun} />;
    case 'purchases':
      return <PurchaseDryRunPreview importId={importId} dryRun={dryRun} />;
    default: {
      const never: never = dryRun;
      return never;
    }
  }
}

/** How much of the file was checked. */
function CheckedRows({ dryRun }: { dryRun: DryRun }) {
  const { t } = useTranslation('imports');
  const format = useFormat();
  const total = dryRun.totalRows ?? dryRun.rowsChecked;
  return (
    <p className="muted">
      {dryRun.complete
        ? t('dryRun.checked', { checked: format.number(dryRun.rowsChecked), total: format.number(total) })
        : t('dryRun.checkedPart', {
            checked: format.number(dryRun.rowsChecked),
            total: dryRun.totalRows === null ? '?' : format.number(dryRun.totalRows),
          })}
    </p>
  );
}

/** The dry run's error report as a plain link, with how many problems it lists. */
function ErrorReportLink({ importId, errorCount }: { importId: string; errorCount: number }) {
  const { t } = useTranslation('imports');
  if (errorCount === 0) return null;
  return (
    <p>
      <a href={errorReportUrl(importId, true)} download data-testid="dry-run-errors">
        {t('dryRun.errorReport')}
      </a>{' '}
      <span className="muted">{t('dryRun.errorCount', { count: errorCount })}</span>
    </p>
  );
}

function IssueList({ issues }: { issues: RowIssue[] }) {
  return issues.length ? (
    <ul className="plain-list import-issues">
      {issues.map((issue) => (
        <IssueLine key={`${issue.column ?? ''}:${issue.code}`} issue={issue} />
      ))}
    </ul>
  ) : (
    '—'
  );
}

function ClientDryRunPreview({ importId, dryRun }: { importId: string; dryRun: ClientDryRun }) {
  const { t } = useTranslation('imports');
  const format = useFormat();
  return (
    <div className="import-dry-run" data-testid="dry-run">
      <CheckedRows dryRun={dryRun} />
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
      <ErrorReportLink importId={importId} errorCount={dryRun.errorCount} />
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
                    <IssueList issues={p.issues} />
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

/**
 * A purchase file's dry run: the purchases and lines it would add, the clients it would create or
 * find, the rows it would reject and the returns it skips; the first rows as purchase lines.
 */
function PurchaseDryRunPreview({ importId, dryRun }: { importId: string; dryRun: PurchaseDryRun }) {
  const { t } = useTranslation('imports');
  const format = useFormat();
  const c = dryRun.counts;
  return (
    <div className="import-dry-run" data-testid="dry-run">
      <CheckedRows dryRun={dryRun} />
      <h3 className="sr-only">{t('dryRun.counts')}</h3>
      <dl className="import-figures">
        <Figure
          label={t('dryRun.purchases.purchases')}
          value={format.number(c.purchases)}
          testId="dry-purchases"
        />
        <Figure label={t('dryRun.purchases.lines')} value={format.number(c.lines)} testId="dry-lines" />
        <Figure
          label={t('dryRun.purchases.newClients')}
          value={format.number(c.newClients)}
          testId="dry-new-clients"
        />
        <Figure
          label={t('dryRun.purchases.existingClients')}
          value={format.number(c.existingClients)}
          testId="dry-existing-clients"
        />
        <Figure label={t('dryRun.invalid')} value={format.number(c.invalid)} testId="dry-invalid" />
        <Figure label={t('dryRun.purchases.returns')} value={format.number(c.returns)} testId="dry-returns" />
      </dl>
      {c.returns > 0 ? <p className="muted">{t('dryRun.purchases.returnsHint')}</p> : null}
      <ErrorReportLink importId={importId} errorCount={dryRun.errorCount} />
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
                <th scope="col">{t('dryRun.purchases.invoice')}</th>
                <th scope="col">{t('dryRun.purchases.item')}</th>
                <th scope="col" className="num">
                  {t('dryRun.purchases.amount')}
                </th>
                <th scope="col">{t('dryRun.issues')}</th>
              </tr>
            </thead>
            <tbody>
              {dryRun.preview.map((p) => (
                <tr key={p.row} data-testid="preview-row" data-action={p.action}>
                  <td className="num">{p.row}</td>
                  <td>
                    <span className={`badge import-action-${p.action}`}>
                      {t(`dryRun.purchases.actionLabel.${p.action}`)}
                    </span>
                  </td>
                  <td>
                    {p.client === null ? (
                      '—'
                    ) : p.client.id === null ? (
                      <>
                        {p.client.displayName}
                        <span className="muted import-sub">{t('dryRun.purchases.newClient')}</span>
                      </>
                    ) : (
                      <Link to={`/clients/${p.client.id}`}>{p.client.displayName}</Link>
                    )}
                  </td>
                  <td>
                    {p.line ? (
                      <>
                        {p.line.invoice ?? t('dryRun.purchases.noInvoice')}
                        <span className="muted import-sub">
                          {[
                            format.dateTime(p.line.at),
                            p.newPurchase ? null : t('dryRun.purchases.sameInvoice'),
                          ]
                            .filter(Boolean)
                            .join(' · ')}
                        </span>
                      </>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>
                    {p.line ? (
                      <>
                        {p.line.name || '—'}
                        {p.line.sku ? <span className="muted import-sub">{p.line.sku}</span> : null}
                      </>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td className="num">
                    {p.line ? (
                      <>
                        {format.money(p.line.amountKopecks, p.line.currency)}
                        <span className="muted import-sub">
                          {t('dryRun.purchases.quantityPrice', {
                            quantity: format.number(p.line.quantity),
                            price: format.money(p.line.priceKopecks, p.line.currency),
                          })}
                        </span>
                      </>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>
                    <IssueList issues={p.issues} />
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
