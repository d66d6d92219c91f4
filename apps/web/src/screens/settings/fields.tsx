import { type CustomFieldType, customFieldTypes, label } from '@cb/domain';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldError, toProblem } from '../../api/errors.ts';
import { type Outputs, trpc } from '../../api/trpc.ts';
import { useCan } from '../../app/session.tsx';
import { useLocale } from '../../i18n/format.ts';
import { CheckboxField, SelectField, TextAreaField, TextField } from '../../ui/field.tsx';
import { Modal } from '../../ui/modal.tsx';
import { Empty, ErrorState, FormError, Loading } from '../../ui/states.tsx';
import {
  emptyFieldForm,
  type FieldFormIssues,
  type FieldFormState,
  fieldFormFrom,
  validateFieldForm,
} from './field-form.ts';

type FieldRow = Outputs['fields']['list']['items'][number];
type Editing = { mode: 'create' } | { mode: 'edit'; field: FieldRow };

export function FieldsTab() {
  const { t } = useTranslation('settings');
  const locale = useLocale();
  const isAdmin = useCan('admin');
  const [editing, setEditing] = useState<Editing | null>(null);
  const list = useQuery({ queryKey: ['fields', 'list'], queryFn: () => trpc.fields.list.query() });

  const newButton = isAdmin ? (
    <button type="button" className="btn btn-primary" onClick={() => setEditing({ mode: 'create' })}>
      {t('fields.new')}
    </button>
  ) : null;

  let body: React.ReactNode;
  if (list.isPending) body = <Loading />;
  else if (list.isError) body = <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  else if (list.data.items.length === 0)
    body = (
      <Empty
        title={t('fields.empty')}
        hint={isAdmin ? t('fields.emptyHint') : undefined}
        action={newButton}
      />
    );
  else
    body = (
      <table className="data">
        <caption className="sr-only">{t('fields.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('fields.label')}</th>
            <th scope="col">{t('fields.key')}</th>
            <th scope="col">{t('fields.type')}</th>
            <th scope="col">{t('fields.options')}</th>
            <th scope="col">{t('fields.required')}</th>
            {isAdmin ? (
              <th scope="col">
                <span className="sr-only">{t('actions')}</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {list.data.items.map((field) => (
            <tr key={field.id}>
              <td>{field.label}</td>
              <td>
                <code>{field.key}</code>
              </td>
              <td>{label('customFieldType', field.type, locale)}</td>
              <td>
                {field.options && field.options.length > 0 ? field.options.join(', ') : t('common:none')}
              </td>
              <td>{field.required ? t('common:yes') : t('common:no')}</td>
              {isAdmin ? (
                <td className="settings-row-actions">
                  <button
                    type="button"
                    className="btn"
                    onClick={() => setEditing({ mode: 'edit', field })}
                    aria-label={t('fields.editNamed', { label: field.label })}
                  >
                    {t('common:edit')}
                  </button>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    );

  return (
    <section aria-labelledby="settings-fields-title">
      <div className="settings-tab-header">
        <h2 id="settings-fields-title">{t('fields.title')}</h2>
        {list.data && list.data.items.length > 0 ? newButton : null}
      </div>
      <p className="muted settings-lead">{t('fields.lead')}</p>
      {isAdmin ? null : <p className="settings-note">{t('fields.readOnly')}</p>}
      {body}
      {editing ? (
        <FieldDialog
          editing={editing}
          takenKeys={editing.mode === 'create' ? (list.data?.items.map((f) => f.key) ?? []) : []}
          onClose={() => setEditing(null)}
        />
      ) : null}
    </section>
  );
}

function FieldDialog({
  editing,
  takenKeys,
  onClose,
}: {
  editing: Editing;
  takenKeys: string[];
  onClose: () => void;
}) {
  const { t } = useTranslation('settings');
  const locale = useLocale();
  const queryClient = useQueryClient();
  const isEdit = editing.mode === 'edit';
  const [state, setState] = useState<FieldFormState>(() =>
    editing.mode === 'edit' ? fieldFormFrom(editing.field) : emptyFieldForm,
  );
  const [issues, setIssues] = useState<FieldFormIssues>({});
  const define = useMutation({
    mutationFn: (input: Parameters<typeof trpc.fields.define.mutate>[0]) => trpc.fields.define.mutate(input),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['fields'] });
      onClose();
    },
  });
  const server = define.error ? toProblem(define.error).fields : {};
  const set = <K extends keyof FieldFormState>(key: K, value: FieldFormState[K]) => {
    setState((s) => ({ ...s, [key]: value }));
    if (issues[key as keyof FieldFormIssues]) setIssues((i) => ({ ...i, [key]: undefined }));
    if (define.isError) define.reset();
  };
  const issueText = (name: keyof FieldFormIssues) => {
    const code = issues[name];
    return code ? t(`fields.issue.${code}`) : fieldError(server, name);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const checked = validateFieldForm(state, takenKeys);
    if (!checked.ok) {
      setIssues(checked.issues);
      return;
    }
    setIssues({});
    define.mutate(checked.definition);
  };
  const serverHasField = ['key', 'label', 'type', 'options', 'required'].some((f) => fieldError(server, f));

  return (
    <Modal title={isEdit ? t('fields.editTitle') : t('fields.createTitle')} onClose={onClose}>
      <form onSubmit={submit} noValidate className="settings-dialog-form">
        <TextField
          label={t('fields.label')}
          value={state.label}
          onChange={(e) => set('label', e.target.value)}
          error={issueText('label')}
          required
          maxLength={200}
        />
        <TextField
          label={t('fields.key')}
          value={state.key}
          onChange={(e) => set('key', e.target.value)}
          error={issueText('key')}
          hint={isEdit ? t('fields.keyFixed') : t('fields.keyHint')}
          readOnly={isEdit}
          required
          spellCheck={false}
          autoComplete="off"
        />
        <SelectField
          label={t('fields.type')}
          value={state.type}
          onChange={(e) => set('type', e.target.value as CustomFieldType)}
          options={customFieldTypes.map((type) => ({
            value: type,
            label: label('customFieldType', type, locale),
          }))}
          disabled={isEdit}
          hint={isEdit ? t('fields.typeFixed') : t('fields.typeHint')}
          error={issueText('type')}
        />
        {state.type === 'one_of' ? (
          <TextAreaField
            label={t('fields.options')}
            value={state.options}
            onChange={(e) => set('options', e.target.value)}
            hint={t('fields.optionsHint')}
            error={issueText('options')}
            rows={5}
          />
        ) : null}
        <CheckboxField
          label={t('fields.requiredLabel')}
          checked={state.required}
          onChange={(e) => set('required', e.target.checked)}
        />
        {define.error && !serverHasField ? <FormError error={define.error} /> : null}
        <div className="row dialog-actions">
          <button type="submit" className="btn btn-primary" disabled={define.isPending}>
            {define.isPending ? t('common:saving') : t('common:save')}
          </button>
          <button type="button" className="btn" onClick={onClose}>
            {t('common:cancel')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
