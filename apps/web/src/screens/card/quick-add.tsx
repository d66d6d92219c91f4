import {
  type InteractionDirection,
  type InteractionKind,
  interactionDirections,
  interactionKinds,
  label,
} from '@cb/domain';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldError } from '../../api/errors.ts';
import { type Inputs, type Outputs, trpc } from '../../api/trpc.ts';
import { useFormat, useLocale } from '../../i18n/format.ts';
import { SelectField, TextAreaField, TextField } from '../../ui/field.tsx';
import { useMembers } from './data.ts';
import { ProblemLine } from './problem-line.tsx';
import { readProblem, translatedFields } from './problems.ts';
import { localInputToIso, toLocalInput } from './time.ts';

type Purchase = Extract<Outputs['clients']['timeline']['items'][number], { type: 'purchase' }>;

export type InteractionForm = {
  kind: InteractionKind;
  direction: InteractionDirection | '';
  at: string;
  summary: string;
};
export type PurchaseForm = { at: string; amount: string; note: string };
export type PaymentForm = { at: string; amount: string; method: string; purchaseId: string };
export type TaskForm = { title: string; dueAt: string; assigneeId: string };

const trimmed = <K extends string>(key: K, value: string) =>
  value.trim() === '' ? {} : ({ [key]: value.trim() } as Record<K, string>);

export function toInteractionInput(clientId: string, f: InteractionForm): Inputs['interactions']['add'] {
  return {
    clientId,
    kind: f.kind,
    at: localInputToIso(f.at),
    ...(f.direction ? { direction: f.direction } : {}),
    ...trimmed('summary', f.summary),
  };
}

/** The amount goes as typed (`1234,50` or `1234.50`): the API reads roubles from the text exactly. */
export function toPurchaseInput(clientId: string, f: PurchaseForm): Inputs['purchases']['add'] {
  return {
    clientId,
    at: localInputToIso(f.at),
    amount: f.amount.replace(/[\s\u00A0]/g, ''),
    ...trimmed('note', f.note),
  };
}

export function toPaymentInput(clientId: string, f: PaymentForm): Inputs['payments']['add'] {
  return {
    clientId,
    at: localInputToIso(f.at),
    amount: f.amount.replace(/[\s\u00A0]/g, ''),
    ...trimmed('method', f.method),
    ...(f.purchaseId ? { purchaseId: f.purchaseId } : {}),
  };
}

export function toTaskInput(clientId: string, f: TaskForm): Inputs['tasks']['add'] {
  return {
    clientId,
    title: f.title,
    ...(f.dueAt.trim() ? { dueAt: localInputToIso(f.dueAt) } : {}),
    ...(f.assigneeId ? { assigneeId: f.assigneeId } : {}),
  };
}

/**
 * One small form: its mutation, field errors by path, reset after success. Every quick-add
 * refetches the card (`['clients']`), so the temperature and its reasons follow at once.
 */
function useQuickForm<F, I>(
  initial: () => F,
  send: (input: I) => Promise<unknown>,
  extraKeys: string[] = [],
) {
  const queryClient = useQueryClient();
  const { t } = useTranslation('card');
  const [form, setForm] = useState<F>(initial);
  const mutation = useMutation({
    mutationFn: send,
    onSuccess: async () => {
      setForm(initial());
      await Promise.all(
        ['clients', ...extraKeys].map((key) => queryClient.invalidateQueries({ queryKey: [key] })),
      );
    },
  });
  const problem = readProblem(mutation.error);
  const errors = translatedFields(t, problem);
  const set = <K extends keyof F>(key: K, value: F[K]) => setForm((f) => ({ ...f, [key]: value }));
  return { form, set, mutation, problem, err: (name: string) => fieldError(errors, name) };
}

function QuickForm({
  id,
  title,
  testId,
  onSubmit,
  pending,
  children,
  footer,
}: {
  id: string;
  title: string;
  testId?: string;
  onSubmit: () => void;
  pending: boolean;
  children: ReactNode;
  footer: ReactNode;
}) {
  const { t } = useTranslation('card');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit();
  };
  return (
    <div className="quick-form" data-testid={testId}>
      <form onSubmit={submit} noValidate aria-labelledby={id}>
        <h4 id={id}>{title}</h4>
        {children}
        {footer}
        <button type="submit" className="btn btn-primary" disabled={pending}>
          {pending ? t('common:saving') : t('common:add')}
        </button>
      </form>
    </div>
  );
}

export function QuickAdd({ clientId, purchases }: { clientId: string; purchases: Purchase[] }) {
  const { t } = useTranslation('card');
  return (
    <div className="quick-add">
      <h3>{t('quick.title')}</h3>
      <div className="quick-grid">
        <InteractionQuickAdd clientId={clientId} />
        <PurchaseQuickAdd clientId={clientId} />
        <PaymentQuickAdd clientId={clientId} purchases={purchases} />
        <TaskQuickAdd clientId={clientId} />
      </div>
    </div>
  );
}

function InteractionQuickAdd({ clientId }: { clientId: string }) {
  const { t } = useTranslation('card');
  const locale = useLocale();
  const q = useQuickForm<InteractionForm, Inputs['interactions']['add']>(
    () => ({ kind: 'call', direction: 'outbound', at: toLocalInput(new Date()), summary: '' }),
    (input) => trpc.interactions.add.mutate(input),
  );
  return (
    <QuickForm
      id="quick-interaction"
      title={t('quick.interaction')}
      pending={q.mutation.isPending}
      onSubmit={() => q.mutation.mutate(toInteractionInput(clientId, q.form))}
      footer={<ProblemLine problem={q.problem} shownFields={['kind', 'direction', 'at', 'summary']} />}
    >
      <div className="row">
        <SelectField
          label={t('quick.kind')}
          options={interactionKinds.map((k) => ({ value: k, label: label('interactionKind', k, locale) }))}
          value={q.form.kind}
          onChange={(e) => q.set('kind', e.target.value as InteractionKind)}
          error={q.err('kind')}
        />
        <SelectField
          label={t('quick.direction')}
          options={[
            { value: '', label: t('form.notSet') },
            ...interactionDirections.map((d) => ({
              value: d,
              label: label('interactionDirection', d, locale),
            })),
          ]}
          value={q.form.direction}
          onChange={(e) => q.set('direction', e.target.value as InteractionForm['direction'])}
          error={q.err('direction')}
        />
        <TextField
          label={t('quick.at')}
          type="datetime-local"
          value={q.form.at}
          onChange={(e) => q.set('at', e.target.value)}
          error={q.err('at')}
        />
      </div>
      <TextAreaField
        label={t('quick.summary')}
        rows={2}
        value={q.form.summary}
        onChange={(e) => q.set('summary', e.target.value)}
        error={q.err('summary')}
      />
    </QuickForm>
  );
}

function PurchaseQuickAdd({ clientId }: { clientId: string }) {
  const { t } = useTranslation('card');
  const q = useQuickForm<PurchaseForm, Inputs['purchases']['add']>(
    () => ({ at: toLocalInput(new Date()), amount: '', note: '' }),
    (input) => trpc.purchases.add.mutate(input),
  );
  return (
    <QuickForm
      id="quick-purchase"
      testId="add-purchase"
      title={t('quick.purchase')}
      pending={q.mutation.isPending}
      onSubmit={() => q.mutation.mutate(toPurchaseInput(clientId, q.form))}
      footer={<ProblemLine problem={q.problem} shownFields={['at', 'amount', 'note', 'currency']} />}
    >
      <div className="row">
        <TextField
          label={t('quick.amount')}
          inputMode="decimal"
          hint={t('quick.amountHint')}
          value={q.form.amount}
          onChange={(e) => q.set('amount', e.target.value)}
          error={q.err('amount')}
        />
        <TextField
          label={t('quick.at')}
          type="datetime-local"
          value={q.form.at}
          onChange={(e) => q.set('at', e.target.value)}
          error={q.err('at')}
        />
      </div>
      <TextField
        label={t('quick.note')}
        value={q.form.note}
        onChange={(e) => q.set('note', e.target.value)}
        error={q.err('note')}
      />
    </QuickForm>
  );
}

function PaymentQuickAdd({ clientId, purchases }: { clientId: string; purchases: Purchase[] }) {
  const { t } = useTranslation('card');
  const format = useFormat();
  const q = useQuickForm<PaymentForm, Inputs['payments']['add']>(
    () => ({ at: toLocalInput(new Date()), amount: '', method: '', purchaseId: '' }),
    (input) => trpc.payments.add.mutate(input),
  );
  return (
    <QuickForm
      id="quick-payment"
      title={t('quick.payment')}
      pending={q.mutation.isPending}
      onSubmit={() => q.mutation.mutate(toPaymentInput(clientId, q.form))}
      footer={
        <ProblemLine problem={q.problem} shownFields={['at', 'amount', 'method', 'purchaseId', 'currency']} />
      }
    >
      <div className="row">
        <TextField
          label={t('quick.amount')}
          inputMode="decimal"
          hint={t('quick.amountHint')}
          value={q.form.amount}
          onChange={(e) => q.set('amount', e.target.value)}
          error={q.err('amount')}
        />
        <TextField
          label={t('quick.at')}
          type="datetime-local"
          value={q.form.at}
          onChange={(e) => q.set('at', e.target.value)}
          error={q.err('at')}
        />
      </div>
      <div className="row">
        <TextField
          label={t('quick.method')}
          value={q.form.method}
          onChange={(e) => q.set('method', e.target.value)}
          error={q.err('method')}
        />
        <SelectField
          label={t('quick.forPurchase')}
          options={[
            { value: '', label: t('quick.noPurchase') },
            ...purchases.map((p) => ({
              value: p.id,
              label: `${format.date(p.at)} · ${format.money(p.amountKopecks, p.currency)}`,
            })),
          ]}
          value={q.form.purchaseId}
          onChange={(e) => q.set('purchaseId', e.target.value)}
          error={q.err('purchaseId')}
        />
      </div>
    </QuickForm>
  );
}

function TaskQuickAdd({ clientId }: { clientId: string }) {
  const { t } = useTranslation('card');
  const members = useMembers();
  const q = useQuickForm<TaskForm, Inputs['tasks']['add']>(
    () => ({ title: '', dueAt: '', assigneeId: '' }),
    (input) => trpc.tasks.add.mutate(input),
    ['tasks'],
  );
  return (
    <QuickForm
      id="quick-task"
      title={t('quick.task')}
      pending={q.mutation.isPending}
      onSubmit={() => q.mutation.mutate(toTaskInput(clientId, q.form))}
      footer={<ProblemLine problem={q.problem} shownFields={['title', 'dueAt', 'assigneeId']} />}
    >
      <TextField
        label={t('quick.taskTitle')}
        required
        value={q.form.title}
        onChange={(e) => q.set('title', e.target.value)}
        error={q.err('title')}
      />
      <div className="row">
        <TextField
          label={t('quick.dueAt')}
          type="datetime-local"
          value={q.form.dueAt}
          onChange={(e) => q.set('dueAt', e.target.value)}
          error={q.err('dueAt')}
        />
        <SelectField
          label={t('quick.assignee')}
          options={[
            { value: '', label: t('quick.noAssignee') },
            ...(members.data?.items ?? []).map((m) => ({ value: m.userId, label: m.name || m.email })),
          ]}
          value={q.form.assigneeId}
          onChange={(e) => q.set('assigneeId', e.target.value)}
          error={q.err('assigneeId')}
        />
      </div>
    </QuickForm>
  );
}
