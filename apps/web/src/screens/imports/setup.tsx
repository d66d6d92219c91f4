import { type DateOrder, mappingDateOrder, type PurchaseField } from '@cb/domain';
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
  clientMappingOf,
  type DryRun,
  type DuplicateAction,
  type DuplicatePolicy,
  duplicateActions,
  type ImportColumn,
  type ImportKind,
  type ImportSource,
  type ImportView,
  importKinds,
  importQuery,
  importsApi,
  type MatchKey,
  matchKeys,
} from './api.ts';
import { DryRunPreview } from './dry-run.tsx';
import { MappingEditor } from './mapping-editor.tsx';
import { PurchaseMappingEditor } from './purchase-editor.tsx';
import {
  assignmentOf,
  checkPurchaseAssignment,
  type PurchaseAssignment,
  purchaseIssuesByField,
  purchaseMappingOf,
  toPurchaseMapping,
} from './purchase-mapping.ts';

type SourceDraft = {
  batchKind: ImportSource['batchKind'];
  name: string;
  vendor: string;
  cost: string;
  acquiredOn: string;
  /** Purchase files only: the currency of rows without one. */
  currency: string;
};

const DEFAULT_POLICY: DuplicatePolicy = { matchBy: ['externalId', 'phone', 'email'], action: 'skip' };

/** `rub ` → `RUB`; empty → null; anything but three Latin letters → undefined (not a code). */
export function parseCurrency(text: string): string | null | undefined {
  const code = text.trim().toUpperCase();
  if (code === '') return null;
  return /^[A-Z]{3}$/.test(code) ? code : undefined;
}

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
    currency: s?.currency ?? '',
  };
}

/** The batch's source as sent; the currency only for a purchase file (clients have no money). */
function toSource(draft: SourceDraft, kind: ImportKind): ImportSource {
  return {
    batchKind: draft.batchKind,
    name: draft.name.trim(),
    vendor: draft.vendor.trim() || null,
    costKopecks: parseRubles(draft.cost) ?? null,
    acquiredOn: draft.acquiredOn || null,
    ...(kind === 'purchases' ? { currency: parseCurrency(draft.currency) ?? null } : {}),
  };
}

/** Everything the setup step edits, before it is sent. */
type Settings = {
  kind: ImportKind;
  mapping: ImportColumn[];
  purchases: PurchaseAssignment;
  /** The order dates are read in, by kind: the two mappings read different columns' dates. */
  dateOrders: Record<ImportKind, DateOrder>;
  source: SourceDraft;
  allowPartialRows: boolean;
  policy: DuplicatePolicy;
};

function settingsOf(view: ImportView): Settings {
  const mapping = clientMappingOf(view);
  const purchases = purchaseMappingOf(view);
  return {
    kind: view.kind,
    mapping,
    purchases: assignmentOf(purchases),
    dateOrders: { clients: mappingDateOrder(mapping), purchases: mappingDateOrder(purchases) },
    source: sourceDraft(view),
    allowPartialRows: view.allowPartialRows,
    policy: view.duplicatePolicy ?? DEFAULT_POLICY,
  };
}

/**
 * What a dry run depends on, for the import's kind: when this changes, the last check no longer
 * speaks for the file. A purchase file has no duplicate policy and no partial rows.
 */
function checkKey(settings: Settings, headers: readonly string[]): string {
  const { kind, source } = settings;
  const dateOrder = settings.dateOrders[kind];
  return kind === 'purchases'
    ? JSON.stringify({ kind, mapping: toPurchaseMapping(settings.purchases, headers), dateOrder, source })
    : JSON.stringify({
        kind,
        mapping: settings.mapping,
        dateOrder,
        source: { ...source, currency: '' },
        allowPartialRows: settings.allowPartialRows,
        policy: settings.policy,
      });
}

/**
 * An uploaded file, before it runs: what it holds (clients or purchases), the column mapping of
 * that kind, the batch's source and, for clients, the duplicate policy; a dry run of exactly those
 * settings with its preview and error report; then Start, which waits for a dry run of the
 * settings as they are now.
 */
export function ImportSetup({ view }: { view: ImportView }) {
  const { t } = useTranslation('imports');
  const locale = useLocale();
  const canImport = useCan('manager');
  const queryClient = useQueryClient();
  const api = importsApi();
  const savedSelectId = useId();

  const [initial] = useState(() => settingsOf(view));
  const [kind, setKind] = useState<ImportKind>(initial.kind);
  const [mapping, setMapping] = useState<ImportColumn[]>(initial.mapping);
  const [purchases, setPurchases] = useState<PurchaseAssignment>(initial.purchases);
  const [dateOrders, setDateOrders] = useState<Record<ImportKind, DateOrder>>(initial.dateOrders);
  const [source, setSource] = useState<SourceDraft>(initial.source);
  const [allowPartialRows, setAllowPartialRows] = useState(initial.allowPartialRows);
  const [saveAs, setSaveAs] = useState('');
  const [policy, setPolicy] = useState<DuplicatePolicy>(initial.policy);
  const [savedId, setSavedId] = useState('');
  const [dryRun, setDryRun] = useState<DryRun | null>(view.dryRun);
  const [checkedKey, setCheckedKey] = useState<string | null>(() =>
    view.dryRun ? checkKey(initial, view.headers) : null,
  );
  const [policyMissing, setPolicyMissing] = useState(false);
  // Required purchase fields are asked for once the user tries to check the file.
  const [purchasesSubmitted, setPurchasesSubmitted] = useState(false);

  const currentKey = useMemo(
    () => checkKey({ kind, mapping, purchases, dateOrders, source, allowPartialRows, policy }, view.headers),
    [kind, mapping, purchases, dateOrders, source, allowPartialRows, policy, view.headers],
  );
  const costKopecks = parseRubles(source.cost);
  const currency = parseCurrency(source.currency);
  const purchaseProblems = useMemo(() => checkPurchaseAssignment(purchases), [purchases]);

  const customFields = useQuery({
    queryKey: ['fields', 'list'],
    queryFn: () => trpc.fields.list.query(),
    staleTime: 60_000,
  });
  const customFieldChoices = (customFields.data?.items ?? []).map((f) => ({ key: f.key, label: f.label }));
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
      const common = {
        id: view.id,
        source: toSource(source, kind),
        dateOrder: dateOrders[kind],
        ...(name ? { saveAs: name } : {}),
      };
      const updated = await api.setMapping.mutate(
        kind === 'purchases'
          ? { ...common, kind, mapping: toPurchaseMapping(purchases, view.headers) }
          : { ...common, kind, mapping, allowPartialRows },
      );
      storeView(updated);
      // The counts of updates and duplicates depend on the policy, so a client check runs with it.
      const result = await api.dryRun.mutate(
        kind === 'purchases' ? { id: view.id } : { id: view.id, duplicatePolicy: policy },
      );
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

  // The import takes the chosen kind with the saved mapping, matched to this file by header.
  const apply = useMutation({
    mutationFn: (mappingId: string) => api.applyMapping.mutate({ id: view.id, mappingId, kind }),
    onSuccess: (updated) => {
      storeView(updated);
      if (updated.kind === 'purchases') setPurchases(assignmentOf(updated.mapping));
      else setMapping(updated.mapping);
      setDateOrders((orders) => ({ ...orders, [updated.kind]: updated.dateOrder }));
    },
  });

  // A purchase run has no duplicate policy.
  const start = useMutation({
    mutationFn: () =>
      api.start.mutate(kind === 'purchases' ? { id: view.id } : { id: view.id, duplicatePolicy: policy }),
    onSuccess: (updated) => {
      queryClient.removeQueries({ queryKey: ['imports', 'status', { id: view.id }] });
      storeView(updated);
      void queryClient.invalidateQueries({ queryKey: ['imports', 'list'] });
    },
  });

  const checkProblem = check.error ? toProblem(check.error) : null;
  const checkFields = checkProblem?.fields ?? {};
  // Issues about the mapping as a whole (a required field missing, nothing mapped).
  const mappingIssues = (checkProblem?.issues ?? []).flatMap((i) =>
    i.field === 'mapping' && i.message ? [i.message] : [],
  );
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
    if (kind === 'purchases') {
      setPurchasesSubmitted(true);
      if (purchaseProblems.length > 0 || costKopecks === undefined || currency === undefined) return;
    } else if (!policyComplete() || costKopecks === undefined) return;
    check.mutate();
  };

  const chooseKind = (next: ImportKind) => {
    setKind(next);
    setSavedId('');
  };

  const savedOfKind = (savedMappings.data ?? []).filter((m) => m.kind === kind);
  const applySaved = () => {
    if (savedOfKind.some((m) => m.id === savedId)) apply.mutate(savedId);
  };

  const purchaseErrors: Partial<Record<PurchaseField, string>> =
    kind === 'purchases' ? purchaseIssuesByField(checkFields, purchases) : {};
  for (const problem of purchaseProblems) {
    if (problem.kind === 'taken')
      purchaseErrors[problem.field] = t('purchase.taken', { field: t(`purchase.fields.${problem.other}`) });
    else if (purchasesSubmitted)
      purchaseErrors[problem.field] = t(
        problem.kind === 'missing' ? 'purchase.missing' : 'purchase.missingPrice',
      );
  }

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
          <fieldset className="import-kind">
            <legend>{t('kind.legend')}</legend>
            {importKinds.map((k) => (
              <RadioOption
                key={k}
                name="import-kind"
                label={t(`kind.${k}`)}
                hint={t(`kind.${k}Hint`)}
                checked={kind === k}
                disabled={!canImport || busy}
                onSelect={() => chooseKind(k)}
              />
            ))}
          </fieldset>
          <p className="muted">{kind === 'purchases' ? t('purchase.hint') : t('mapping.hint')}</p>
          {canImport && savedOfKind.length > 0 ? (
            <div className="row import-saved">
              <div className="inline-field">
                <label htmlFor={savedSelectId}>{t('mapping.saved')}</label>
                <select id={savedSelectId} value={savedId} onChange={(e) => setSavedId(e.target.value)}>
                  <option value="">{t('mapping.savedNone')}</option>
                  {savedOfKind.map((m) => (
                    <option key={m.id} value={m.id}>
                      {m.name}
                    </option>
                  ))}
                </select>
              </div>
              <button type="button" className="btn" disabled={!savedId || busy} onClick={applySaved}>
                {t('mapping.applySaved')}
              </button>
            </div>
          ) : null}
          <FormError error={apply.error} />
          {mappingIssues.length > 0 ? (
            <ul className="plain-list field-error" data-testid="mapping-issues">
              {mappingIssues.map((message) => (
                <li key={message}>{message}</li>
              ))}
            </ul>
          ) : null}
          {kind === 'purchases' ? (
            <PurchaseMappingEditor
              assignment={purchases}
              headers={view.headers}
              sample={view.sample}
              errors={purchaseErrors}
              dateOrder={dateOrders.purchases}
              disabled={!canImport || busy}
              onChange={setPurchases}
              onDateOrderChange={(order) => setDateOrders((orders) => ({ ...orders, purchases: order }))}
            />
          ) : (
            <MappingEditor
              mapping={mapping}
              sample={view.sample}
              customFields={customFieldChoices}
              issues={checkFields}
              dateOrder={dateOrders.clients}
              disabled={!canImport || busy}
              onChange={setMapping}
              onDateOrderChange={(order) => setDateOrders((orders) => ({ ...orders, clients: order }))}
            />
          )}
        </section>

        <section className="panel" aria-labelledby="import-source-h">
          <h2 id="import-source-h">{t('source.heading')}</h2>
          <p className="muted">{kind === 'purchases' ? t('source.hintPurchases') : t('source.hint')}</p>
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
            {kind === 'purchases' ? (
              <TextField
                label={t('source.currency')}
                hint={t('source.currencyHint')}
                value={source.currency}
                maxLength={3}
                autoCapitalize="characters"
                onChange={(e) => setSourceField('currency', e.target.value)}
                error={
                  currency === undefined
                    ? t('source.currencyInvalid')
                    : fieldError(checkFields, 'source.currency')
                }
                disabled={!canImport}
              />
            ) : null}
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
          {/* A purchase row with a bad cell is never imported in part: the option is for clients. */}
          {kind === 'clients' ? (
            <CheckboxField
              label={t('source.allowPartialRows')}
              checked={allowPartialRows}
              onChange={(e) => setAllowPartialRows(e.target.checked)}
              disabled={!canImport}
            />
          ) : null}
        </section>

        {/* Purchases attach to clients by their external id: no duplicate policy applies to them. */}
        {canImport && kind === 'clients' ? (
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
              onClick={() => start.mutate()}
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
  hint,
  checked,
  disabled,
  onSelect,
}: {
  name: string;
  label: string;
  /** A sentence under the option, read out with it (`aria-describedby`). */
  hint?: string;
  checked: boolean;
  disabled?: boolean;
  onSelect: () => void;
}) {
  const id = useId();
  return (
    <div className={hint ? 'field-check import-option' : 'field-check'}>
      <input
        id={id}
        type="radio"
        name={name}
        checked={checked}
        disabled={disabled}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onChange={onSelect}
      />
      <label htmlFor={id}>{text}</label>
      {hint ? (
        <span id={`${id}-hint`} className="hint">
          {hint}
        </span>
      ) : null}
    </div>
  );
}
