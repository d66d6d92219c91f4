import { defaultStagePolicy, label, ZStagePolicy } from '@cb/domain';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldError, toProblem } from '../../api/errors.ts';
import { type Outputs, trpc } from '../../api/trpc.ts';
import { useFormat, useLocale } from '../../i18n/format.ts';
import { CheckboxField, TextField } from '../../ui/field.tsx';
import { ErrorState, FormError, Loading } from '../../ui/states.tsx';
import { AdminOnly, rangeText } from './common.tsx';
import { parseNumberText, schemaNumberBounds } from './policy-form.ts';

type Settings = Outputs['workspace']['getSettings']['settings'];

type WorkspaceForm = {
  defaultRegion: string;
  lapsedAfterDays: string;
  uniquePhones: boolean;
  managersSeeOwnClientsOnly: boolean;
  allowPartialRows: boolean;
};

/** The region phones are read in when stored settings say nothing; the API uses the same. */
const FALLBACK_REGION = 'RU';

export function workspaceFormFrom(settings: Settings): WorkspaceForm {
  return {
    defaultRegion: settings.defaultRegion ?? FALLBACK_REGION,
    lapsedAfterDays: String(settings.lapsedAfterDays ?? defaultStagePolicy.lapsedAfterDays),
    uniquePhones: settings.uniquePhones ?? false,
    managersSeeOwnClientsOnly: settings.managersSeeOwnClientsOnly ?? false,
    allowPartialRows: settings.allowPartialRows ?? false,
  };
}

type WorkspaceIssues = Partial<Record<'defaultRegion' | 'lapsedAfterDays', 'region' | 'days'>>;

export function validateWorkspaceForm(
  form: WorkspaceForm,
): { ok: true; patch: Required<Settings> } | { ok: false; issues: WorkspaceIssues } {
  const issues: WorkspaceIssues = {};
  const region = form.defaultRegion.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(region)) issues.defaultRegion = 'region';
  const days = parseNumberText(form.lapsedAfterDays);
  const stage = ZStagePolicy.safeParse({ lapsedAfterDays: days ?? Number.NaN });
  if (!stage.success) issues.lapsedAfterDays = 'days';
  if (Object.keys(issues).length > 0 || !stage.success) return { ok: false, issues };
  return {
    ok: true,
    patch: {
      defaultRegion: region,
      lapsedAfterDays: stage.data.lapsedAfterDays,
      uniquePhones: form.uniquePhones,
      managersSeeOwnClientsOnly: form.managersSeeOwnClientsOnly,
      allowPartialRows: form.allowPartialRows,
    },
  };
}

export function WorkspaceTab() {
  const { t } = useTranslation('settings');
  return (
    <section aria-labelledby="settings-workspace-title">
      <h2 id="settings-workspace-title">{t('workspace.title')}</h2>
      <p className="muted settings-lead">{t('workspace.lead')}</p>
      <AdminOnly>
        <WorkspaceSettings />
      </AdminOnly>
    </section>
  );
}

function WorkspaceSettings() {
  const [saved, setSaved] = useState(false);
  const query = useQuery({
    queryKey: ['workspace', 'getSettings'],
    queryFn: () => trpc.workspace.getSettings.query(),
  });
  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  return (
    <WorkspaceSettingsForm
      key={JSON.stringify(query.data.settings)}
      name={query.data.name}
      settings={query.data.settings}
      saved={saved}
      onSaved={setSaved}
    />
  );
}

function WorkspaceSettingsForm({
  name,
  settings,
  saved,
  onSaved: setSaved,
}: {
  name: string;
  settings: Settings;
  /** Kept by the parent: a save re-keys this form with the settings the server now holds. */
  saved: boolean;
  onSaved: (saved: boolean) => void;
}) {
  const { t } = useTranslation('settings');
  const locale = useLocale();
  const format = useFormat();
  const queryClient = useQueryClient();
  const [form, setForm] = useState<WorkspaceForm>(() => workspaceFormFrom(settings));
  const [issues, setIssues] = useState<WorkspaceIssues>({});
  const hintId = useId();
  const regionNames = useMemo(() => {
    try {
      return new Intl.DisplayNames([locale], { type: 'region' });
    } catch {
      return null;
    }
  }, [locale]);
  const update = useMutation({
    mutationFn: (patch: Required<Settings>) => trpc.workspace.updateSettings.mutate(patch),
    onSuccess: (data) => {
      queryClient.setQueryData(['workspace', 'getSettings'], data);
      setSaved(true);
    },
  });
  const server = update.error ? toProblem(update.error).fields : {};
  const set = <K extends keyof WorkspaceForm>(key: K, value: WorkspaceForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    setSaved(false);
    if (key in issues) setIssues((i) => ({ ...i, [key]: undefined }));
    if (update.isError) update.reset();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const checked = validateWorkspaceForm(form);
    if (!checked.ok) {
      setIssues(checked.issues);
      return;
    }
    setIssues({});
    update.mutate(checked.patch);
  };
  const region = form.defaultRegion.trim().toUpperCase();
  let regionName: string | undefined;
  try {
    regionName = /^[A-Z]{2}$/.test(region) ? regionNames?.of(region) : undefined;
  } catch {
    regionName = undefined;
  }
  const serverHasField = Object.keys(form).some((k) => fieldError(server, k));

  return (
    <form className="panel settings-workspace" onSubmit={submit} noValidate aria-label={t('workspace.title')}>
      <p>
        {t('workspace.name')}: <strong>{name}</strong>
      </p>
      <TextField
        label={t('workspace.defaultRegion')}
        value={form.defaultRegion}
        onChange={(e) => set('defaultRegion', e.target.value.toUpperCase())}
        maxLength={2}
        autoComplete="off"
        spellCheck={false}
        hint={
          regionName && regionName !== region
            ? t('workspace.defaultRegionHintNamed', { name: regionName })
            : t('workspace.defaultRegionHint')
        }
        error={issues.defaultRegion ? t('workspace.issue.region') : fieldError(server, 'defaultRegion')}
        className="settings-short"
      />
      <TextField
        label={t('workspace.lapsedAfterDays', { lapsed: label('stage', 'lapsed', locale) })}
        value={form.lapsedAfterDays}
        onChange={(e) => set('lapsedAfterDays', e.target.value)}
        inputMode="numeric"
        autoComplete="off"
        hint={t('workspace.lapsedAfterDaysHint', { days: defaultStagePolicy.lapsedAfterDays })}
        error={
          issues.lapsedAfterDays
            ? rangeText(schemaNumberBounds(ZStagePolicy, 'lapsedAfterDays'), t, format)
            : fieldError(server, 'lapsedAfterDays')
        }
        className="settings-short"
      />
      <CheckboxField
        label={t('workspace.uniquePhones')}
        checked={form.uniquePhones}
        onChange={(e) => set('uniquePhones', e.target.checked)}
        aria-describedby={`${hintId}-uniquePhones`}
      />
      <p id={`${hintId}-uniquePhones`} className="hint settings-check-hint">
        {t('workspace.uniquePhonesHint')}
      </p>
      <CheckboxField
        label={t('workspace.managersSeeOwnClientsOnly')}
        checked={form.managersSeeOwnClientsOnly}
        onChange={(e) => set('managersSeeOwnClientsOnly', e.target.checked)}
        aria-describedby={`${hintId}-managersSeeOwnClientsOnly`}
      />
      <p id={`${hintId}-managersSeeOwnClientsOnly`} className="hint settings-check-hint">
        {t('workspace.managersSeeOwnClientsOnlyHint')}
      </p>
      <CheckboxField
        label={t('workspace.allowPartialRows')}
        checked={form.allowPartialRows}
        onChange={(e) => set('allowPartialRows', e.target.checked)}
        aria-describedby={`${hintId}-allowPartialRows`}
      />
      <p id={`${hintId}-allowPartialRows`} className="hint settings-check-hint">
        {t('workspace.allowPartialRowsHint')}
      </p>
      {update.error && !serverHasField ? <FormError error={update.error} /> : null}
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={update.isPending}>
          {update.isPending ? t('common:saving') : t('common:save')}
        </button>
        {saved ? (
          <p role="status" className="settings-success">
            {t('workspace.saved')}
          </p>
        ) : null}
      </div>
    </form>
  );
}
