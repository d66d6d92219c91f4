import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldError, toProblem } from '../../api/errors.ts';
import { type Outputs, trpc } from '../../api/trpc.ts';
import { ConfirmDialog } from '../../ui/confirm.tsx';
import { CheckboxField, TextField } from '../../ui/field.tsx';
import { Modal } from '../../ui/modal.tsx';
import { FormError } from '../../ui/states.tsx';
import { type ListState, listStateToView, sameList, viewToListState } from './filters.ts';

export type SavedView = Outputs['views']['list']['items'][number];

export const viewsQuery = {
  queryKey: ['views', 'list'] as const,
  queryFn: async () => (await trpc.views.list.query()).items,
};

/**
 * The saved views of the clients list: choosing one applies its search, filters, sort and columns;
 * the current state can be saved under a name (for oneself or shared with the workspace). A view
 * stays chosen while the list shows what it saved; any change makes the list "unsaved" again.
 */
export function SavedViews({
  current,
  onApply,
}: {
  current: ListState;
  onApply: (state: ListState) => void;
}) {
  const { t } = useTranslation('clients');
  const selectId = useId();
  const views = useQuery(viewsQuery);
  const [dialog, setDialog] = useState<'save' | 'remove' | null>(null);

  const items = views.data ?? [];
  const matching = useMemo(
    () => items.find((v) => sameList(viewToListState(v.state), current)) ?? null,
    [items, current],
  );
  const mine = items.filter((v) => v.mine);
  const shared = items.filter((v) => !v.mine);

  return (
    <div className="saved-views" data-testid="saved-views">
      <div className="inline-field">
        <label htmlFor={selectId}>{t('views.label')}</label>
        <select
          id={selectId}
          value={matching?.id ?? ''}
          disabled={views.isPending || views.isError}
          onChange={(e) => {
            const view = items.find((v) => v.id === e.target.value);
            if (view) onApply(viewToListState(view.state));
          }}
        >
          <option value="">{views.isError ? t('views.unavailable') : t('views.current')}</option>
          {mine.length ? (
            <optgroup label={t('views.mine')}>
              {mine.map((v) => (
                <option key={v.id} value={v.id}>
                  {v.name}
                </option>
              ))}
            </optgroup>
          ) : null}
          {shared.length ? (
            <optgroup label={t('views.shared')}>
              {shared.map((v) => (
                <option key={v.id} value={v.id}>
                  {v.ownerName ? t('views.sharedBy', { name: v.name, owner: v.ownerName }) : v.name}
                </option>
              ))}
            </optgroup>
          ) : null}
        </select>
      </div>
      <button type="button" className="btn" onClick={() => setDialog('save')} disabled={views.isError}>
        {t('views.save')}
      </button>
      {matching?.mine ? (
        <button type="button" className="btn btn-danger" onClick={() => setDialog('remove')}>
          {t('views.remove')}
        </button>
      ) : null}
      {dialog === 'save' ? <SaveViewDialog current={current} onClose={() => setDialog(null)} /> : null}
      {dialog === 'remove' && matching ? (
        <RemoveViewDialog view={matching} onClose={() => setDialog(null)} />
      ) : null}
    </div>
  );
}

function SaveViewDialog({ current, onClose }: { current: ListState; onClose: () => void }) {
  const { t } = useTranslation('clients');
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [shared, setShared] = useState(false);
  const save = useMutation({
    mutationFn: () => trpc.views.save.mutate({ name: name.trim(), state: listStateToView(current), shared }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['views'] });
      onClose();
    },
  });
  const fields = save.error ? toProblem(save.error).fields : {};
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim()) save.mutate();
  };
  return (
    <Modal title={t('views.saveTitle')} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <TextField
          label={t('views.name')}
          value={name}
          maxLength={100}
          required
          onChange={(e) => setName(e.target.value)}
          error={fieldError(fields, 'name')}
        />
        <CheckboxField
          label={t('views.sharedLabel')}
          checked={shared}
          onChange={(e) => setShared(e.target.checked)}
        />
        {save.error && Object.keys(fields).length === 0 ? <FormError error={save.error} /> : null}
        <div className="row">
          <button type="submit" className="btn btn-primary" disabled={!name.trim() || save.isPending}>
            {save.isPending ? t('common:saving') : t('common:save')}
          </button>
          <button type="button" className="btn" onClick={onClose}>
            {t('common:cancel')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

function RemoveViewDialog({ view, onClose }: { view: SavedView; onClose: () => void }) {
  const { t } = useTranslation('clients');
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: () => trpc.views.remove.mutate({ id: view.id }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['views'] });
      onClose();
    },
  });
  return (
    <ConfirmDialog
      title={t('views.removeTitle', { name: view.name })}
      confirmLabel={t('views.removeConfirm')}
      pending={remove.isPending}
      error={<FormError error={remove.error} />}
      onConfirm={() => remove.mutate()}
      onClose={onClose}
    />
  );
}
