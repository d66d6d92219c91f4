import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { trpc } from '../../api/trpc.ts';
import { useCan } from '../../app/session.tsx';
import { Page } from '../../ui/page.tsx';
import { Empty, ErrorState } from '../../ui/states.tsx';
import { ClientFields, clientFormFields } from './client-fields.tsx';
import { type ClientFormState, emptyClientForm, type RowMap, toCreateInput } from './client-form.ts';
import { useCustomFields, useMembers, useRegion } from './data.ts';
import { ProblemLine } from './problem-line.tsx';
import { readProblem, translatedFields } from './problems.ts';
import './card.css';

export default function NewClient() {
  const { t } = useTranslation('card');
  const canWrite = useCan('manager');
  if (!canWrite) {
    return (
      <Page title={t('newClient.title')}>
        <Empty title={t('newClient.forbidden')} action={<Link to="/clients">{t('backToList')}</Link>} />
      </Page>
    );
  }
  return <NewClientForm />;
}

function NewClientForm() {
  const { t } = useTranslation('card');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const region = useRegion();
  const members = useMembers();
  const fields = useCustomFields();
  const [state, setState] = useState<ClientFormState>(() => emptyClientForm());
  const [rows, setRows] = useState<RowMap | null>(null);
  const defs = fields.data?.items ?? [];

  const create = useMutation({
    mutationFn: (input: ReturnType<typeof toCreateInput>['input']) => trpc.clients.create.mutate(input),
    onSuccess: async (client) => {
      await queryClient.invalidateQueries({ queryKey: ['clients'] });
      navigate(`/clients/${client.id}`);
    },
  });
  const problem = readProblem(create.error);
  const errors = translatedFields(t, problem);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const { input, rows: sentRows } = toCreateInput(state, defs);
    setRows(sentRows);
    create.mutate(input);
  };

  return (
    <Page title={t('newClient.title')}>
      {fields.isError ? <ErrorState error={fields.error} onRetry={() => void fields.refetch()} /> : null}
      <form className="panel client-form" onSubmit={submit} noValidate aria-label={t('newClient.title')}>
        <ClientFields
          mode="create"
          state={state}
          onChange={setState}
          errors={errors}
          rows={rows}
          region={region}
          members={members.data?.items ?? []}
          customFields={defs}
        />
        <ProblemLine problem={problem} shownFields={clientFormFields} />
        <div className="form-actions">
          <button
            type="submit"
            className="btn btn-primary"
            data-testid="save-client"
            disabled={create.isPending}
          >
            {create.isPending ? t('common:saving') : t('newClient.submit')}
          </button>
          <Link className="btn" to="/clients">
            {t('common:cancel')}
          </Link>
        </div>
      </form>
    </Page>
  );
}
