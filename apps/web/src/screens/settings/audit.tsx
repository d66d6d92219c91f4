import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { type FormEvent, Fragment, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { type Outputs, trpc } from '../../api/trpc.ts';
import { useFormat } from '../../i18n/format.ts';
import { SelectField, TextField } from '../../ui/field.tsx';
import { Empty, ErrorState, Loading } from '../../ui/states.tsx';
import { auditChanges, auditValueText } from './audit-format.ts';
import { AdminOnly } from './common.tsx';

type AuditRow = Outputs['audit']['list']['items'][number];

/** The entities the API writes audit rows for (the `entity` column), in the filter's order. */
export const auditEntities = [
  'client',
  'interaction',
  'purchase',
  'payment',
  'consent',
  'task',
  'segment',
  'view',
  'custom_field',
  'member',
  'api_token',
  'workspace',
  'batch',
] as const;

const PAGE_SIZE = 50;

export function AuditTab() {
  const { t } = useTranslation('settings');
  return (
    <section aria-labelledby="settings-audit-title">
      <h2 id="settings-audit-title">{t('audit.title')}</h2>
      <p className="muted settings-lead">{t('audit.lead')}</p>
      <AdminOnly>
        <AuditLog />
      </AdminOnly>
    </section>
  );
}

function AuditLog() {
  const { t } = useTranslation('settings');
  const [params, setParams] = useSearchParams();
  const entity = params.get('entity') ?? '';
  const entityId = params.get('entityId') ?? '';
  const [idText, setIdText] = useState(entityId);
  useEffect(() => setIdText(entityId), [entityId]);

  const applyFilter = (next: { entity?: string; entityId?: string }) => {
    const merged = { entity, entityId, ...next };
    const search = new URLSearchParams();
    if (merged.entity) search.set('entity', merged.entity);
    if (merged.entityId.trim()) search.set('entityId', merged.entityId.trim());
    setParams(search, { replace: true });
  };

  const input = { ...(entity ? { entity } : {}), ...(entityId ? { entityId } : {}) };
  const log = useInfiniteQuery({
    queryKey: ['audit', 'list', input],
    queryFn: ({ pageParam }) => trpc.audit.list.query({ ...input, cursor: pageParam, limit: PAGE_SIZE }),
    initialPageParam: null as number | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  // Names for the "who" column; the audit row keeps only ids.
  const members = useQuery({ queryKey: ['members', 'list'], queryFn: () => trpc.members.list.query() });
  const tokens = useQuery({
    queryKey: ['auth', 'listApiTokens'],
    queryFn: () => trpc.auth.listApiTokens.query(),
  });
  const memberName = new Map((members.data?.items ?? []).map((m) => [m.userId, m.name]));
  const tokenName = new Map((tokens.data?.items ?? []).map((tk) => [tk.id, tk.name]));

  const rows = log.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = Boolean(entity || entityId);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    applyFilter({ entityId: idText });
  };

  let body: React.ReactNode;
  if (log.isPending) body = <Loading />;
  else if (log.isError && !log.data)
    body = <ErrorState error={log.error} onRetry={() => void log.refetch()} />;
  else if (rows.length === 0)
    body = (
      <Empty
        title={filtered ? t('audit.emptyFiltered') : t('audit.empty')}
        hint={filtered ? t('audit.emptyFilteredHint') : undefined}
      />
    );
  else
    body = (
      <>
        <table className="data audit-table">
          <caption className="sr-only">{t('audit.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('audit.when')}</th>
              <th scope="col">{t('audit.who')}</th>
              <th scope="col">{t('audit.what')}</th>
              <th scope="col">{t('audit.record')}</th>
              <th scope="col">{t('audit.details')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <AuditLine key={row.id} row={row} memberName={memberName} tokenName={tokenName} />
            ))}
          </tbody>
        </table>
        <div className="settings-more">
          {log.hasNextPage ? (
            <button
              type="button"
              className="btn"
              onClick={() => void log.fetchNextPage()}
              disabled={log.isFetchingNextPage}
            >
              {log.isFetchingNextPage ? t('common:loading') : t('common:loadMore')}
            </button>
          ) : (
            <p className="muted">{t('audit.end')}</p>
          )}
          {log.isFetchNextPageError ? (
            <ErrorState error={log.error} onRetry={() => void log.fetchNextPage()} />
          ) : null}
        </div>
      </>
    );

  return (
    <>
      <form className="row audit-filter" onSubmit={submit} aria-label={t('audit.filter')}>
        <SelectField
          label={t('audit.entity')}
          value={entity}
          onChange={(e) => applyFilter({ entity: e.target.value })}
          options={[
            { value: '', label: t('audit.allEntities') },
            ...auditEntities.map((value) => ({ value, label: t(`audit.entityName.${value}`) })),
            // A link from elsewhere may name an entity this list does not know yet.
            ...(entity && !(auditEntities as readonly string[]).includes(entity)
              ? [{ value: entity, label: entity }]
              : []),
          ]}
        />
        <TextField
          label={t('audit.entityId')}
          value={idText}
          onChange={(e) => setIdText(e.target.value)}
          spellCheck={false}
          autoComplete="off"
        />
        <div className="field settings-row-button">
          <button type="submit" className="btn">
            {t('common:apply')}
          </button>
        </div>
        {filtered ? (
          <div className="field settings-row-button">
            <button
              type="button"
              className="btn btn-ghost"
              onClick={() => applyFilter({ entity: '', entityId: '' })}
            >
              {t('audit.clearFilter')}
            </button>
          </div>
        ) : null}
      </form>
      {body}
    </>
  );
}

function recordLink(entity: string, id: string): string | null {
  if (entity === 'client') return `/clients/${id}`;
  if (entity === 'segment') return `/segments/${id}`;
  return null;
}

function AuditLine({
  row,
  memberName,
  tokenName,
}: {
  row: AuditRow;
  memberName: Map<string, string>;
  tokenName: Map<string, string>;
}) {
  const { t } = useTranslation('settings');
  const format = useFormat();
  const detailsId = useId();
  const [open, setOpen] = useState(false);
  const changes = open ? auditChanges(row.before, row.after) : [];
  const words = { yes: t('common:yes'), no: t('common:no'), empty: t('common:none') };

  let who: string;
  if (row.actorKind === 'operator')
    who = row.actorName ? t('audit.operatorNamed', { name: row.actorName }) : t('audit.operator');
  else if (row.actorKind === 'system' || !row.actorId) who = t('audit.system');
  else if (row.actorKind === 'api_token')
    who = t('audit.viaToken', { name: tokenName.get(row.actorId) ?? row.actorId.slice(0, 8) });
  else who = memberName.get(row.actorId) ?? t('audit.formerMember', { id: row.actorId.slice(0, 8) });

  const entityLabel = t(`audit.entityName.${row.entity}`, { defaultValue: row.entity });
  const link = row.entityId ? recordLink(row.entity, row.entityId) : null;
  const hasDetails = row.before !== null || row.after !== null;

  return (
    <Fragment>
      <tr data-testid="audit-row">
        <td>
          <time dateTime={row.at}>{format.dateTime(row.at)}</time>
        </td>
        <td>{who}</td>
        <td>{t(`audit.action.${row.action}`, { defaultValue: row.action })}</td>
        <td>
          {entityLabel}
          {row.entityId ? (
            <>
              {' '}
              {link ? (
                <Link to={link} className="audit-id">
                  {row.entityId.slice(0, 8)}
                </Link>
              ) : (
                <code className="audit-id" title={row.entityId}>
                  {row.entityId.slice(0, 8)}
                </code>
              )}{' '}
              <Link
                to={`/settings/audit?entity=${encodeURIComponent(row.entity)}&entityId=${encodeURIComponent(row.entityId)}`}
                className="audit-history-link"
              >
                {t('audit.recordHistory')}
              </Link>
            </>
          ) : null}
        </td>
        <td>
          {hasDetails ? (
            <button
              type="button"
              className="btn btn-ghost"
              aria-expanded={open}
              aria-controls={open ? detailsId : undefined}
              onClick={() => setOpen((o) => !o)}
            >
              {open ? t('audit.hide') : t('audit.show')}
            </button>
          ) : (
            <span className="muted">{t('common:none')}</span>
          )}
        </td>
      </tr>
      {open ? (
        <tr className="audit-details-row">
          <td colSpan={5} id={detailsId}>
            {changes.length === 0 ? (
              <p className="muted">{t('audit.noChanges')}</p>
            ) : (
              <table className="data audit-changes">
                <caption className="sr-only">{t('audit.changesCaption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('audit.field')}</th>
                    <th scope="col">{t('audit.before')}</th>
                    <th scope="col">{t('audit.after')}</th>
                  </tr>
                </thead>
                <tbody>
                  {changes.map((c) => (
                    <tr key={c.path}>
                      <th scope="row">
                        <code>{c.path || t('audit.value')}</code>
                      </th>
                      <td>{auditValueText(c.before, words)}</td>
                      <td>{auditValueText(c.after, words)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </td>
        </tr>
      ) : null}
    </Fragment>
  );
}
