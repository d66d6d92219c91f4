import { label, type Role, roles } from '@cb/domain';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldError, toProblem } from '../../api/errors.ts';
import { type Outputs, trpc } from '../../api/trpc.ts';
import { useCan, useSession } from '../../app/session.tsx';
import { useFormat, useLocale } from '../../i18n/format.ts';
import { ConfirmDialog } from '../../ui/confirm.tsx';
import { SelectField, TextField } from '../../ui/field.tsx';
import { Empty, ErrorState, FormError, Loading } from '../../ui/states.tsx';
import { CopyField } from './common.tsx';

type Member = Outputs['members']['list']['items'][number];
type Invited = Outputs['members']['invite'];

/**
 * The roles the caller may hand out, as the API decides it: an owner any, an admin any but owner.
 * The server still has the last word (e.g. the last owner cannot be demoted); its message is shown.
 */
export function assignableRoles(actor: Role | null): Role[] {
  if (actor === 'owner') return [...roles];
  if (actor === 'admin') return roles.filter((r) => r !== 'owner');
  return [];
}

/**
 * The API's refusals of a role change or removal, in the reader's language when they are the known
 * ones (the last owner, a role that may not touch this member); anything else as the server said it.
 */
function MemberRefusal({ error }: { error: unknown }) {
  const { t } = useTranslation('settings');
  const problem = toProblem(error);
  if (problem.code === 'CONFLICT' && problem.fields.role)
    return (
      <p className="form-error" role="alert">
        {t('members.lastOwner')}
      </p>
    );
  if (problem.code === 'FORBIDDEN')
    return (
      <p className="form-error" role="alert">
        {t('members.forbidden')}
      </p>
    );
  return <FormError error={error} />;
}

export function MembersTab() {
  const { t } = useTranslation('settings');
  const format = useFormat();
  const locale = useLocale();
  const session = useSession();
  const isAdmin = useCan('admin');
  const queryClient = useQueryClient();
  const [removing, setRemoving] = useState<Member | null>(null);
  const [roleError, setRoleError] = useState<{ userId: string; error: unknown } | null>(null);
  const list = useQuery({ queryKey: ['members', 'list'], queryFn: () => trpc.members.list.query() });
  const assignable = assignableRoles(session.role);

  const setRole = useMutation({
    mutationFn: (input: { userId: string; role: Role }) => trpc.members.setRole.mutate(input),
    onMutate: () => setRoleError(null),
    onError: (error, input) => setRoleError({ userId: input.userId, error }),
    onSuccess: (_data, input) => {
      void queryClient.invalidateQueries({ queryKey: ['members'] });
      if (input.userId === session.user.id) void queryClient.invalidateQueries({ queryKey: ['auth', 'me'] });
    },
  });

  const mayEdit = (member: Member) => isAdmin && (session.role === 'owner' || member.role !== 'owner');

  let body: React.ReactNode;
  if (list.isPending) body = <Loading />;
  else if (list.isError) body = <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  else if (list.data.items.length === 0) body = <Empty title={t('members.empty')} />;
  else
    body = (
      <table className="data">
        <caption className="sr-only">{t('members.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('members.name')}</th>
            <th scope="col">{t('members.email')}</th>
            <th scope="col">{t('members.role')}</th>
            <th scope="col">{t('members.since')}</th>
            {isAdmin ? (
              <th scope="col">
                <span className="sr-only">{t('actions')}</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {list.data.items.map((member) => {
            const isMe = member.userId === session.user.id;
            const error = roleError?.userId === member.userId ? roleError.error : null;
            return (
              <tr key={member.userId} data-testid="member-row">
                <td>
                  {member.name}
                  {isMe ? <span className="muted"> {t('members.you')}</span> : null}
                </td>
                <td>{member.email}</td>
                <td>
                  {mayEdit(member) ? (
                    <>
                      <select
                        className="settings-inline-select"
                        aria-label={t('members.roleOf', { name: member.name })}
                        value={member.role}
                        disabled={setRole.isPending}
                        onChange={(e) =>
                          setRole.mutate({ userId: member.userId, role: e.target.value as Role })
                        }
                      >
                        {(assignable.includes(member.role) ? assignable : [member.role, ...assignable]).map(
                          (r) => (
                            <option key={r} value={r}>
                              {label('role', r, locale)}
                            </option>
                          ),
                        )}
                      </select>
                      {error ? <MemberRefusal error={error} /> : null}
                    </>
                  ) : (
                    label('role', member.role, locale)
                  )}
                </td>
                <td>{format.date(member.since)}</td>
                {isAdmin ? (
                  <td className="settings-row-actions">
                    {mayEdit(member) ? (
                      <button
                        type="button"
                        className="btn btn-danger"
                        onClick={() => setRemoving(member)}
                        aria-label={t('members.removeNamed', { name: member.name })}
                      >
                        {t('common:remove')}
                      </button>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    );

  return (
    <section aria-labelledby="settings-members-title">
      <h2 id="settings-members-title">{t('members.title')}</h2>
      <p className="muted settings-lead">{t('members.lead')}</p>
      {isAdmin ? (
        <InviteForm assignable={assignable} />
      ) : (
        <p className="settings-note">{t('members.readOnly')}</p>
      )}
      <h3>{t('members.listTitle')}</h3>
      {body}
      {removing ? <RemoveDialog member={removing} onClose={() => setRemoving(null)} /> : null}
    </section>
  );
}

function InviteForm({ assignable }: { assignable: Role[] }) {
  const { t } = useTranslation('settings');
  const locale = useLocale();
  const format = useFormat();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('manager');
  const [invited, setInvited] = useState<Invited | null>(null);
  const invite = useMutation({
    mutationFn: () =>
      trpc.members.invite.mutate({ email, role, ...(name.trim() ? { name: name.trim() } : {}) }),
    onSuccess: (data) => {
      setInvited(data);
      setEmail('');
      setName('');
      void queryClient.invalidateQueries({ queryKey: ['members'] });
    },
  });
  const problem = invite.error ? toProblem(invite.error) : null;
  const fields = problem?.fields ?? {};
  const emailError =
    problem?.code === 'CONFLICT' && fields.email ? t('members.alreadyMember') : fieldError(fields, 'email');
  const hasFieldError = ['email', 'name', 'role'].some((f) => fieldError(fields, f));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setInvited(null);
    invite.mutate();
  };
  return (
    <div className="panel settings-invite">
      <h3>{t('members.inviteTitle')}</h3>
      <form onSubmit={submit} noValidate aria-label={t('members.inviteTitle')}>
        <div className="row">
          <TextField
            label={t('members.email')}
            type="email"
            autoComplete="off"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={emailError}
            required
          />
          <TextField
            label={t('members.nameOptional')}
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={fieldError(fields, 'name')}
            autoComplete="off"
          />
          <SelectField
            label={t('members.role')}
            value={role}
            onChange={(e) => setRole(e.target.value as Role)}
            options={assignable.map((r) => ({ value: r, label: label('role', r, locale) }))}
            error={fieldError(fields, 'role')}
          />
          <div className="field settings-row-button">
            <button
              type="submit"
              className="btn btn-primary"
              disabled={invite.isPending || email.trim() === ''}
            >
              {t('members.invite')}
            </button>
          </div>
        </div>
        {invite.error && !hasFieldError ? (
          problem?.code === 'FORBIDDEN' ? (
            <p className="form-error" role="alert">
              {t('members.forbiddenInvite')}
            </p>
          ) : (
            <FormError error={invite.error} />
          )
        ) : null}
      </form>
      {invited ? (
        <div className="settings-result" role="status" data-testid="invite-result">
          {invited.invite ? (
            <>
              <p>
                {t('members.invitedWithLink', {
                  email: invited.email,
                  date: format.dateTime(invited.invite.expiresAt),
                })}
              </p>
              <CopyField label={t('members.inviteLink')} value={invited.invite.url} testId="invite-link" />
            </>
          ) : (
            <p>{t('members.invitedExisting', { email: invited.email })}</p>
          )}
        </div>
      ) : null}
    </div>
  );
}

function RemoveDialog({ member, onClose }: { member: Member; onClose: () => void }) {
  const { t } = useTranslation('settings');
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: () => trpc.members.remove.mutate({ userId: member.userId }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['members'] });
      onClose();
    },
  });
  return (
    <ConfirmDialog
      title={t('members.removeTitle')}
      message={t('members.removeConfirm', { name: member.name, email: member.email })}
      confirmLabel={t('members.removeYes')}
      pending={remove.isPending}
      error={remove.error ? <MemberRefusal error={remove.error} /> : null}
      onConfirm={() => remove.mutate()}
      onClose={onClose}
    />
  );
}
