import {
  type ConsentProofKind,
  type ConsentPurpose,
  type ContactChannel,
  consentProofKinds,
  consentPurposes,
  contactChannels,
  label,
} from '@cb/domain';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldError } from '../../api/errors.ts';
import type { Inputs } from '../../api/trpc.ts';
import { trpc } from '../../api/trpc.ts';
import { useCan, useSession } from '../../app/session.tsx';
import { useFormat, useLocale } from '../../i18n/format.ts';
import { SelectField, TextAreaField, TextField } from '../../ui/field.tsx';
import type { ClientCard } from './client-form.ts';
import { useMembers } from './data.ts';
import { ProblemLine } from './problem-line.tsx';
import { readProblem, translatedFields } from './problems.ts';
import { localInputToIso, toLocalInput } from './time.ts';

export type ConsentInput = Inputs['consents']['set'];
type Proof = ConsentInput['proof'];

export type ConsentFormState = {
  channel: ContactChannel;
  purpose: ConsentPurpose;
  granted: boolean;
  at: string;
  proofKind: ConsentProofKind;
  formId: string;
  url: string;
  ip: string;
  batchId: string;
  documentRef: string;
  managerName: string;
  note: string;
};

const opt = <K extends string>(key: K, value: string) =>
  value.trim() === '' ? {} : ({ [key]: value.trim() } as Record<K, string>);

/** The proof as `ZConsentProof` takes it: only the fields of the chosen kind. */
export function proofOf(s: ConsentFormState): Proof {
  switch (s.proofKind) {
    case 'web_form':
      return { kind: 'web_form', ...opt('formId', s.formId), ...opt('url', s.url), ...opt('ip', s.ip) };
    case 'import_batch':
      return { kind: 'import_batch', batchId: s.batchId.trim() };
    case 'signed_paper':
      return { kind: 'signed_paper', documentRef: s.documentRef };
    case 'verbal':
      return { kind: 'verbal', managerName: s.managerName, ...opt('note', s.note) };
  }
}

export function toConsentInput(clientId: string, s: ConsentFormState): ConsentInput {
  const at = localInputToIso(s.at);
  return {
    clientId,
    channel: s.channel,
    purpose: s.purpose,
    granted: s.granted,
    proof: proofOf(s),
    // Empty means "now", which the server fills in.
    ...(s.at.trim() === '' ? {} : { at }),
  };
}

function describeProof(proof: Record<string, unknown> | null | undefined): string {
  if (!proof) return '';
  return Object.entries(proof)
    .filter(([k, v]) => k !== 'kind' && typeof v === 'string' && v !== '')
    .map(([, v]) => String(v))
    .join(' · ');
}

export function ConsentsPanel({ card }: { card: ClientCard }) {
  const { t } = useTranslation('card');
  const locale = useLocale();
  const format = useFormat();
  const canWrite = useCan('manager');
  const members = useMembers();
  const memberName = (id: string | null) => {
    const m = members.data?.items.find((x) => x.userId === id);
    return m ? m.name || m.email : '';
  };
  const ledger = [...card.consents.ledger].reverse();
  return (
    <section className="panel" aria-labelledby="consents-heading">
      <h2 id="consents-heading">{t('consents.title')}</h2>
      <table className="data consents-current">
        <caption className="sr-only">{t('consents.currentCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('consents.channel')}</th>
            <th scope="col">{t('consents.purpose')}</th>
            <th scope="col">{t('consents.decision')}</th>
          </tr>
        </thead>
        <tbody>
          {card.consents.current.map((c) => (
            <tr key={`${c.channel}-${c.purpose}`}>
              <td>{label('contactChannel', c.channel, locale)}</td>
              <td>{label('consentPurpose', c.purpose, locale)}</td>
              <td>
                <span className={c.allowed ? 'consent-yes' : 'consent-no'}>
                  {c.allowed ? t('consents.allowed') : t('consents.notAllowed')}
                </span>
                <span className="consent-text">{c.text[locale]}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h3>{t('consents.ledger')}</h3>
      {ledger.length === 0 ? (
        <p className="muted">{t('consents.ledgerEmpty')}</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th scope="col">{t('consents.at')}</th>
              <th scope="col">{t('consents.event')}</th>
              <th scope="col">{t('consents.proof')}</th>
            </tr>
          </thead>
          <tbody>
            {ledger.map((c) => {
              const proof = c.proof as Record<string, unknown> | null;
              const kind = proof?.kind as ConsentProofKind | undefined;
              return (
                <tr key={c.id}>
                  <td>{format.dateTime(c.at)}</td>
                  <td>
                    {c.granted ? t('consents.granted') : t('consents.withdrawn')}:{' '}
                    {label('contactChannel', c.channel, locale)}, {label('consentPurpose', c.purpose, locale)}
                  </td>
                  <td>
                    {kind && consentProofKinds.includes(kind)
                      ? label('consentProofKind', kind, locale)
                      : null}
                    {describeProof(proof) ? <span className="muted"> · {describeProof(proof)}</span> : null}
                    {c.recordedBy && memberName(c.recordedBy) ? (
                      <span className="muted">
                        {' '}
                        · {t('consents.recordedBy', { name: memberName(c.recordedBy) })}
                      </span>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {canWrite ? <ConsentForm clientId={card.id} /> : null}
    </section>
  );
}

function ConsentForm({ clientId }: { clientId: string }) {
  const { t } = useTranslation('card');
  const locale = useLocale();
  const me = useSession();
  const queryClient = useQueryClient();
  const initial = (): ConsentFormState => ({
    channel: 'email',
    purpose: 'marketing',
    granted: true,
    at: toLocalInput(new Date()),
    proofKind: 'verbal',
    formId: '',
    url: '',
    ip: '',
    batchId: '',
    documentRef: '',
    managerName: me.user.name,
    note: '',
  });
  const [state, setState] = useState<ConsentFormState>(initial);
  const set = <K extends keyof ConsentFormState>(key: K, value: ConsentFormState[K]) =>
    setState((s) => ({ ...s, [key]: value }));
  const record = useMutation({
    mutationFn: (input: ConsentInput) => trpc.consents.set.mutate(input),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['clients'] });
      setState(initial());
    },
  });
  const problem = readProblem(record.error);
  const errors = translatedFields(t, problem);
  const err = (name: string) => fieldError(errors, name);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    record.mutate(toConsentInput(clientId, state));
  };
  return (
    <form className="subform" onSubmit={submit} noValidate aria-labelledby="consent-form-heading">
      <h3 id="consent-form-heading">{t('consents.record')}</h3>
      <div className="row">
        <SelectField
          label={t('consents.channel')}
          options={contactChannels.map((c) => ({ value: c, label: label('contactChannel', c, locale) }))}
          value={state.channel}
          onChange={(e) => set('channel', e.target.value as ContactChannel)}
          error={err('channel')}
        />
        <SelectField
          label={t('consents.purpose')}
          options={consentPurposes.map((p) => ({ value: p, label: label('consentPurpose', p, locale) }))}
          value={state.purpose}
          onChange={(e) => set('purpose', e.target.value as ConsentPurpose)}
          error={err('purpose')}
        />
        <SelectField
          label={t('consents.event')}
          options={[
            { value: 'grant', label: t('consents.grant') },
            { value: 'withdraw', label: t('consents.withdraw') },
          ]}
          value={state.granted ? 'grant' : 'withdraw'}
          onChange={(e) => set('granted', e.target.value === 'grant')}
        />
        <TextField
          label={t('consents.at')}
          type="datetime-local"
          value={state.at}
          onChange={(e) => set('at', e.target.value)}
          error={err('at')}
        />
      </div>
      <div className="row">
        <SelectField
          label={t('consents.proofKind')}
          options={consentProofKinds.map((k) => ({ value: k, label: label('consentProofKind', k, locale) }))}
          value={state.proofKind}
          onChange={(e) => set('proofKind', e.target.value as ConsentProofKind)}
          error={errors.proof ?? errors['proof.kind']}
        />
        {state.proofKind === 'web_form' ? (
          <>
            <TextField
              label={t('form.formId')}
              value={state.formId}
              onChange={(e) => set('formId', e.target.value)}
              error={err('proof.formId')}
            />
            <TextField
              label={t('form.url')}
              type="url"
              value={state.url}
              onChange={(e) => set('url', e.target.value)}
              error={err('proof.url')}
            />
            <TextField
              label={t('consents.ip')}
              value={state.ip}
              onChange={(e) => set('ip', e.target.value)}
              error={err('proof.ip')}
            />
          </>
        ) : null}
        {state.proofKind === 'import_batch' ? (
          <TextField
            label={t('form.batchId')}
            required
            value={state.batchId}
            onChange={(e) => set('batchId', e.target.value)}
            error={err('proof.batchId')}
          />
        ) : null}
        {state.proofKind === 'signed_paper' ? (
          <TextField
            label={t('consents.documentRef')}
            required
            value={state.documentRef}
            onChange={(e) => set('documentRef', e.target.value)}
            error={err('proof.documentRef')}
          />
        ) : null}
        {state.proofKind === 'verbal' ? (
          <TextField
            label={t('consents.managerName')}
            required
            value={state.managerName}
            onChange={(e) => set('managerName', e.target.value)}
            error={err('proof.managerName')}
          />
        ) : null}
      </div>
      {state.proofKind === 'verbal' ? (
        <TextAreaField
          label={t('consents.note')}
          rows={2}
          value={state.note}
          onChange={(e) => set('note', e.target.value)}
          error={err('proof.note')}
        />
      ) : null}
      <ProblemLine problem={problem} shownFields={['channel', 'purpose', 'at', 'proof']} />
      <button type="submit" className="btn btn-primary" disabled={record.isPending}>
        {record.isPending ? t('common:saving') : t('consents.submit')}
      </button>
    </form>
  );
}
