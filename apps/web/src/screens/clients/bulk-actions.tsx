import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldError, toProblem } from '../../api/errors.ts';
import { type Inputs, trpc } from '../../api/trpc.ts';
import { ConfirmDialog } from '../../ui/confirm.tsx';
import { SelectField, TextField } from '../../ui/field.tsx';
import { Modal } from '../../ui/modal.tsx';
import { FormError } from '../../ui/states.tsx';
import type { FilterMember, FilterSegment } from './filter-panel.tsx';

/** The most clients one `clients.bulk` call takes; a larger selection goes in several calls. */
export const BULK_CHUNK = 1000;

const actionTypes = ['addTag', 'removeTag', 'setOwner', 'addToList', 'archive'] as const;
type ActionType = (typeof actionTypes)[number];

const NO_OWNER = 'none';

export type BulkAction = Inputs['clients']['bulk']['action'];

/** Runs one action over the selection, a chunk per call, and adds up what the API changed. */
export async function runBulk(ids: readonly string[], action: BulkAction): Promise<number> {
  let affected = 0;
  for (let i = 0; i < ids.length; i += BULK_CHUNK) {
    affected += (await trpc.clients.bulk.mutate({ ids: ids.slice(i, i + BULK_CHUNK), action })).affected;
  }
  return affected;
}

/**
 * What can be done to the selected clients: add or remove a tag, set the owner, add to a static
 * list (or a new one), archive. The result says how many clients the action really changed.
 */
export function BulkActions({
  selected,
  onClear,
  members,
  lists,
}: {
  selected: ReadonlySet<string>;
  onClear: () => void;
  members: readonly FilterMember[];
  lists: readonly FilterSegment[];
}) {
  const { t } = useTranslation('clients');
  const queryClient = useQueryClient();
  const headingId = useId();
  const [type, setType] = useState<ActionType | ''>('');
  const [tag, setTag] = useState('');
  const [owner, setOwner] = useState(NO_OWNER);
  const [listId, setListId] = useState('');
  const [confirmArchive, setConfirmArchive] = useState(false);
  const [creatingList, setCreatingList] = useState(false);
  const [result, setResult] = useState<number | null>(null);

  const bulk = useMutation({
    mutationFn: (action: BulkAction) => runBulk([...selected], action),
    onSuccess: async (affected, action) => {
      setResult(affected);
      setConfirmArchive(false);
      setTag('');
      onClear();
      await queryClient.invalidateQueries({ queryKey: ['clients'] });
      if (action.type === 'addToList') await queryClient.invalidateQueries({ queryKey: ['segments'] });
    },
  });
  const fields = bulk.error ? toProblem(bulk.error).fields : {};

  const action = ((): BulkAction | null => {
    switch (type) {
      case 'addTag':
      case 'removeTag':
        return tag.trim() ? { type, tag: tag.trim() } : null;
      case 'setOwner':
        return { type, ownerId: owner === NO_OWNER ? null : owner };
      case 'addToList':
        return listId ? { type, listId } : null;
      case 'archive':
        return { type };
      case '':
        return null;
    }
  })();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!action || selected.size === 0) return;
    setResult(null);
    if (action.type === 'archive') setConfirmArchive(true);
    else bulk.mutate(action);
  };

  return (
    <section className="bulk-actions panel" data-testid="bulk-actions" aria-labelledby={headingId}>
      <h2 id={headingId} className="bulk-title">
        {selected.size ? t('bulk.selected', { count: selected.size }) : t('bulk.noneSelected')}
      </h2>
      {selected.size ? (
        <form className="row" onSubmit={submit}>
          <SelectField
            label={t('bulk.action')}
            value={type}
            onChange={(e) => {
              setType(e.target.value as ActionType | '');
              bulk.reset();
            }}
            options={[
              { value: '', label: t('bulk.chooseAction') },
              ...actionTypes.map((a) => ({ value: a, label: t(`bulk.${a}`) })),
            ]}
          />
          {type === 'addTag' || type === 'removeTag' ? (
            <TextField
              label={t('bulk.tag')}
              value={tag}
              maxLength={100}
              onChange={(e) => setTag(e.target.value)}
              error={fieldError(fields, 'action.tag')}
            />
          ) : null}
          {type === 'setOwner' ? (
            <SelectField
              label={t('bulk.owner')}
              value={owner}
              onChange={(e) => setOwner(e.target.value)}
              error={fieldError(fields, 'action.ownerId')}
              options={[
                { value: NO_OWNER, label: t('noOwner') },
                ...members.map((m) => ({ value: m.userId, label: m.name || m.email })),
              ]}
            />
          ) : null}
          {type === 'addToList' ? (
            <>
              <SelectField
                label={t('bulk.list')}
                value={listId}
                onChange={(e) => setListId(e.target.value)}
                error={fieldError(fields, 'action.listId')}
                options={[
                  { value: '', label: lists.length ? t('bulk.chooseList') : t('bulk.noLists') },
                  ...lists.map((l) => ({ value: l.id, label: l.name })),
                ]}
              />
              <button type="button" className="btn field-aligned" onClick={() => setCreatingList(true)}>
                {t('bulk.newList')}
              </button>
            </>
          ) : null}
          <button
            type="submit"
            className="btn btn-primary field-aligned"
            disabled={!action || bulk.isPending || selected.size === 0}
          >
            {bulk.isPending ? t('bulk.applying') : t('bulk.apply')}
          </button>
          <button type="button" className="btn field-aligned" onClick={onClear}>
            {t('bulk.clear')}
          </button>
        </form>
      ) : null}
      {bulk.error && Object.keys(fields).length === 0 ? <FormError error={bulk.error} /> : null}
      <p role="status" className="bulk-result">
        {result === null ? '' : t('bulk.updated', { count: result })}
      </p>
      {confirmArchive ? (
        <ConfirmDialog
          title={t('bulk.archiveTitle')}
          message={t('bulk.archiveConfirm', { count: selected.size })}
          confirmLabel={t('bulk.archive')}
          pending={bulk.isPending}
          error={<FormError error={bulk.error} />}
          onConfirm={() => bulk.mutate({ type: 'archive' })}
          onClose={() => setConfirmArchive(false)}
        />
      ) : null}
      {creatingList ? (
        <NewListDialog
          onClose={() => setCreatingList(false)}
          onCreated={(id) => {
            setListId(id);
            setCreatingList(false);
          }}
        />
      ) : null}
    </section>
  );
}

function NewListDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (id: string) => void }) {
  const { t } = useTranslation('clients');
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: () => trpc.lists.create.mutate({ name: name.trim() }),
    onSuccess: async (list) => {
      await queryClient.invalidateQueries({ queryKey: ['segments'] });
      onCreated(list.id);
    },
  });
  const fields = create.error ? toProblem(create.error).fields : {};
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim()) create.mutate();
  };
  return (
    <Modal title={t('bulk.newListTitle')} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <TextField
          label={t('bulk.listName')}
          value={name}
          maxLength={200}
          required
          onChange={(e) => setName(e.target.value)}
          error={fieldError(fields, 'name')}
        />
        {create.error && Object.keys(fields).length === 0 ? <FormError error={create.error} /> : null}
        <div className="row">
          <button type="submit" className="btn btn-primary" disabled={!name.trim() || create.isPending}>
            {t('common:create')}
          </button>
          <button type="button" className="btn" onClick={onClose}>
            {t('common:cancel')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
