import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldError, toProblem } from '../../api/errors.ts';
import { type Outputs, trpc } from '../../api/trpc.ts';
import { useFormat } from '../../i18n/format.ts';
import { ConfirmDialog } from '../../ui/confirm.tsx';
import { TextField } from '../../ui/field.tsx';
import { Empty, ErrorState, FormError, Loading } from '../../ui/states.tsx';
import { CopyField } from './common.tsx';

type Token = Outputs['auth']['listApiTokens']['items'][number];
type Created = Outputs['auth']['createApiToken'];

const tokensKey = ['auth', 'listApiTokens'] as const;

/** The caller's own API tokens in this workspace (any role may have them; each acts as its owner). */
export function TokensTab() {
  const { t } = useTranslation('settings');
  const format = useFormat();
  const [revoking, setRevoking] = useState<Token | null>(null);
  const list = useQuery({ queryKey: tokensKey, queryFn: () => trpc.auth.listApiTokens.query() });

  let body: React.ReactNode;
  if (list.isPending) body = <Loading />;
  else if (list.isError) body = <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  else if (list.data.items.length === 0)
    body = <Empty title={t('tokens.empty')} hint={t('tokens.emptyHint')} />;
  else
    body = (
      <table className="data">
        <caption className="sr-only">{t('tokens.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('tokens.name')}</th>
            <th scope="col">{t('tokens.created')}</th>
            <th scope="col">{t('tokens.lastUsed')}</th>
            <th scope="col">{t('tokens.status')}</th>
            <th scope="col">
              <span className="sr-only">{t('actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {list.data.items.map((token) => (
            <tr key={token.id} data-testid="token-row">
              <td>{token.name}</td>
              <td>{format.dateTime(token.createdAt)}</td>
              <td>{token.lastUsedAt ? format.dateTime(token.lastUsedAt) : t('tokens.never')}</td>
              <td>
                {token.revokedAt ? (
                  <span className="badge">
                    {t('tokens.revokedAt', { date: format.dateTime(token.revokedAt) })}
                  </span>
                ) : (
                  <span className="badge settings-badge-ok">{t('tokens.active')}</span>
                )}
              </td>
              <td className="settings-row-actions">
                {token.revokedAt ? null : (
                  <button
                    type="button"
                    className="btn btn-danger"
                    onClick={() => setRevoking(token)}
                    aria-label={t('tokens.revokeNamed', { name: token.name })}
                  >
                    {t('tokens.revoke')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    );

  return (
    <section aria-labelledby="settings-tokens-title">
      <h2 id="settings-tokens-title">{t('tokens.title')}</h2>
      <p className="muted settings-lead">{t('tokens.lead')}</p>
      <CreateTokenForm />
      <h3>{t('tokens.listTitle')}</h3>
      {body}
      {revoking ? <RevokeDialog token={revoking} onClose={() => setRevoking(null)} /> : null}
    </section>
  );
}

function CreateTokenForm() {
  const { t } = useTranslation('settings');
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [created, setCreated] = useState<Created | null>(null);
  const create = useMutation({
    mutationFn: () => trpc.auth.createApiToken.mutate({ name: name.trim() }),
    onSuccess: (data) => {
      setCreated(data);
      setName('');
      void queryClient.invalidateQueries({ queryKey: tokensKey });
    },
  });
  const fields = create.error ? toProblem(create.error).fields : {};
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setCreated(null);
    create.mutate();
  };
  return (
    <div className="panel settings-invite">
      <h3>{t('tokens.createTitle')}</h3>
      <form onSubmit={submit} noValidate aria-label={t('tokens.createTitle')}>
        <div className="row">
          <TextField
            label={t('tokens.name')}
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={fieldError(fields, 'name')}
            hint={t('tokens.nameHint')}
            maxLength={200}
            autoComplete="off"
            required
          />
          <div className="field settings-row-button">
            <button
              type="submit"
              className="btn btn-primary"
              disabled={create.isPending || name.trim() === ''}
            >
              {t('tokens.create')}
            </button>
          </div>
        </div>
        {create.error && !fieldError(fields, 'name') ? <FormError error={create.error} /> : null}
      </form>
      {created ? (
        <div className="settings-result settings-secret" data-testid="token-secret">
          <p className="settings-warning" role="alert">
            {t('tokens.secretWarning', { name: created.name })}
          </p>
          <CopyField label={t('tokens.secret')} value={created.token} testId="token-secret-value" />
          <button type="button" className="btn" onClick={() => setCreated(null)}>
            {t('tokens.secretDone')}
          </button>
        </div>
      ) : null}
    </div>
  );
}

function RevokeDialog({ token, onClose }: { token: Token; onClose: () => void }) {
  const { t } = useTranslation('settings');
  const queryClient = useQueryClient();
  const revoke = useMutation({
    mutationFn: () => trpc.auth.revokeApiToken.mutate({ id: token.id }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: tokensKey });
      onClose();
    },
  });
  return (
    <ConfirmDialog
      title={t('tokens.revokeTitle')}
      message={t('tokens.revokeConfirm', { name: token.name })}
      confirmLabel={t('tokens.revokeYes')}
      pending={revoke.isPending}
      error={<FormError error={revoke.error} />}
      onConfirm={() => revoke.mutate()}
      onClose={onClose}
    />
  );
}
