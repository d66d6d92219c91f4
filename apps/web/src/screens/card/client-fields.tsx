import {
  type ClientKind,
  clientKinds,
  emailTypes,
  label,
  personDisplayName,
  phoneTypes,
  sourceChannels,
} from '@cb/domain';
import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type FieldErrors, fieldError } from '../../api/errors.ts';
import { trpc } from '../../api/trpc.ts';
import { useLocale } from '../../i18n/format.ts';
import { CheckboxField, type Option, SelectField, TextField } from '../../ui/field.tsx';
import {
  type ClientFormState,
  type CustomFieldDef,
  e164Of,
  newRowKey,
  type Preview,
  previewEmail,
  previewInn,
  previewKpp,
  previewPhone,
  type RowMap,
  rowError,
  type SourceState,
  withFullName,
} from './client-form.ts';
import { issueText } from './problems.ts';

/** The top-level fields the client form shows; issues at other paths go to its error line. */
export const clientFormFields = [
  'kind',
  'lastName',
  'firstName',
  'patronymic',
  'birthday',
  'legalName',
  'inn',
  'kpp',
  'phones',
  'emails',
  'city',
  'address',
  'tags',
  'ownerId',
  'source',
  'custom',
] as const;

export type MemberOption = { userId: string; name: string; email: string };

type Props = {
  mode: 'create' | 'edit';
  state: ClientFormState;
  onChange: (next: ClientFormState) => void;
  errors: FieldErrors;
  rows: RowMap | null;
  region: string;
  members: readonly MemberOption[];
  customFields: readonly CustomFieldDef[];
};

/** The preview as a field hint, or nothing: no empty hint for screen readers to announce. */
function previewHint(preview: Preview, error: string | undefined, extra?: ReactNode): ReactNode {
  if (!preview || error) return null;
  return <PreviewLine preview={preview} extra={extra} />;
}

function PreviewLine({ preview, extra }: { preview: NonNullable<Preview>; extra?: ReactNode }) {
  const { t } = useTranslation('card');
  if (preview.kind === 'issue') {
    return <span className="preview preview-issue">{issueText(t, preview)}</span>;
  }
  return (
    <span className="preview preview-ok">
      {t('form.storedAs', { value: preview.text })}
      {extra}
    </span>
  );
}

/** The profile fields of a client, shared by the new-client form and the card's inline editor. */
export function ClientFields({ mode, state, onChange, errors, rows, region, members, customFields }: Props) {
  const { t } = useTranslation('card');
  const locale = useLocale();
  const [fullName, setFullName] = useState('');
  const set = <K extends keyof ClientFormState>(key: K, value: ClientFormState[K]) =>
    onChange({ ...state, [key]: value });
  type ListKey = 'phones' | 'emails';
  /** Changes one row of the phone or e-mail list. */
  const patchRow = <K extends ListKey>(key: K, index: number, patch: Partial<ClientFormState[K][number]>) =>
    set(key, state[key].map((row, j) => (j === index ? { ...row, ...patch } : row)) as ClientFormState[K]);
  const removeRow = <K extends ListKey>(key: K, index: number) =>
    set(key, state[key].filter((_, j) => j !== index) as ClientFormState[K]);
  const err = (name: string) => fieldError(errors, name);

  const ownerOptions: Option[] = [
    { value: '', label: mode === 'create' ? t('form.ownerMe') : t('form.ownerNone') },
    ...members.map((m) => ({ value: m.userId, label: m.name || m.email })),
  ];
  const phoneTypeOptions: Option[] = [
    { value: '', label: t('form.typeAuto') },
    ...phoneTypes.map((v) => ({ value: v, label: label('phoneType', v, locale) })),
  ];
  const emailTypeOptions: Option[] = [
    { value: '', label: t('form.typeAuto') },
    ...emailTypes.map((v) => ({ value: v, label: label('emailType', v, locale) })),
  ];

  return (
    <div className="client-fields">
      {mode === 'create' ? (
        <fieldset className="fieldset">
          <legend>{t('form.kind')}</legend>
          <div className="radio-row">
            {clientKinds.map((k: ClientKind) => (
              <label key={k} className="radio">
                <input
                  type="radio"
                  name="client-kind"
                  value={k}
                  checked={state.kind === k}
                  onChange={() => set('kind', k)}
                />
                {label('clientKind', k, locale)}
              </label>
            ))}
          </div>
        </fieldset>
      ) : null}

      {state.kind === 'person' ? (
        <fieldset className="fieldset">
          <legend>{t('form.name')}</legend>
          {mode === 'create' ? (
            <TextField
              label={t('form.fullName')}
              hint={t('form.fullNameHint')}
              value={fullName}
              autoComplete="off"
              onChange={(e) => {
                setFullName(e.target.value);
                onChange(withFullName(state, e.target.value));
              }}
            />
          ) : null}
          <div className="row">
            <TextField
              label={t('form.lastName')}
              required
              value={state.lastName}
              onChange={(e) => set('lastName', e.target.value)}
              error={err('lastName')}
            />
            <TextField
              label={t('form.firstName')}
              required
              value={state.firstName}
              onChange={(e) => set('firstName', e.target.value)}
              error={err('firstName')}
            />
            <TextField
              label={t('form.patronymic')}
              value={state.patronymic}
              onChange={(e) => set('patronymic', e.target.value)}
              error={err('patronymic')}
            />
            <TextField
              label={t('form.birthday')}
              type="date"
              value={state.birthday}
              onChange={(e) => set('birthday', e.target.value)}
              error={err('birthday')}
            />
          </div>
          {state.lastName || state.firstName ? (
            <p className="preview preview-ok">
              {t('form.displayAs', {
                value: personDisplayName({
                  lastName: state.lastName,
                  firstName: state.firstName,
                  patronymic: state.patronymic,
                }),
              })}
            </p>
          ) : null}
        </fieldset>
      ) : (
        <fieldset className="fieldset">
          <legend>{t('form.company')}</legend>
          <TextField
            label={t('form.legalName')}
            required
            value={state.legalName}
            onChange={(e) => set('legalName', e.target.value)}
            error={err('legalName')}
          />
          <div className="row">
            <TextField
              label={t('form.inn')}
              inputMode="numeric"
              value={state.inn}
              onChange={(e) => set('inn', e.target.value)}
              error={err('inn')}
              hint={previewHint(previewInn(state.inn), err('inn'))}
            />
            <TextField
              label={t('form.kpp')}
              value={state.kpp}
              onChange={(e) => set('kpp', e.target.value)}
              error={err('kpp')}
              hint={previewHint(previewKpp(state.kpp), err('kpp'))}
            />
          </div>
        </fieldset>
      )}

      <fieldset className="fieldset">
        <legend>{t('form.phones')}</legend>
        {state.phones.map((p, i) => {
          const e164 = e164Of(p.number, region);
          const phoneError = rowError(errors, 'phones', rows, i);
          return (
            <div className="row contact-row" key={p.key}>
              <TextField
                label={t('form.phoneN', { n: i + 1 })}
                type="tel"
                value={p.number}
                onChange={(e) => patchRow('phones', i, { number: e.target.value })}
                error={phoneError}
                hint={previewHint(
                  previewPhone(p.number, region),
                  phoneError,
                  e164 ? <span className="muted"> · {e164}</span> : null,
                )}
              />
              <SelectField
                label={t('form.phoneTypeN', { n: i + 1 })}
                options={phoneTypeOptions}
                value={p.type}
                onChange={(e) => patchRow('phones', i, { type: e.target.value as (typeof p)['type'] })}
              />
              <button
                type="button"
                className="btn btn-ghost row-remove"
                aria-label={t('form.removePhone', { n: i + 1 })}
                onClick={() => removeRow('phones', i)}
              >
                {t('common:remove')}
              </button>
            </div>
          );
        })}
        <button
          type="button"
          className="btn"
          onClick={() => set('phones', [...state.phones, { key: newRowKey(), number: '', type: '' }])}
        >
          {t('form.addPhone')}
        </button>
      </fieldset>

      <fieldset className="fieldset">
        <legend>{t('form.emails')}</legend>
        {state.emails.map((m, i) => (
          <div className="row contact-row" key={m.key}>
            <TextField
              label={t('form.emailN', { n: i + 1 })}
              type="email"
              value={m.address}
              onChange={(e) => patchRow('emails', i, { address: e.target.value })}
              error={rowError(errors, 'emails', rows, i)}
              hint={previewHint(previewEmail(m.address), rowError(errors, 'emails', rows, i))}
            />
            <SelectField
              label={t('form.emailTypeN', { n: i + 1 })}
              options={emailTypeOptions}
              value={m.type}
              onChange={(e) => patchRow('emails', i, { type: e.target.value as (typeof m)['type'] })}
            />
            <button
              type="button"
              className="btn btn-ghost row-remove"
              aria-label={t('form.removeEmail', { n: i + 1 })}
              onClick={() => removeRow('emails', i)}
            >
              {t('common:remove')}
            </button>
          </div>
        ))}
        <button
          type="button"
          className="btn"
          onClick={() => set('emails', [...state.emails, { key: newRowKey(), address: '', type: '' }])}
        >
          {t('form.addEmail')}
        </button>
      </fieldset>

      <fieldset className="fieldset">
        <legend>{t('form.more')}</legend>
        <div className="row">
          <TextField
            label={t('form.city')}
            value={state.city}
            onChange={(e) => set('city', e.target.value)}
            error={err('city')}
          />
          <TextField
            label={t('form.address')}
            className="field-wide"
            value={state.address}
            onChange={(e) => set('address', e.target.value)}
            error={err('address')}
          />
        </div>
        <div className="row">
          <TextField
            label={t('form.tags')}
            hint={t('form.tagsHint')}
            value={state.tags}
            onChange={(e) => set('tags', e.target.value)}
            error={err('tags')}
          />
          <SelectField
            label={t('form.owner')}
            options={ownerOptions}
            value={state.ownerId}
            onChange={(e) => set('ownerId', e.target.value)}
            error={err('ownerId')}
          />
        </div>
        {customFields.length > 0 ? (
          <div className="row">
            {customFields.map((def) => (
              <CustomField
                key={def.key}
                def={def}
                value={state.custom[def.key]}
                error={err(`custom.${def.key}`)}
                onChange={(v) => set('custom', { ...state.custom, [def.key]: v })}
              />
            ))}
          </div>
        ) : null}
      </fieldset>

      {mode === 'create' ? (
        <SourceFields source={state.source} onChange={(s) => set('source', s)} errors={errors} />
      ) : null}
    </div>
  );
}

function CustomField({
  def,
  value,
  error,
  onChange,
}: {
  def: CustomFieldDef;
  value: string | boolean | undefined;
  error: string | undefined;
  onChange: (v: string | boolean) => void;
}) {
  const { t } = useTranslation('card');
  const text = typeof value === 'string' ? value : '';
  switch (def.type) {
    case 'boolean':
      return (
        <div className="field">
          <CheckboxField
            label={def.label}
            checked={value === true}
            onChange={(e) => onChange(e.target.checked)}
          />
          {error ? <span className="field-error">{error}</span> : null}
        </div>
      );
    case 'one_of':
      return (
        <SelectField
          label={def.label}
          required={def.required}
          options={[
            { value: '', label: t('form.notSet') },
            ...(def.options ?? []).map((o) => ({ value: o, label: o })),
          ]}
          value={text}
          onChange={(e) => onChange(e.target.value)}
          error={error}
        />
      );
    case 'number':
      return (
        <TextField
          label={def.label}
          required={def.required}
          inputMode="decimal"
          value={text}
          onChange={(e) => onChange(e.target.value)}
          error={error}
        />
      );
    case 'date':
      return (
        <TextField
          label={def.label}
          required={def.required}
          type="date"
          value={text}
          onChange={(e) => onChange(e.target.value)}
          error={error}
        />
      );
    case 'text':
      return (
        <TextField
          label={def.label}
          required={def.required}
          value={text}
          onChange={(e) => onChange(e.target.value)}
          error={error}
        />
      );
  }
}

function SourceFields({
  source,
  onChange,
  errors,
}: {
  source: SourceState;
  onChange: (s: SourceState) => void;
  errors: FieldErrors;
}) {
  const { t } = useTranslation('card');
  const locale = useLocale();
  const set = <K extends keyof SourceState>(key: K, value: SourceState[K]) =>
    onChange({ ...source, [key]: value });
  const err = (name: string) => fieldError(errors, `source.${name}`);
  const batches = useQuery({
    queryKey: ['batches', 'list'],
    queryFn: () => trpc.batches.list.query(),
    staleTime: 5 * 60_000,
    enabled: source.channel === 'purchased_list' || source.channel === 'import',
  });
  const batchOptions: Option[] = (batches.data?.items ?? []).map((b) => ({
    value: b.id,
    label: b.vendor ? `${b.name} · ${b.vendor}` : b.name,
  }));
  const channelError = errors.source ?? errors['source.channel'];
  return (
    <fieldset className="fieldset">
      <legend>{t('form.source')}</legend>
      <div className="row">
        <SelectField
          label={t('form.sourceChannel')}
          options={[
            { value: '', label: t('form.notSet') },
            ...sourceChannels.map((c) => ({ value: c, label: label('sourceChannel', c, locale) })),
          ]}
          value={source.channel}
          onChange={(e) => set('channel', e.target.value as SourceState['channel'])}
          error={channelError}
        />
        {(source.channel === 'purchased_list' || source.channel === 'import') && batchOptions.length > 0 ? (
          <SelectField
            label={t('form.batch')}
            required={source.channel === 'purchased_list'}
            value={source.batchId}
            onChange={(e) => set('batchId', e.target.value)}
            error={err('batchId')}
            options={[{ value: '', label: t('form.notSet') }, ...batchOptions]}
          />
        ) : source.channel === 'purchased_list' || source.channel === 'import' ? (
          <TextField
            label={t('form.batchId')}
            hint={t('form.batchIdHint')}
            required={source.channel === 'purchased_list'}
            value={source.batchId}
            onChange={(e) => set('batchId', e.target.value)}
            error={err('batchId')}
          />
        ) : null}
        {source.channel === 'advertising' ? (
          <>
            <TextField
              label={t('form.campaign')}
              value={source.campaign}
              onChange={(e) => set('campaign', e.target.value)}
              error={err('campaign')}
            />
            <TextField
              label="utm_source"
              value={source.utmSource}
              onChange={(e) => set('utmSource', e.target.value)}
              error={err('utm.source')}
            />
            <TextField
              label="utm_medium"
              value={source.utmMedium}
              onChange={(e) => set('utmMedium', e.target.value)}
              error={err('utm.medium')}
            />
            <TextField
              label="utm_campaign"
              value={source.utmCampaign}
              onChange={(e) => set('utmCampaign', e.target.value)}
              error={err('utm.campaign')}
            />
          </>
        ) : null}
        {source.channel === 'web_form' ? (
          <>
            <TextField
              label={t('form.formId')}
              value={source.formId}
              onChange={(e) => set('formId', e.target.value)}
              error={err('formId')}
            />
            <TextField
              label={t('form.url')}
              type="url"
              value={source.url}
              onChange={(e) => set('url', e.target.value)}
              error={err('url')}
            />
          </>
        ) : null}
        {source.channel === 'loyalty_card' ? (
          <TextField
            label={t('form.cardNumber')}
            value={source.cardNumber}
            onChange={(e) => set('cardNumber', e.target.value)}
            error={err('cardNumber')}
          />
        ) : null}
        {source.channel === 'other' ? (
          <TextField
            label={t('form.sourceDetail')}
            value={source.detail}
            onChange={(e) => set('detail', e.target.value)}
            error={err('detail')}
          />
        ) : null}
      </div>
      {source.channel === 'referral' ? (
        <ReferrerPicker
          id={source.referrerId}
          name={source.referrerName}
          error={err('referrerClientId')}
          onPick={(id, name) => onChange({ ...source, referrerId: id, referrerName: name })}
        />
      ) : null}
    </fieldset>
  );
}

/** Finds the referring client by name, phone or e-mail (`clients.search`) and picks one. */
function ReferrerPicker({
  id,
  name,
  error,
  onPick,
}: {
  id: string;
  name: string;
  error: string | undefined;
  onPick: (id: string, name: string) => void;
}) {
  const { t } = useTranslation('card');
  const [q, setQ] = useState('');
  const resultsId = useId();
  const search = useQuery({
    queryKey: ['clients', 'search', { q: q.trim(), limit: 8 }],
    queryFn: () => trpc.clients.search.query({ q: q.trim(), limit: 8 }),
    enabled: q.trim().length >= 2,
  });
  if (id) {
    return (
      <div className="referrer-picked">
        <span>
          {t('form.referrer')}: <strong>{name}</strong>
        </span>
        <button type="button" className="btn" onClick={() => onPick('', '')}>
          {t('form.referrerChange')}
        </button>
        {error ? <span className="field-error">{error}</span> : null}
      </div>
    );
  }
  return (
    <div className="referrer-picker">
      <TextField
        label={t('form.referrerSearch')}
        type="search"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        error={error}
        aria-controls={resultsId}
      />
      <ul id={resultsId} className="referrer-results" aria-live="polite">
        {search.data?.items.map((c) => (
          <li key={c.id}>
            <button type="button" className="btn btn-ghost" onClick={() => onPick(c.id, c.displayName)}>
              {c.displayName}
            </button>
          </li>
        ))}
        {search.data && search.data.items.length === 0 ? (
          <li className="muted">{t('form.referrerNone')}</li>
        ) : null}
      </ul>
    </div>
  );
}
