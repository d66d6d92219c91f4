import {
  consentPurposes,
  contactChannels,
  label,
  type SourceChannel,
  type Stage,
  sourceChannels,
  stages,
  type TemperatureLevel,
  temperatureLevels,
  type Vocabulary,
  type VocabularyValues,
} from '@cb/domain/ui';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocale } from '../../i18n/format.ts';
import { CheckboxField, SelectField, TextField } from '../../ui/field.tsx';
import { cleanTags, emptyFilter, type FilterState } from './filters.ts';

export type FilterMember = { userId: string; name: string; email: string };
export type FilterSegment = { id: string; name: string };
export type FilterBatch = { id: string; name: string; clientCount: number };

/** Typing in the city box narrows the list once the typing pauses, not on every key. */
export const CITY_DEBOUNCE_MS = 400;

/** A value of a select that means "no condition". */
const ANY = '';
const NO_OWNER = 'none';

/**
 * The filter controls of the clients list. Controlled: it shows `value` and reports every change as
 * a whole new state; the screen maps that state to the API input (`filterStateToInput`) and the URL.
 */
export function FilterPanel({
  value,
  onChange,
  members,
  segments,
  batches = [],
  id,
}: {
  value: FilterState;
  onChange: (next: FilterState) => void;
  members: readonly FilterMember[];
  segments: readonly FilterSegment[];
  /** Purchased lists and imports; a batch known only from a link shows as a chip instead. */
  batches?: readonly FilterBatch[];
  id?: string;
}) {
  const { t } = useTranslation('clients');
  const locale = useLocale();
  // The latest state, for changes that land later than the render that scheduled them (the city).
  const latest = useRef(value);
  latest.current = value;
  const set = (patch: Partial<FilterState>) => onChange({ ...latest.current, ...patch });

  const ownerValue = value.owner === 'any' ? ANY : value.owner === 'none' ? NO_OWNER : value.owner.id;
  const consentValue = value.consent ? `${value.consent.channel}.${value.consent.purpose}` : ANY;

  return (
    <div className="filter-panel" id={id}>
      <div className="filter-groups">
        <CheckboxGroup
          legend={t('filters.stage')}
          vocabulary="stage"
          values={stages}
          checked={value.stage}
          onChange={(stage: Stage[]) => set({ stage })}
        />
        <CheckboxGroup
          legend={t('filters.temperature')}
          vocabulary="temperatureLevel"
          values={temperatureLevels}
          checked={value.temperature}
          onChange={(temperature: TemperatureLevel[]) => set({ temperature })}
        />
        <CheckboxGroup
          legend={t('filters.sourceChannel')}
          vocabulary="sourceChannel"
          values={sourceChannels}
          checked={value.sourceChannel}
          onChange={(sourceChannel: SourceChannel[]) => set({ sourceChannel })}
        />
        <div className="filter-fields">
          <SelectField
            label={t('filters.owner')}
            value={ownerValue}
            onChange={(e) => {
              const v = e.target.value;
              set({ owner: v === ANY ? 'any' : v === NO_OWNER ? 'none' : { id: v } });
            }}
            options={[
              { value: ANY, label: t('filters.anyOwner') },
              { value: NO_OWNER, label: t('noOwner') },
              ...members.map((m) => ({ value: m.userId, label: m.name || m.email })),
            ]}
          />
          <CityField value={value.city} onCommit={(city) => set({ city })} />
          <SelectField
            label={t('filters.segment')}
            value={value.segmentId ?? ANY}
            onChange={(e) => set({ segmentId: e.target.value || null })}
            options={[
              { value: ANY, label: t('filters.anySegment') },
              ...segments.map((s) => ({ value: s.id, label: s.name })),
            ]}
          />
          <SelectField
            label={t('filters.consent')}
            value={consentValue}
            onChange={(e) => {
              const [channel, purpose] = e.target.value.split('.');
              const consent = contactChannels.find((c) => c === channel);
              const why = consentPurposes.find((p) => p === purpose);
              set({ consent: consent && why ? { channel: consent, purpose: why } : null });
            }}
            options={[
              { value: ANY, label: t('filters.anyConsent') },
              ...contactChannels.flatMap((channel) =>
                consentPurposes.map((purpose) => ({
                  value: `${channel}.${purpose}`,
                  label: t('filters.consentOption', {
                    channel: label('contactChannel', channel, locale),
                    purpose: label('consentPurpose', purpose, locale),
                  }),
                })),
              ),
            ]}
          />
        </div>
        <div className="filter-fields">
          <TagsField tags={value.tags} onChange={(tags) => set({ tags })} />
          {batches.length > 0 ? (
            <SelectField
              label={t('filters.batchLabel')}
              value={value.batchId ?? ANY}
              onChange={(e) => set({ batchId: e.target.value === ANY ? null : e.target.value })}
              options={[
                { value: ANY, label: t('filters.anyBatch') },
                ...(value.batchId && !batches.some((b) => b.id === value.batchId)
                  ? [{ value: value.batchId, label: t('filters.batch', { id: value.batchId.slice(0, 8) }) }]
                  : []),
                ...batches.map((b) => ({
                  value: b.id,
                  label: t('filters.batchOption', { name: b.name, count: b.clientCount }),
                })),
              ]}
            />
          ) : value.batchId ? (
            <p className="filter-chip-line">
              <span>{t('filters.batch', { id: value.batchId.slice(0, 8) })}</span>
              <button
                type="button"
                className="btn btn-ghost chip-remove"
                onClick={() => set({ batchId: null })}
                aria-label={t('filters.removeBatch')}
              >
                ×
              </button>
            </p>
          ) : null}
          <CheckboxField
            label={t('filters.includeArchived')}
            checked={value.includeArchived}
            onChange={(e) => set({ includeArchived: e.target.checked })}
          />
          <button type="button" className="btn" onClick={() => onChange({ ...emptyFilter })}>
            {t('filters.reset')}
          </button>
        </div>
      </div>
    </div>
  );
}

function CheckboxGroup<V extends Vocabulary>({
  legend,
  vocabulary,
  values,
  checked,
  onChange,
}: {
  legend: string;
  vocabulary: V;
  values: readonly VocabularyValues[V][];
  checked: readonly VocabularyValues[V][];
  onChange: (next: VocabularyValues[V][]) => void;
}) {
  const locale = useLocale();
  return (
    <fieldset className="filter-group">
      <legend>{legend}</legend>
      {values.map((v) => (
        <CheckboxField
          key={v}
          label={label(vocabulary, v, locale)}
          checked={checked.includes(v)}
          onChange={(e) =>
            // Kept in the vocabulary's order, so the same choice always makes the same input and URL.
            onChange(values.filter((x) => (x === v ? e.target.checked : checked.includes(x))))
          }
        />
      ))}
    </fieldset>
  );
}

/** The city narrows the list when typing pauses, on Enter, or on leaving the box. */
function CityField({ value, onCommit }: { value: string; onCommit: (city: string) => void }) {
  const { t } = useTranslation('clients');
  const [draft, setDraft] = useState(value);
  const commit = useRef(onCommit);
  commit.current = onCommit;
  // A change from outside (a view chosen, filters reset) replaces what is in the box.
  useEffect(() => setDraft((d) => (d.trim() === value.trim() ? d : value)), [value]);
  useEffect(() => {
    if (draft.trim() === value.trim()) return;
    const timer = setTimeout(() => commit.current(draft.trim()), CITY_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [draft, value]);
  const flush = () => {
    if (draft.trim() !== value.trim()) commit.current(draft.trim());
  };
  return (
    <TextField
      label={t('filters.city')}
      value={draft}
      maxLength={200}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={flush}
      onKeyDown={(e) => {
        if (e.key === 'Enter') flush();
      }}
    />
  );
}

/** Tags the clients must have (any of them): typed one at a time, each removable. */
function TagsField({ tags, onChange }: { tags: string[]; onChange: (tags: string[]) => void }) {
  const { t } = useTranslation('clients');
  const [draft, setDraft] = useState('');
  const listId = useId();
  const add = (e: FormEvent) => {
    e.preventDefault();
    const next = cleanTags([...tags, draft]);
    if (next.length !== tags.length) onChange(next);
    setDraft('');
  };
  return (
    <div className="tags-field">
      <form onSubmit={add}>
        <TextField
          label={t('filters.tags')}
          hint={t('filters.tagsHint')}
          value={draft}
          maxLength={100}
          onChange={(e) => setDraft(e.target.value)}
        />
        <button type="submit" className="btn" disabled={!draft.trim()}>
          {t('filters.addTag')}
        </button>
      </form>
      {tags.length ? (
        <ul className="chips" id={listId} aria-label={t('filters.chosenTags')}>
          {tags.map((tag) => (
            <li key={tag} className="chip">
              <span>{tag}</span>
              <button
                type="button"
                className="btn btn-ghost chip-remove"
                aria-label={t('filters.removeTag', { tag })}
                onClick={() => onChange(tags.filter((x) => x !== tag))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
