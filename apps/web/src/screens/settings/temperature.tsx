import { type Locale, label, type TemperaturePolicy } from '@cb/domain';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { type FormEvent, useId, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { toProblem } from '../../api/errors.ts';
import { trpc } from '../../api/trpc.ts';
import { useCan } from '../../app/session.tsx';
import { type Formatter, useFormat, useLocale } from '../../i18n/format.ts';
import { ErrorState, FormError, Loading } from '../../ui/states.tsx';
import { rangeText, useDebouncedValue } from './common.tsx';
import {
  formatPolicyNumber,
  formToPolicy,
  isFormChanged,
  issuesByField,
  type PolicyFieldSpec,
  type PolicyForm,
  type PolicyIssue,
  policyFields,
  policySections,
  policyToForm,
  policyValueAt,
} from './policy-form.ts';
import { PolicyPreview } from './policy-preview.tsx';

/** How long the form must stay still before the preview is asked for again. */
export const PREVIEW_DEBOUNCE_MS = 400;

const KIND_PREFIX = 'lastInteraction.kindWeights.';
const SOURCE_PREFIX = 'sourceChannelPoints.';

export function policyFieldLabel(path: string, t: TFunction<'settings'>, locale: Locale): string {
  if (path.startsWith(KIND_PREFIX)) {
    return label('interactionKind', path.slice(KIND_PREFIX.length) as never, locale);
  }
  if (path.startsWith(SOURCE_PREFIX)) {
    return label('sourceChannel', path.slice(SOURCE_PREFIX.length) as never, locale);
  }
  return t(`policy.field.${path}`);
}

/** A client-side issue in the reader's language; the domain's English message only as a last resort. */
export function policyIssueMessage(issue: PolicyIssue, t: TFunction<'settings'>, format: Formatter): string {
  switch (issue.code) {
    case 'required':
      return t('policy.issue.required');
    case 'not_number':
      return t('policy.issue.notNumber');
    case 'range':
      return rangeText(issue.bounds, t, format);
    case 'warm_from_not_below_hot_from':
      return t('policy.issue.warmNotBelowHot', { hot: format.number(issue.hotFrom) });
    case 'source_points_not_below_warm_from':
      return t('policy.issue.sourceNotBelowWarm', {
        start: format.number(issue.start),
        warm: format.number(issue.warmFrom),
      });
    case 'other':
      return issue.message;
    default: {
      const never: never = issue;
      return String(never);
    }
  }
}

/** The temperature tab: loads the workspace's policy and hands it to the editor. */
export function TemperatureTab() {
  const { t } = useTranslation('settings');
  const [savedAt, setSavedAt] = useState<number | null>(null);
  const query = useQuery({
    queryKey: ['temperature', 'getPolicy'],
    queryFn: () => trpc.temperature.getPolicy.query(),
  });
  return (
    <section aria-labelledby="settings-temperature-title">
      <h2 id="settings-temperature-title">{t('policy.title')}</h2>
      <p className="muted settings-lead">{t('policy.lead')}</p>
      {query.isPending ? (
        <Loading />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : (
        <PolicyEditor
          // A saved policy starts a fresh form from what the server now holds.
          key={JSON.stringify(query.data.policy)}
          saved={query.data.policy}
          defaults={query.data.defaults}
          isDefault={query.data.isDefault}
          justSaved={savedAt !== null}
          onSaved={() => setSavedAt(Date.now())}
          onEdit={() => setSavedAt(null)}
        />
      )}
    </section>
  );
}

type EditorProps = {
  saved: TemperaturePolicy;
  defaults: TemperaturePolicy;
  isDefault: boolean;
  justSaved: boolean;
  onSaved: () => void;
  onEdit: () => void;
};

export function PolicyEditor({ saved, defaults, isDefault, justSaved, onSaved, onEdit }: EditorProps) {
  const { t } = useTranslation('settings');
  const format = useFormat();
  const locale = useLocale();
  const isAdmin = useCan('admin');
  const queryClient = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  const [form, setForm] = useState<PolicyForm>(() => policyToForm(saved));

  const result = useMemo(() => formToPolicy(form), [form]);
  const clientIssues = result.ok ? {} : issuesByField(result.issues);
  const changed = isFormChanged(form, saved);
  const atDefaults = !isFormChanged(form, defaults);

  const candidate = result.ok ? result.policy : null;
  const debounced = useDebouncedValue(candidate, PREVIEW_DEBOUNCE_MS);
  const preview = useQuery({
    queryKey: ['temperature', 'previewPolicy', debounced],
    // A preview the user has typed past is cancelled rather than left to finish for nobody.
    queryFn: ({ signal }) => trpc.temperature.previewPolicy.query({ policy: debounced }, { signal }),
    enabled: debounced !== null,
    placeholderData: keepPreviousData,
  });

  const save = useMutation({
    mutationFn: (policy: TemperaturePolicy) => trpc.temperature.setPolicy.mutate({ policy }),
    onSuccess: (data) => {
      setForm(policyToForm(data.policy));
      onSaved();
      queryClient.setQueryData(['temperature', 'getPolicy'], (old: unknown) =>
        old && typeof old === 'object' ? { ...old, policy: data.policy, isDefault: false } : old,
      );
      void queryClient.invalidateQueries({ queryKey: ['temperature'] });
    },
  });
  const serverFields = save.error ? toProblem(save.error).fields : {};
  const serverFieldError = (path: string) => serverFields[`policy.${path}`];
  const serverErrorHasNoField = save.error
    ? !policyFields.some((spec) => serverFieldError(spec.path) !== undefined)
    : false;

  const edit = (next: PolicyForm) => {
    setForm(next);
    onEdit();
    if (save.isError) save.reset();
  };
  const setField = (path: string, value: string) => edit({ ...form, [path]: value });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!result.ok) {
      formRef.current?.querySelector<HTMLInputElement>('input[aria-invalid="true"]')?.focus();
      return;
    }
    save.mutate(result.policy);
  };

  const sharedHalfLife = form.halfLifeDays ?? '';
  const hintFor = (spec: PolicyFieldSpec): string => {
    const fallback = { days: sharedHalfLife || '—' };
    const defaultValue = policyValueAt(defaults, spec.path);
    if (typeof defaultValue !== 'number') return t('policy.hint.emptyIsSharedDefault', fallback);
    const shown = t('policy.hint.default', {
      value: format.number(Number(formatPolicyNumber(defaultValue, spec))),
    });
    return spec.nullable ? `${t('policy.hint.emptyIsShared', fallback)} · ${shown}` : shown;
  };

  let previewBody: React.ReactNode;
  if (candidate === null) previewBody = <p className="muted">{t('preview.fixErrors')}</p>;
  else if (preview.isError)
    previewBody = <ErrorState error={preview.error} onRetry={() => void preview.refetch()} />;
  else if (!preview.data) previewBody = <Loading label={t('preview.loading')} />;
  else
    previewBody = (
      <PolicyPreview
        preview={preview.data}
        updating={preview.isFetching || JSON.stringify(candidate) !== JSON.stringify(debounced)}
      />
    );

  return (
    <form
      ref={formRef}
      className="policy-layout"
      onSubmit={submit}
      noValidate
      aria-label={t('policy.formLabel')}
    >
      <div className="policy-fields">
        <p className="policy-status">
          <span className="badge">{isDefault ? t('policy.isDefault') : t('policy.isCustom')}</span>
        </p>
        {isAdmin ? null : (
          <p className="settings-note" data-testid="policy-read-only">
            {t('policy.readOnly')}
          </p>
        )}
        {policySections.map((section) => (
          <fieldset key={section.id} className="panel policy-section">
            <legend>{t(`policy.section.${section.id}.title`)}</legend>
            <p className="hint policy-section-hint">{t(`policy.section.${section.id}.hint`)}</p>
            <div className="policy-grid">
              {section.fields.map((spec) => {
                const issue = clientIssues[spec.path];
                return (
                  <PolicyNumberField
                    key={spec.path}
                    path={spec.path}
                    label={policyFieldLabel(spec.path, t, locale)}
                    unit={t(`units.${spec.unit}`)}
                    value={form[spec.path] ?? ''}
                    onChange={(value) => setField(spec.path, value)}
                    error={issue ? policyIssueMessage(issue, t, format) : serverFieldError(spec.path)}
                    hint={hintFor(spec)}
                  />
                );
              })}
            </div>
          </fieldset>
        ))}
      </div>
      <aside className="policy-side" aria-labelledby="policy-preview-title">
        <div className="panel policy-side-inner">
          <h3 id="policy-preview-title">{t('preview.title')}</h3>
          <p className="hint">{t('preview.lead')}</p>
          {previewBody}
          <div className="policy-actions">
            {isAdmin ? (
              <button type="submit" className="btn btn-primary" disabled={!changed || save.isPending}>
                {save.isPending ? t('common:saving') : t('policy.save')}
              </button>
            ) : null}
            <button
              type="button"
              className="btn"
              disabled={!changed}
              onClick={() => edit(policyToForm(saved))}
            >
              {t('policy.discard')}
            </button>
            <button
              type="button"
              className="btn"
              disabled={atDefaults}
              onClick={() => edit(policyToForm(defaults))}
            >
              {t('policy.resetDefaults')}
            </button>
          </div>
          {!result.ok && changed ? (
            <p className="form-error" data-testid="policy-invalid">
              {t('policy.hasErrors', { count: Object.keys(clientIssues).length })}
            </p>
          ) : null}
          {save.error && serverErrorHasNoField ? <FormError error={save.error} /> : null}
          {justSaved && !changed ? (
            <p role="status" className="settings-success">
              {t('policy.saved')}
            </p>
          ) : null}
        </div>
      </aside>
    </form>
  );
}

function PolicyNumberField({
  path,
  label: text,
  unit,
  value,
  onChange,
  error,
  hint,
}: {
  path: string;
  label: string;
  unit: string;
  value: string;
  onChange: (value: string) => void;
  error: string | undefined;
  hint: string;
}) {
  const id = useId();
  const described = [`${id}-unit`, error ? `${id}-error` : null, `${id}-hint`].filter(Boolean).join(' ');
  return (
    <div className="field policy-field">
      <label htmlFor={id}>{text}</label>
      <div className="policy-input">
        <input
          id={id}
          type="text"
          inputMode="decimal"
          autoComplete="off"
          value={value}
          onChange={(e) => onChange(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={described}
          data-path={path}
        />
        <span id={`${id}-unit`} className="policy-unit">
          {unit}
        </span>
      </div>
      {error ? (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      ) : null}
      <span id={`${id}-hint`} className="hint">
        {hint}
      </span>
    </div>
  );
}
