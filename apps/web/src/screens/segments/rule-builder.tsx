import {
  consentPurposes,
  contactChannels,
  interactionDirections,
  interactionKinds,
  label,
  sourceChannels,
  stages,
  temperatureLevels,
} from '@cb/domain';
import type { TFunction } from 'i18next';
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useId,
  useMemo,
  useRef,
} from 'react';
import { useTranslation } from 'react-i18next';
import type { Outputs } from '../../api/trpc.ts';
import { useLocale } from '../../i18n/format.ts';
import {
  addChild,
  type CustomValueType,
  changeOp,
  changeSubject,
  type DraftCondition,
  type DraftGroup,
  type DraftNode,
  type DraftNot,
  fieldSubjects,
  type GroupType,
  hasInteractionFilter,
  instantToLocalDate,
  localDateToInstant,
  metricSubjects,
  newCondition,
  newGroup,
  type PlacedIssue,
  removeNode,
  type Subject,
  setGroupType,
  subjectOps,
  unwrapNot,
  updateCondition,
  wrapInNot,
} from './rule-draft.ts';
import { TokenInput } from './token-input.tsx';

export type WorkspaceMember = Outputs['members']['list']['items'][number];
export type CustomFieldDef = Outputs['fields']['list']['items'][number];

type Builder = {
  getRoot: () => DraftGroup;
  edit: (fn: (root: DraftGroup) => DraftGroup) => void;
  issues: ReadonlyMap<string, PlacedIssue[]>;
  members: readonly WorkspaceMember[];
  customFields: readonly CustomFieldDef[];
  disabled: boolean;
  /** Asks the node with this id (or the group's add button) to take focus once rendered. */
  requestFocus: (id: string) => void;
  takeFocus: (id: string) => boolean;
};

const BuilderContext = createContext<Builder | null>(null);

function useBuilder(): Builder {
  const ctx = useContext(BuilderContext);
  if (!ctx) throw new Error('useBuilder outside RuleBuilder');
  return ctx;
}

/** Focuses `ref` when the builder asked for `id` to take focus (after an add or a removal). */
function useFocusRequest(id: string, ref: React.RefObject<HTMLElement | null>) {
  const { takeFocus } = useBuilder();
  useEffect(() => {
    if (takeFocus(id)) ref.current?.focus();
  });
}

/**
 * The visual editor of a segment rule: nested AND/OR groups, NOT, and conditions on every field
 * and metric of the domain. State lives with the caller as a draft (`rule-draft.ts`); issues from
 * `parseSegmentRule` (or the server) come in placed at their nodes.
 */
export function RuleBuilder({
  root,
  onChange,
  issues,
  members = [],
  customFields = [],
  disabled = false,
}: {
  root: DraftGroup;
  onChange: (root: DraftGroup) => void;
  issues: ReadonlyMap<string, PlacedIssue[]>;
  members?: readonly WorkspaceMember[];
  customFields?: readonly CustomFieldDef[];
  disabled?: boolean;
}) {
  const rootRef = useRef(root);
  rootRef.current = root;
  const focusRef = useRef<string | null>(null);
  const containerRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = containerRef.current;
    // Enter in a value must not submit the surrounding form (and save the segment) by accident.
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.key === 'Enter' && e.target instanceof HTMLInputElement) e.preventDefault();
    };
    el?.addEventListener('keydown', onKeyDown);
    return () => el?.removeEventListener('keydown', onKeyDown);
  }, []);
  const edit = useCallback(
    (fn: (r: DraftGroup) => DraftGroup) => {
      const next = fn(rootRef.current);
      rootRef.current = next;
      onChange(next);
    },
    [onChange],
  );
  const ctx = useMemo<Builder>(
    () => ({
      getRoot: () => rootRef.current,
      edit,
      issues,
      members,
      customFields,
      disabled,
      requestFocus: (id) => {
        focusRef.current = id;
      },
      takeFocus: (id) => {
        if (focusRef.current !== id) return false;
        focusRef.current = null;
        return true;
      },
    }),
    [edit, issues, members, customFields, disabled],
  );
  return (
    <BuilderContext.Provider value={ctx}>
      <div className="rule-builder" ref={containerRef}>
        <GroupView node={root} number="" isRoot />
      </div>
    </BuilderContext.Provider>
  );
}

const childNumber = (parent: string, index: number) => (parent ? `${parent}.${index + 1}` : `${index + 1}`);

function NodeView({ node, number, underNot }: { node: DraftNode; number: string; underNot?: boolean }) {
  switch (node.type) {
    case 'and':
    case 'or':
      return <GroupView node={node} number={number} underNot={underNot} />;
    case 'not':
      return <NotView node={node} number={number} />;
    case 'condition':
      return <ConditionView node={node} number={number} underNot={underNot} />;
  }
}

function GroupView({
  node,
  number,
  isRoot,
  underNot,
}: {
  node: DraftGroup;
  number: string;
  isRoot?: boolean;
  underNot?: boolean | undefined;
}) {
  const { t } = useTranslation('segments');
  const b = useBuilder();
  const name = isRoot ? t('builder.rootName') : t('builder.groupName', { number });
  const addRef = useRef<HTMLButtonElement>(null);
  const combineRef = useRef<HTMLSelectElement>(null);
  useFocusRequest(`${node.id}:add`, addRef);
  useFocusRequest(node.id, combineRef);
  const issues = b.issues.get(node.id) ?? [];
  const issuesId = useId();
  const add = (child: DraftNode) => {
    b.requestFocus(child.id);
    b.edit((r) => addChild(r, node.id, child));
  };
  return (
    <fieldset className={`rb-group rb-${node.type}${isRoot ? ' rb-root' : ''}`} data-node={node.id}>
      <legend className="sr-only">{name}</legend>
      <div className="rb-head">
        {isRoot ? null : (
          <span className="rb-num" aria-hidden="true">
            {number}
          </span>
        )}
        <select
          ref={combineRef}
          className="rb-combine"
          value={node.type}
          onChange={(e) => b.edit((r) => setGroupType(r, node.id, e.target.value as GroupType))}
          aria-label={`${t('builder.combine')} — ${name}`}
          disabled={b.disabled}
        >
          <option value="and">{t('builder.and')}</option>
          <option value="or">{t('builder.or')}</option>
        </select>
        {isRoot ? null : <NodeActions nodeId={node.id} name={name} underNot={underNot} />}
      </div>
      <IssueList id={issuesId} issues={issues} />
      {node.rules.length === 0 ? (
        <p className="muted rb-empty">{node.type === 'and' ? t('builder.emptyAnd') : t('builder.emptyOr')}</p>
      ) : (
        <ol className="rb-children">
          {node.rules.map((child, i) => (
            <li key={child.id}>
              {i > 0 ? (
                <span className="rb-join" aria-hidden="true">
                  {node.type === 'and' ? t('builder.andJoin') : t('builder.orJoin')}
                </span>
              ) : null}
              <NodeView node={child} number={childNumber(number, i)} />
            </li>
          ))}
        </ol>
      )}
      <div className="rb-add">
        <button
          ref={addRef}
          type="button"
          className="btn btn-small"
          onClick={() => add(newCondition())}
          disabled={b.disabled}
          aria-label={`+ ${t('builder.addCondition')} ${t('builder.to')} ${name}`}
        >
          + {t('builder.addCondition')}
        </button>
        <button
          type="button"
          className="btn btn-small"
          onClick={() => add(newGroup(node.type === 'and' ? 'or' : 'and', [newCondition()]))}
          disabled={b.disabled}
          aria-label={`+ ${t('builder.addGroup')} ${t('builder.to')} ${name}`}
        >
          + {t('builder.addGroup')}
        </button>
      </div>
    </fieldset>
  );
}

/** NOT and Remove for a node; a node directly under a NOT is removed (or un-negated) through it. */
function NodeActions({
  nodeId,
  name,
  underNot,
}: {
  nodeId: string;
  name: string;
  underNot?: boolean | undefined;
}) {
  const { t } = useTranslation('segments');
  const b = useBuilder();
  if (underNot) return null;
  const remove = () => {
    const parent = findParentGroup(nodeId, b);
    if (parent) b.requestFocus(`${parent}:add`);
    b.edit((r) => removeNode(r, nodeId));
  };
  return (
    <span className="rb-actions">
      <button
        type="button"
        className="btn btn-small"
        onClick={() => {
          b.requestFocus(nodeId);
          b.edit((r) => wrapInNot(r, nodeId));
        }}
        disabled={b.disabled}
        aria-label={`${t('builder.wrapNot')}: ${name}`}
      >
        {t('builder.wrapNot')}
      </button>
      <button
        type="button"
        className="btn btn-small btn-danger"
        onClick={remove}
        disabled={b.disabled}
        aria-label={`${t('builder.remove')}: ${name}`}
      >
        {t('builder.remove')}
      </button>
    </span>
  );
}

/** The id of the group that (through any NOTs) holds the node, to return focus there on removal. */
function findParentGroup(nodeId: string, b: Builder): string | null {
  let found: string | null = null;
  const visit = (node: DraftNode, group: string | null) => {
    if (node.id === nodeId) found = group;
    if (node.type === 'and' || node.type === 'or') for (const r of node.rules) visit(r, node.id);
    else if (node.type === 'not') visit(node.rule, group);
  };
  visit(b.getRoot(), null);
  return found;
}

function NotView({ node, number }: { node: DraftNot; number: string }) {
  const { t } = useTranslation('segments');
  const b = useBuilder();
  const name = t('builder.notName', { number });
  const unwrapRef = useRef<HTMLButtonElement>(null);
  useFocusRequest(node.id, unwrapRef);
  const issues = b.issues.get(node.id) ?? [];
  const issuesId = useId();
  return (
    <fieldset className="rb-not" data-node={node.id}>
      <legend className="sr-only">{name}</legend>
      <div className="rb-head">
        <span className="rb-num" aria-hidden="true">
          {number}
        </span>
        <span className="rb-not-label">{t('builder.not')}</span>
        <span className="muted">{t('builder.notHint')}</span>
        <span className="rb-actions">
          <button
            ref={unwrapRef}
            type="button"
            className="btn btn-small"
            onClick={() => {
              b.requestFocus(node.rule.id);
              b.edit((r) => unwrapNot(r, node.id));
            }}
            disabled={b.disabled}
            aria-label={`${t('builder.unwrapNot')}: ${name}`}
          >
            {t('builder.unwrapNot')}
          </button>
          <NotRemove node={node} name={name} />
        </span>
      </div>
      <IssueList id={issuesId} issues={issues} />
      <NodeView node={node.rule} number={number} underNot />
    </fieldset>
  );
}

function NotRemove({ node, name }: { node: DraftNot; name: string }) {
  const { t } = useTranslation('segments');
  const b = useBuilder();
  return (
    <button
      type="button"
      className="btn btn-small btn-danger"
      onClick={() => {
        const parent = findParentGroup(node.id, b);
        if (parent) b.requestFocus(`${parent}:add`);
        b.edit((r) => removeNode(r, node.id));
      }}
      disabled={b.disabled}
      aria-label={`${t('builder.remove')}: ${name}`}
    >
      {t('builder.remove')}
    </button>
  );
}

// ---------------------------------------------------------------------------------------------
// Conditions

/** The issues whose path inside the condition starts at `name` (`values` matches `values.1`). */
function issuesAt(issues: readonly PlacedIssue[], ...names: string[]): PlacedIssue[] {
  return issues.filter((i) => names.some((n) => i.rest === n || i.rest.startsWith(`${n}.`)));
}

function ConditionView({
  node,
  number,
  underNot,
}: {
  node: DraftCondition;
  number: string;
  underNot?: boolean | undefined;
}) {
  const { t } = useTranslation('segments');
  const b = useBuilder();
  const name = t('builder.conditionName', { number });
  const subjectRef = useRef<HTMLSelectElement>(null);
  useFocusRequest(node.id, subjectRef);
  const issues = b.issues.get(node.id) ?? [];
  const issuesId = useId();
  const set = (patch: (c: DraftCondition) => DraftCondition) =>
    b.edit((r) => updateCondition(r, node.id, patch));
  const ops = subjectOps(node.subject);
  const invalid = (...names: string[]) => issuesAt(issues, ...names).length > 0;
  const aria = (...names: string[]) =>
    invalid(...names) ? { 'aria-invalid': true as const, 'aria-describedby': issuesId } : {};
  return (
    <fieldset className={`rb-condition${issues.length > 0 ? ' rb-has-issues' : ''}`} data-node={node.id}>
      <legend className="sr-only">{name}</legend>
      <div className="rb-line">
        <span className="rb-num" aria-hidden="true">
          {number}
        </span>
        <select
          ref={subjectRef}
          value={node.subject}
          onChange={(e) => set((c) => changeSubject(c, e.target.value as Subject))}
          aria-label={t('builder.subject')}
          disabled={b.disabled}
          {...aria('', 'field', 'metric')}
        >
          <optgroup label={t('builder.fields')}>
            {fieldSubjects.map((s) => (
              <option key={s} value={s}>
                {t(`subject.${s}`)}
              </option>
            ))}
          </optgroup>
          <optgroup label={t('builder.metrics')}>
            {metricSubjects.map((s) => (
              <option key={s} value={s}>
                {t(`subject.${s}`)}
              </option>
            ))}
          </optgroup>
        </select>
        {hasInteractionFilter(node.subject) ? <InteractionFilter node={node} set={set} aria={aria} /> : null}
        {ops.length > 1 ? (
          <select
            value={node.op}
            onChange={(e) => set((c) => changeOp(c, e.target.value))}
            aria-label={t('builder.op')}
            disabled={b.disabled}
            {...aria('op')}
          >
            {ops.map((op) => (
              <option key={op} value={op}>
                {t(`op.${op}`)}
              </option>
            ))}
          </select>
        ) : ops.length === 1 ? (
          <span className="rb-op-text">{t(`op.${ops[0]}`)}</span>
        ) : null}
        <ConditionValue node={node} set={set} aria={aria} invalid={invalid} issuesId={issuesId} />
        <NodeActions nodeId={node.id} name={name} underNot={underNot} />
      </div>
      <IssueList id={issuesId} issues={issues} />
    </fieldset>
  );
}

type Aria = (...names: string[]) => { 'aria-invalid'?: true; 'aria-describedby'?: string };
type ValueProps = {
  node: DraftCondition;
  set: (patch: (c: DraftCondition) => DraftCondition) => void;
  aria: Aria;
};

function InteractionFilter({ node, set, aria }: ValueProps) {
  const { t } = useTranslation('segments');
  const locale = useLocale();
  const { disabled } = useBuilder();
  return (
    <>
      <select
        value={node.kind}
        onChange={(e) => set((c) => ({ ...c, kind: e.target.value }))}
        aria-label={t('builder.kindFilter')}
        disabled={disabled}
        {...aria('kind')}
      >
        <option value="">
          {t('builder.kindFilter')}: {t('builder.any')}
        </option>
        {interactionKinds.map((k) => (
          <option key={k} value={k}>
            {label('interactionKind', k, locale)}
          </option>
        ))}
      </select>
      <select
        value={node.direction}
        onChange={(e) => set((c) => ({ ...c, direction: e.target.value }))}
        aria-label={t('builder.directionFilter')}
        disabled={disabled}
        {...aria('direction')}
      >
        <option value="">
          {t('builder.directionFilter')}: {t('builder.any')}
        </option>
        {interactionDirections.map((d) => (
          <option key={d} value={d}>
            {label('interactionDirection', d, locale)}
          </option>
        ))}
      </select>
    </>
  );
}

function ConditionValue({
  node,
  set,
  aria,
  invalid,
  issuesId,
}: ValueProps & { invalid: (...names: string[]) => boolean; issuesId: string }) {
  const { t } = useTranslation('segments');
  const locale = useLocale();
  const b = useBuilder();
  const setValues = (values: string[]) => set((c) => ({ ...c, values }));
  const enumValues = <V extends string>(options: readonly V[], text: (v: V) => string) => (
    <CheckboxGroup
      legend={t('builder.values')}
      options={options.map((v) => ({ value: v, label: text(v) }))}
      selected={node.values}
      onChange={setValues}
      invalid={invalid('values')}
      describedBy={issuesId}
    />
  );
  const tokens = (placeholder: string) => (
    <TokenInput
      label={t('builder.values')}
      values={node.values}
      onChange={setValues}
      placeholder={placeholder}
      invalid={invalid('values')}
      describedBy={invalid('values') ? issuesId : undefined}
      disabled={b.disabled}
    />
  );
  const numberInput = (field: 'value' | 'days', labelText: string, step: string, unit?: string) => (
    <span className="rb-number">
      <input
        type="number"
        inputMode="decimal"
        step={step}
        min={field === 'days' ? 1 : undefined}
        value={node[field]}
        onChange={(e) => set((c) => ({ ...c, [field]: e.target.value }))}
        aria-label={labelText}
        disabled={b.disabled}
        {...aria(field)}
      />
      {unit ? (
        <span className="rb-unit" aria-hidden="true">
          {unit}
        </span>
      ) : null}
    </span>
  );
  const window = () => (
    <>
      <select
        value={node.windowDays === null ? 'all' : 'last'}
        onChange={(e) =>
          set((c) => ({ ...c, windowDays: e.target.value === 'all' ? null : (c.windowDays ?? '30') }))
        }
        aria-label={t('builder.window')}
        disabled={b.disabled}
      >
        <option value="all">{t('builder.windowAll')}</option>
        <option value="last">{t('builder.windowLast')}</option>
      </select>
      {node.windowDays === null ? null : (
        <span className="rb-number">
          <input
            type="number"
            step="1"
            min={1}
            value={node.windowDays}
            onChange={(e) => set((c) => ({ ...c, windowDays: e.target.value }))}
            aria-label={t('builder.windowDays')}
            disabled={b.disabled}
            {...aria('windowDays')}
          />
          <span className="rb-unit" aria-hidden="true">
            {t('builder.unitDays')}
          </span>
        </span>
      )}
    </>
  );

  switch (node.subject) {
    case 'stage':
      return enumValues(stages, (v) => label('stage', v, locale));
    case 'temperature':
      return enumValues(temperatureLevels, (v) => label('temperatureLevel', v, locale));
    case 'sourceChannel':
      return enumValues(sourceChannels, (v) => label('sourceChannel', v, locale));
    case 'sourceBatch':
      return tokens(t('builder.batchPlaceholder'));
    case 'tags':
      return tokens(t('builder.tagsPlaceholder'));
    case 'city':
      return tokens(t('builder.cityPlaceholder'));
    case 'owner': {
      if (node.op === 'isEmpty') return null;
      const known = new Set(b.members.map((m) => m.userId));
      const options = [
        ...b.members.map((m) => ({ value: m.userId, label: m.name || m.email })),
        // An owner who has left the workspace stays visible, so the rule can still be cleared of them.
        ...node.values.filter((v) => !known.has(v)).map((v) => ({ value: v, label: v })),
      ];
      return options.length === 0 ? (
        <span className="muted">{t('builder.noMembers')}</span>
      ) : (
        <CheckboxGroup
          legend={t('builder.owners')}
          options={options}
          selected={node.values}
          onChange={setValues}
          invalid={invalid('values')}
          describedBy={issuesId}
        />
      );
    }
    case 'custom':
      return <CustomValue node={node} set={set} aria={aria} />;
    case 'createdAt':
    case 'verifiedAt':
      if (node.op === 'before' || node.op === 'after') {
        return (
          <input
            type="date"
            value={instantToLocalDate(node.at)}
            onChange={(e) => set((c) => ({ ...c, at: localDateToInstant(e.target.value, c.op) }))}
            aria-label={t('builder.date')}
            disabled={b.disabled}
            {...aria('at')}
          />
        );
      }
      if (node.op === 'withinLastDays' || node.op === 'olderThanDays')
        return numberInput('days', t('builder.days'), '1', t('builder.unitDays'));
      return null;
    case 'hasConsent':
      return (
        <>
          <select
            value={node.channel}
            onChange={(e) => set((c) => ({ ...c, channel: e.target.value as DraftCondition['channel'] }))}
            aria-label={t('builder.channel')}
            disabled={b.disabled}
            {...aria('channel')}
          >
            {contactChannels.map((ch) => (
              <option key={ch} value={ch}>
                {label('contactChannel', ch, locale)}
              </option>
            ))}
          </select>
          <select
            value={node.purpose}
            onChange={(e) => set((c) => ({ ...c, purpose: e.target.value as DraftCondition['purpose'] }))}
            aria-label={t('builder.purpose')}
            disabled={b.disabled}
            {...aria('purpose')}
          >
            {consentPurposes.map((p) => (
              <option key={p} value={p}>
                {label('consentPurpose', p, locale)}
              </option>
            ))}
          </select>
        </>
      );
    case 'purchaseCount':
    case 'interactionCount':
      return (
        <>
          {numberInput('value', t('builder.value'), '1')}
          {window()}
        </>
      );
    case 'purchaseSum':
      return (
        <>
          {numberInput('value', t('builder.value'), '0.01', t('builder.unitRub'))}
          {window()}
        </>
      );
    case 'daysSinceLastPurchase':
    case 'daysSinceLastInteraction':
      return node.op === 'never'
        ? null
        : numberInput('value', t('builder.value'), '1', t('builder.unitDays'));
    case 'openTaskCount':
      return numberInput('value', t('builder.value'), '1');
  }
}

const orderingOps = ['gt', 'gte', 'lt', 'lte'];

/** The type a defined custom field's values are compared as. */
function typeOfField(def: CustomFieldDef | undefined): CustomValueType | null {
  if (!def) return null;
  if (def.type === 'number') return 'number';
  if (def.type === 'boolean') return 'boolean';
  return 'text';
}

function CustomValue({ node, set, aria }: ValueProps) {
  const { t } = useTranslation('segments');
  const b = useBuilder();
  const listId = useId();
  const def = b.customFields.find((f) => f.key === node.key);
  const needsValue = node.op !== 'isSet' && node.op !== 'isNotSet';
  const types: CustomValueType[] =
    node.op === 'contains'
      ? ['text']
      : orderingOps.includes(node.op)
        ? ['text', 'number']
        : ['text', 'number', 'boolean'];
  const onKey = (key: string) =>
    set((c) => {
      const type = typeOfField(b.customFields.find((f) => f.key === key));
      if (!type || type === c.valueType || !types.includes(type)) return { ...c, key };
      return { ...c, key, valueType: type, value: type === 'boolean' ? 'true' : '' };
    });
  let valueInput: ReactNode = null;
  if (needsValue) {
    const common = {
      'aria-label': t('builder.value'),
      disabled: b.disabled,
      ...aria('value'),
    };
    if (node.valueType === 'boolean') {
      valueInput = (
        <select
          value={node.value === 'false' ? 'false' : 'true'}
          onChange={(e) => set((c) => ({ ...c, value: e.target.value }))}
          {...common}
        >
          <option value="true">{t('builder.yes')}</option>
          <option value="false">{t('builder.no')}</option>
        </select>
      );
    } else if (def?.type === 'one_of' && def.options && node.op !== 'contains') {
      valueInput = (
        <select
          value={node.value}
          onChange={(e) => set((c) => ({ ...c, value: e.target.value }))}
          {...common}
        >
          <option value="">—</option>
          {def.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
    } else {
      valueInput = (
        <input
          type={
            node.valueType === 'number'
              ? 'number'
              : def?.type === 'date' && node.op !== 'contains'
                ? 'date'
                : 'text'
          }
          step={node.valueType === 'number' ? 'any' : undefined}
          value={node.value}
          onChange={(e) => set((c) => ({ ...c, value: e.target.value }))}
          {...common}
        />
      );
    }
  }
  return (
    <>
      <input
        type="text"
        className="rb-key"
        value={node.key}
        onChange={(e) => onKey(e.target.value)}
        list={b.customFields.length > 0 ? listId : undefined}
        aria-label={t('builder.key')}
        placeholder={t('builder.key')}
        title={t('builder.customKeyHint')}
        disabled={b.disabled}
        {...aria('key')}
      />
      {b.customFields.length > 0 ? (
        <datalist id={listId}>
          {b.customFields.map((f) => (
            <option key={f.key} value={f.key}>
              {f.label}
            </option>
          ))}
        </datalist>
      ) : null}
      {needsValue && !def && types.length > 1 ? (
        <select
          value={types.includes(node.valueType) ? node.valueType : 'text'}
          onChange={(e) => {
            const valueType = e.target.value as CustomValueType;
            set((c) => ({
              ...c,
              valueType,
              value: valueType === 'boolean' ? 'true' : c.valueType === 'boolean' ? '' : c.value,
            }));
          }}
          aria-label={t('builder.valueType')}
          disabled={b.disabled}
        >
          {types.map((v) => (
            <option key={v} value={v}>
              {t(`valueType.${v}`)}
            </option>
          ))}
        </select>
      ) : null}
      {valueInput}
    </>
  );
}

function CheckboxGroup({
  legend,
  options,
  selected,
  onChange,
  invalid,
  describedBy,
}: {
  legend: string;
  options: readonly { value: string; label: string }[];
  selected: readonly string[];
  onChange: (values: string[]) => void;
  invalid: boolean;
  describedBy: string;
}) {
  const { disabled } = useBuilder();
  const toggle = (value: string, on: boolean) =>
    // Kept in the vocabulary's order, whatever order they were ticked in.
    onChange(options.map((o) => o.value).filter((v) => (v === value ? on : selected.includes(v))));
  return (
    <fieldset
      className={`rb-checks${invalid ? ' rb-invalid' : ''}`}
      aria-describedby={invalid ? describedBy : undefined}
    >
      <legend className="sr-only">{legend}</legend>
      {options.map((o) => (
        <label key={o.value} className="rb-check">
          <input
            type="checkbox"
            checked={selected.includes(o.value)}
            onChange={(e) => toggle(o.value, e.target.checked)}
            disabled={disabled}
          />
          {o.label}
        </label>
      ))}
    </fieldset>
  );
}

// ---------------------------------------------------------------------------------------------
// Issues

/** The domain's issue in the reader's language, by its code and where it sits in the condition. */
export function issueText(issue: PlacedIssue, t: TFunction<'segments'>): string {
  const field = issue.rest.split('.')[0] ?? '';
  const numeric = field === 'value' || field === 'days' || field === 'windowDays';
  switch (issue.code) {
    case 'segment_too_deep':
      return t('issue.tooDeep');
    case 'segment_too_many_conditions':
      return t('issue.tooManyConditions');
    case 'segment_too_large':
      return t('issue.tooLarge');
    case 'too_small':
      if (field === 'values') return t('issue.pickValue');
      return numeric && issue.message.includes('number') ? t('issue.tooSmall') : t('issue.required');
    case 'too_big':
      return t('issue.tooBig');
    case 'invalid_type':
      if (field === 'at') return t('issue.date');
      if (issue.message.includes('int')) return t('issue.wholeNumber');
      if (numeric) return issue.message.includes('null') ? t('issue.required') : t('issue.number');
      return t('issue.required');
    case 'invalid_format':
      return field === 'at' ? t('issue.date') : t('issue.uuid');
    case 'custom':
      return t('issue.text');
    default:
      return t('issue.invalid');
  }
}

function IssueList({ id, issues }: { id: string; issues: readonly PlacedIssue[] }) {
  const { t } = useTranslation('segments');
  if (issues.length === 0) return null;
  const texts = [...new Set(issues.map((i) => issueText(i, t)))];
  return (
    <ul id={id} className="rb-issues field-error">
      {texts.map((text) => (
        <li key={text}>{text}</li>
      ))}
    </ul>
  );
}
