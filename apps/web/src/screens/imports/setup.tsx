import { label } from '@cb/domain/i18n';
import { batchKinds } from '@cb/domain/vocabulary';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldError, toProblem } from '../../api/errors.ts';
import { trpc } from '../../api/trpc.ts';
import { useCan } from '../../app/session.tsx';
import { useLocale } from '../../i18n/format.ts';
import { CheckboxField, SelectField, TextField } from '../../ui/field.tsx';
import { FormError } from '../../ui/states.tsx';
import {
  type DryRun,
  type DuplicateAction,
  type DuplicatePolicy,
  duplicateActions,
  type ImportColumn,
  type ImportSource,
  type ImportView,
  importQuery,
  importsApi,
  type MatchKey,
  matchKeys,
} from './api.ts';
import { DryRunPreview } from './dry-run.tsx';
import { MappingEditor } from './mapping-editor.tsx';

type SourceDraft = {
  batchKind: ImportSource['batchKind'];
  name: string;
  vendor: string;
  cost: string;
  acquiredOn: string;
};

const DEFAULT_POLICY: DuplicatePolicy = { matchBy: ['externalId', 'phone', 'email'], action: 'skip' };

/** `15 000,50` → 1500050 kopecks; empty → null; anything else → undefined (not a sum). */
export function parseRubles(text: string): number | null | undefined {
  const clean = text.replace(/[\s\u00a0]/g, '').replace(',', '.');
  if (clean === '') return null;
  if (!/^\d{1,12}(\.\d{1,2})?$/.test(clean)) return undefined;
  return Math.round(Number(clean) * 100);
}

function sourceDraft(view: ImportView): SourceDraft {
  const s = view.source;
  return {
    batchKind: s?.batchKind ?? 'import',
    name: s?.name ?? view.fileName,
    vendor: s?.vendor ?? '',
    cost: s?.costKopecks === null || s?.costKopecks === undefined ? '' : String(s.costKopecks / 100),
    acquiredOn: s?.acquiredOn ?? '',
  };
}

function toSource(draft: SourceDraft, costKopecks: number | null): ImportSource {
  return {
    batchKind: draft.batchKind,
    name: draft.name.trim(),
    vendor: draft.vendor.trim() || null,
    costKopecks,
    acquiredOn: draft.acquiredOn || null,
  };
}

/** What a dry run depends on: when this changes, the last check no longer speaks for the file. */
const checkKey = (
  mapping: ImportColumn[],
  source: SourceDraft,
  allowPartialRows: boolean,
  policy: DuplicatePolicy,
) => JSON.stringify({ mapping, source, allowPartialRows, policy });

/**
 * An uploaded file, before it runs: the column mapping, the batch's source and the duplicate
 * policy; a dry run of exactly those settings with its preview and error report; then Start, which
 * waits for a dry run of the settings as they are now.
 */
export function ImportSetup({ view }: { view: ImportView }) {
  const { t } = useTranslation('imports');
  const locale = useLocale();
  const canImport = useCan('manager');
  const queryClient = useQueryClient();
  const api = importsApi();
  const savedSelectId = useId();

  const [mapping, setMapping] = useState<ImportColumn[]>(view.mapping);
  const [source, setSource] = useState<SourceDraft>(() => sourceDraft(view));
  const [allowPartialRows, setAllowPartialRows] = useState(view.allowPartialRows);
  const [saveAs, setSaveAs] = useState('');
  const [policy, setPolicy] = useState<DuplicatePolicy>(view.duplicatePolicy ?? DEFAULT_POLICY);
  const [savedId, setSavedId] = useState('');
  const [dryRun, setDryRun] = useState<DryRun | null>(view.dryRun);
  const [checkedKey, setCheckedKey] = useState<string | null>(() =>
    view.dryRun
      ? checkKey(
          view.mapping,
          sourceDraft(view),
          view.allowPartialRows,
          view.duplicatePolicy ?? DEFAULT_POLICY,
        )
      : null,
  );
  const [policyMissing, setPolicyMissing] = useState(false);

  const currentKey = useMemo(
    () => checkKey(mapping, source, allowPartialRows, policy),
    [mapping, source, allowPartialRows, policy],
  );
  const costKopecks = parseRubles(source.cost);

  const customFields = useQuery({
    queryKey: ['fields', 'list'],
    queryFn: () => trpc.fields.list.query(),
    staleTime: 60_000,
  });
  const savedMappings = useQuery({
    queryKey: ['imports', 'mappings'],
    queryFn: () => api.mappings.query({}),
    enabled: canImport,
  });

  const storeView = (next: ImportView) => queryClient.setQueryData(importQuery(view.id).queryKey, next);

  const check = useMutation({
    mutationFn: async () => {
      const key = currentKey;
      const name = saveAs.trim();
      const updated = await api.setMapping.mutate({
        id: view.id,
        mapping,
        source: toSource(source, costKopecks ?? null),
        allowPartialRows,
        ...(name ? { saveAs: name } : {}),
      });
      storeView(updated);
      // The counts of updates and duplicates depend on the policy, so the check runs with it.
      const result = await api.dryRun.mutate({ id: view.id, duplicatePolicy: policy });
      return { result, key, saved: name !== '' };
    },
    onSuccess: ({ result, key, saved }) => {
      setDryRun(result);
      setCheckedKey(key);
      if (saved) {
        setSaveAs('');
        void queryClient.invalidateQueries({ queryKey: ['imports', 'mappings'] });
      }
    },
  });

  const apply = useMutation({
    mutationFn: (mappingId: string) => api.applyMapping.mutate({ id: view.id, mappingId }),
    onSuccess: (updated) => {
      storeView(updated);
      setMapping(updated.mapping);
    },
  });

  const start = useMutation({
    mutationFn: (duplicatePolicy: DuplicatePolicy) => api.start.mutate({ id: view.id, duplicatePolicy }),
    onSuccess: (updated) => {
      queryClient.removeQueries({ queryKey: ['imports', 'status', { id: view.id }] });
      storeView(updated);
      void queryClient.invalidateQueries({ queryKey: ['imports', 'list'] });
    },
  });

  const checkFields = check.error ? toProblem(check.error).fields : {};
  const startFields = start.error ? toProblem(start.error).fields : {};
  const fresh = dryRun !== null && checkedKey === currentKey;
  const busy = check.isPending || start.isPending || apply.isPending;

  const setSourceField = <K extends keyof SourceDraft>(key: K, value: SourceDraft[K]) =>
    setSource((s) => ({ ...s, [key]: value }));

  const policyComplete = () => {
    const complete = policy.action === 'create' || policy.matchBy.length > 0;
    setPolicyMissing(!complete);
    return complete;
  };

  const onCheck = (e: FormEvent) => {
    e.preventDefault();
    if (!policyComplete() || costKopecks === undefined) return;
    check.mutate();
  };

  const toggleMatch = (key: MatchKey, on: boolean) => {
    setPolicyMissing(false);
    setPolicy((p) => ({
      ...p,
      matchBy: matchKeys.filter((k) => (k === key ? on : p.matchBy.includes(k))),
    }));
  };

  const matchByError =
    (policyMissing ? t('policy.matchByMissing') : undefined) ??
    fieldError(checkFields, 'duplicatePolicy.matchBy') ??
    fieldError(startFields, 'duplicatePolicy.matchBy');
  const actionError =
    fieldError(checkFields, 'duplicatePolicy.action') ?? fieldError(startFields, 'duplicatePolicy.action');

  return (
    <>
      <form className="import-setup" onSubmit={onCheck} noValidate data-testid="import-setup">
        <section className="panel" aria-labelledby="import-mapping-h">
          <h2 id="import-mapping-h">{t('mapping.heading')}</h2>
          <p className="muted">{t('mapping.hint')}</p>
          {canImport && savedMappings.data && savedMappings.data.length > 0 ? (
            <div className="row import-saved">
              <div className="inline-field">
                <label htmlFor={savedSelectId}>{t('mapping.saved')}</label>
                <select id={savedSelectId} value={savedId} onChange={(e) => setSavedId(e.target.value)}>
                  <option value="">{t('mapping.savedNone')}</option>
                  {savedMappings.data.map((m) => (
                    <option key={m.id} value={m.id}>
                      {m.name}
                    </option>
                  ))}
                </select>
              </div>
              <button
                type="button"
                className="btn"
                disabled={!savedId || busy}
                onClick={() => apply.mutate(savedId)}
              >
                {t('mapping.applySaved')}
              </button>
            </div>
          ) : null}
          <FormError error={apply.error} />
          <MappingEditor
            mapping={mapping}
            sample={view.sample}
            customFields={(customFields.data?.items ?? []).map((f) => ({ key: f.key, label: f.label }))}
            issues={checkFields}
            disabled={!canImport || busy}
            onChange={setMapping}
          />
        </section>

        <section className="panel" aria-labelledby="import-source-h">
          <h2 id="import-source-h">{t('source.heading')}</h2>
          <p className="muted">{t('source.hint')}</p>
          <div className="grid-2">
            <SelectField
              label={t('source.kind')}
              value={source.batchKind}
              options={batchKinds.map((k) => ({ value: k, label: label('batchKind', k, locale) }))}
              onChange={(e) => setSourceField('batchKind', e.target.value as SourceDraft['batchKind'])}
              error={fieldError(checkFields, 'source.batchKind')}
              disabled={!canImport}
            />
            <TextField
              label={t('source.name')}
              value={source.name}
              maxLength={200}
              onChange={(e) => setSourceField('name', e.target.value)}
              error={fieldError(checkFields, 'source.name')}
              disabled={!canImport}
            />
            <TextField
              label={t('source.vendor')}
              value={source.vendor}
              maxLength={200}
              onChange={(e) => setSourceField('vendor', e.target.value)}
              error={fieldError(checkFields, 'source.vendor')}
              disabled={!canImport}
            />
            <TextField
              label={t('source.cost')}
              value={source.cost}
              inputMode="decimal"
              onChange={(e) => setSourceField('cost', e.target.value)}
              error={
                costKopecks === undefined
                  ? t('source.costInvalid')
                  : fieldError(checkFields, 'source.costKopecks')
              }
              disabled={!canImport}
            />
            <TextField
              label={t('source.acquiredOn')}
              type="date"
              value={source.acquiredOn}
              onChange={(e) => setSourceField('acquiredOn', e.target.value)}
              error={fieldError(checkFields, 'source.acquiredOn')}
              disabled={!canImport}
            />
            <TextField
              label={t('mapping.saveAs')}
              hint={t('mapping.saveAsHint')}
              value={saveAs}
              maxLength={200}
              onChange={(e) => setSaveAs(e.target.value)}
              error={fieldError(checkFields, 'saveAs')}
              disabled={!canImport}
            />
          </div>
          <CheckboxField
            label={t('source.allowPartialRows')}
            checked={allowPartialRows}
            onChange={(e) => setAllowPartialRows(e.target.checked)}
            disabled={!canImport}
          />
        </section>

        {canImport ? (
          <section className="panel import-policy" aria-labelledby="import-policy-h">
            <h2 id="import-policy-h">{t('policy.heading')}</h2>
            <fieldset>
              <legend>{t('policy.matchBy')}</legend>
              {matchKeys.map((key) => (
                <CheckboxField
                  key={key}
                  label={t(`policy.matchKey.${key}`)}
                  checked={policy.matchBy.includes(key)}
                  onChange={(e) => toggleMatch(key, e.target.checked)}
                />
              ))}
              {matchByError ? <span className="field-error">{matchByError}</span> : null}
            </fieldset>
            <fieldset>
              <legend>{t('policy.action')}</legend>
              {duplicateActions.map((action) => (
                <RadioOption
                  key={action}
                  name="duplicate-action"
                  label={t(`policy.actionLabel.${action}`)}
                  checked={policy.action === action}
                  onSelect={() => setPolicy((p) => ({ ...p, action: action as DuplicateAction }))}
                />
              ))}
              {actionError ? <span className="field-error">{actionError}</span> : null}
            </fieldset>
          </section>
        ) : null}

        {canImport ? (
          <div className="row">
            <button type="submit" className="btn btn-primary" disabled={busy} data-testid="import-check">
              {check.isPending ? t('check.checking') : t('check.submit')}
            </button>
            <FormError error={check.error} />
          </div>
        ) : null}
      </form>

      {dryRun ? (
        <section className="panel" aria-labelledby="import-dry-h">
          <h2 id="import-dry-h">{t('dryRun.heading')}</h2>
          {fresh ? null : (
            <p className="import-stale" role="status">
              {t('check.stale')}
            </p>
          )}
          <DryRunPreview importId={view.id} dryRun={dryRun} />
        </section>
      ) : null}

      {canImport ? (
        <section className="panel import-start" aria-label={t('policy.start')}>
          <div className="row">
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => start.mutate(policy)}
              disabled={!fresh || busy}
              aria-describedby={fresh ? undefined : 'import-start-why'}
              data-testid="import-start"
            >
              {start.isPending ? t('policy.starting') : t('policy.start')}
            </button>
            {fresh ? null : (
              <span id="import-start-why" className="muted">
                {t('policy.needsCheck')}
              </span>
            )}
          </div>
          <FormError error={start.error} />
        </section>
      ) : null}
    </>
  );
}

export function RadioOption({
  name,
  label: text,
  checked,
  onSelect,
}: {
  name: string;
  label: string;
  checked: boolean;
  onSelect: () => void;
}) {
  const id = useId();
  return (
    <div className="field-check">
      <input id={id} type="radio" name={name} checked={checked} onChange={onSelect} />
      <label htmlFor={id}>{text}</label>
    </div>
  );
}
