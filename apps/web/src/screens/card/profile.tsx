import { label } from '@cb/domain';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { trpc } from '../../api/trpc.ts';
import { useCan } from '../../app/session.tsx';
import { useFormat, useLocale } from '../../i18n/format.ts';
import { ClientFields, clientFormFields } from './client-fields.tsx';
import {
  type ClientCard,
  type ClientFormState,
  formFromCard,
  type RowMap,
  toUpdateInput,
  type UpdateInput,
} from './client-form.ts';
import { useCustomFields, useMembers, useRegion } from './data.ts';
import { ProblemLine } from './problem-line.tsx';
import { readProblem, translatedFields } from './problems.ts';

/** One term and its value in a profile list; empty values read as a dash. */
export function Term({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="term">
      <dt>{term}</dt>
      <dd>{children === null || children === undefined || children === '' ? '—' : children}</dd>
    </div>
  );
}

/** The profile: read view, and the inline editor behind "Edit" (Save / Cancel). */
export function ProfilePanel({ card, onReload }: { card: ClientCard; onReload: () => Promise<unknown> }) {
  const { t } = useTranslation('card');
  const canWrite = useCan('manager');
  const [editing, setEditing] = useState<{ base: ClientCard; state: ClientFormState } | null>(null);
  return (
    <section className="panel" aria-labelledby="profile-heading">
      <div className="panel-header">
        <h2 id="profile-heading">{t('profile.title')}</h2>
        {canWrite && !editing ? (
          <button
            type="button"
            className="btn"
            data-testid="edit-profile"
            onClick={() => setEditing({ base: card, state: formFromCard(card) })}
          >
            {t('common:edit')}
          </button>
        ) : null}
      </div>
      {editing ? (
        <ProfileEditor
          base={editing.base}
          state={editing.state}
          onChange={(state) => setEditing({ ...editing, state })}
          onDone={() => setEditing(null)}
          onReload={async () => {
            const fresh = (await onReload()) as { data?: ClientCard } | undefined;
            const next = fresh?.data ?? card;
            setEditing({ base: next, state: formFromCard(next) });
          }}
        />
      ) : (
        <ProfileView card={card} />
      )}
    </section>
  );
}

function ProfileView({ card }: { card: ClientCard }) {
  const { t } = useTranslation('card');
  const locale = useLocale();
  const format = useFormat();
  const members = useMembers();
  const fields = useCustomFields();
  const owner = members.data?.items.find((m) => m.userId === card.ownerId);
  const customDefs = fields.data?.items ?? [];
  const customValue = (value: unknown): ReactNode => {
    if (value === null || value === undefined) return null;
    if (typeof value === 'boolean') return value ? t('common:yes') : t('common:no');
    return String(value);
  };
  return (
    <dl className="terms">
      <Term term={t('profile.kind')}>{label('clientKind', card.kind, locale)}</Term>
      {card.kind === 'person' ? (
        <>
          <Term term={t('form.lastName')}>{card.lastName}</Term>
          <Term term={t('form.firstName')}>{card.firstName}</Term>
          <Term term={t('form.patronymic')}>{card.patronymic}</Term>
          <Term term={t('form.birthday')}>
            {card.birthday ? format.date(`${card.birthday}T00:00:00`) : null}
          </Term>
        </>
      ) : (
        <>
          <Term term={t('form.legalName')}>{card.legalName}</Term>
          <Term term={t('form.inn')}>{card.inn}</Term>
          <Term term={t('form.kpp')}>{card.kpp}</Term>
        </>
      )}
      <Term term={t('form.city')}>{card.city}</Term>
      <Term term={t('form.address')}>{card.address}</Term>
      <Term term={t('form.tags')}>
        {card.tags.length > 0 ? (
          <ul className="tags">
            {card.tags.map((tag) => (
              <li key={tag} className="badge">
                {tag}
              </li>
            ))}
          </ul>
        ) : null}
      </Term>
      <Term term={t('form.owner')}>
        {owner ? owner.name || owner.email : card.ownerId ? t('profile.ownerUnknown') : null}
      </Term>
      {customDefs.map((def) => (
        <Term key={def.key} term={def.label}>
          {customValue(card.custom?.[def.key])}
        </Term>
      ))}
      {card.externalId ? <Term term={t('profile.externalId')}>{card.externalId}</Term> : null}
      <Term term={t('profile.verifiedAt')}>{card.verifiedAt ? format.date(card.verifiedAt) : null}</Term>
      <Term term={t('profile.createdAt')}>{format.dateTime(card.createdAt)}</Term>
      <Term term={t('profile.updatedAt')}>{format.dateTime(card.updatedAt)}</Term>
    </dl>
  );
}

function ProfileEditor({
  base,
  state,
  onChange,
  onDone,
  onReload,
}: {
  base: ClientCard;
  state: ClientFormState;
  onChange: (state: ClientFormState) => void;
  onDone: () => void;
  onReload: () => Promise<void>;
}) {
  const { t } = useTranslation('card');
  const queryClient = useQueryClient();
  const region = useRegion();
  const members = useMembers();
  const fields = useCustomFields();
  const [rows, setRows] = useState<RowMap | null>(null);
  const defs = fields.data?.items ?? [];
  const update = useMutation({
    mutationFn: (input: UpdateInput) => trpc.clients.update.mutate(input),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['clients'] });
      onDone();
    },
  });
  const problem = readProblem(update.error);
  const errors = translatedFields(t, problem);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const { input, rows: sentRows } = toUpdateInput(state, base, defs);
    setRows(sentRows);
    update.mutate(input);
  };
  return (
    <form onSubmit={submit} noValidate aria-label={t('profile.editTitle')}>
      <ClientFields
        mode="edit"
        state={state}
        onChange={onChange}
        errors={errors}
        rows={rows}
        region={region}
        members={members.data?.items ?? []}
        customFields={defs}
      />
      <ProblemLine
        problem={problem}
        shownFields={clientFormFields}
        onReload={() => {
          update.reset();
          void onReload();
        }}
      />
      <div className="form-actions">
        <button
          type="submit"
          className="btn btn-primary"
          data-testid="save-profile"
          disabled={update.isPending}
        >
          {update.isPending ? t('common:saving') : t('common:save')}
        </button>
        <button type="button" className="btn" onClick={onDone}>
          {t('common:cancel')}
        </button>
      </div>
    </form>
  );
}
