import { parseSegmentRule } from '@cb/domain';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, lazy, Suspense, useEffect, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { fieldError, toProblem } from '../../api/errors.ts';
import { isTrpcError, type Outputs, trpc } from '../../api/trpc.ts';
import { useCan } from '../../app/session.tsx';
import { TextField } from '../../ui/field.tsx';
import { Page } from '../../ui/page.tsx';
import { Empty, ErrorState, FormError, Loading } from '../../ui/states.tsx';
import { ExportButton } from '../clients/export-dialog.tsx';
import { MembersTable } from './members-table.tsx';
import { RuleBuilder } from './rule-builder.tsx';
import {
  canonicalJson,
  type DraftGroup,
  draftToRule,
  newGroup,
  placeIssues,
  type RuleIssue,
  ruleToDraft,
  toRootGroup,
} from './rule-draft.ts';
import './segments.css';

/** The chart library loads only when a saved segment's size chart is shown, not with the builder. */
const SizeChart = lazy(() => import('./size-chart.tsx').then((m) => ({ default: m.SizeChart })));

export type Segment = Outputs['segments']['get'];

/** How long the rule must stay unchanged before the live count is asked for. */
export const PREVIEW_DEBOUNCE_MS = 300;
const SAMPLE_SIZE = 10;

const segmentQuery = (id: string) => ({
  queryKey: ['segments', 'get', { id }] as const,
  queryFn: () => trpc.segments.get.query({ id }),
});

/** `/segments/new` and `/segments/:id`: the rule editor with its live preview, members and size chart. */
export default function SegmentEditor() {
  const { id } = useParams();
  return id ? <ExistingSegment id={id} /> : <RuleSegmentForm key="new" segment={null} />;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function ExistingSegment({ id }: { id: string }) {
  const { t } = useTranslation('segments');
  // An address that cannot name a segment is not sent to the API at all.
  const segment = useQuery({ ...segmentQuery(id), enabled: UUID.test(id) });
  if (!UUID.test(id))
    return (
      <Page title={t('title')}>
        <Empty title={t('editor.notFoundTitle')} action={<Link to="/segments">{t('allSegments')}</Link>} />
      </Page>
    );
  if (segment.isPending)
    return (
      <Page title={t('title')}>
        <Loading />
      </Page>
    );
  if (segment.isError) {
    const code = toProblem(segment.error).code;
    return (
      <Page title={t('title')}>
        {code === 'NOT_FOUND' || code === 'BAD_REQUEST' ? (
          <Empty title={t('editor.notFoundTitle')} action={<Link to="/segments">{t('allSegments')}</Link>} />
        ) : (
          <ErrorState error={segment.error} onRetry={() => void segment.refetch()} />
        )}
      </Page>
    );
  }
  if (segment.data.kind === 'static') return <StaticSegment segment={segment.data} />;
  return <RuleSegmentForm key={id} segment={segment.data} />;
}

/** A static list has no rule: its name and its members. */
function StaticSegment({ segment }: { segment: Segment }) {
  const { t } = useTranslation('segments');
  return (
    <Page title={segment.name} actions={<Link to="/segments">{t('allSegments')}</Link>}>
      <p>
        <span className="badge">{t('kind.static')}</span>{' '}
        <span className="muted">{t('editor.staticHint')}</span>
      </p>
      <section className="panel" aria-labelledby="seg-members-h">
        <div className="row seg-members-head">
          <h2 id="seg-members-h">{t('members.heading')}</h2>
          <ExportButton source={{ kind: 'segment', segmentId: segment.id }} />
        </div>
        <MembersTable segmentId={segment.id} />
      </section>
    </Page>
  );
}

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/** The stored rule as an editable draft; a rule that no longer parses starts over (and says so). */
function initialDraft(segment: Segment | null): { root: DraftGroup; storedInvalid: boolean } {
  const parsed = segment ? parseSegmentRule(segment.rule) : null;
  const root = parsed?.ok ? toRootGroup(ruleToDraft(parsed.value)) : newGroup('and');
  return { root, storedInvalid: parsed !== null && !parsed.ok };
}

/**
 * The stored rule in the form the editor sends it (root group, canonical key order), to tell
 * whether the rule was changed at all; null when it does not parse.
 */
function storedRuleKey(segment: Segment): string | null {
  const parsed = parseSegmentRule(segment.rule);
  return parsed.ok ? canonicalJson(draftToRule(toRootGroup(ruleToDraft(parsed.value)))) : null;
}

/** The field-level issues of a failed call, with their codes (which `toProblem` leaves out). */
function wireIssues(error: unknown): RuleIssue[] {
  if (!isTrpcError(error)) return [];
  const data = error.data as { issues?: { field?: string; code?: string; message?: string }[] } | undefined;
  return (data?.issues ?? []).flatMap((i) =>
    typeof i.field === 'string' ? [{ field: i.field, code: i.code, message: i.message ?? '' }] : [],
  );
}

function RuleSegmentForm({ segment }: { segment: Segment | null }) {
  const { t } = useTranslation('segments');
  const canEdit = useCan('manager');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [initial] = useState(() => initialDraft(segment));
  const [root, setRoot] = useState<DraftGroup>(initial.root);
  const [name, setName] = useState(segment?.name ?? '');
  const [nameMissing, setNameMissing] = useState(false);
  const [ruleBlocked, setRuleBlocked] = useState(false);
  const [serverIssues, setServerIssues] = useState<{ rule: string; issues: RuleIssue[] } | null>(null);
  const [savedState, setSavedState] = useState<string | null>(null);

  const rule = useMemo(() => draftToRule(root), [root]);
  const ruleKey = useMemo(() => canonicalJson(rule), [rule]);
  const parsed = useMemo(() => parseSegmentRule(rule), [rule]);
  const issues = useMemo(() => {
    const all: RuleIssue[] = parsed.ok ? [] : [...parsed.error];
    if (serverIssues && serverIssues.rule === ruleKey) all.push(...serverIssues.issues);
    return placeIssues(root, all);
  }, [parsed, serverIssues, ruleKey, root]);

  const members = useQuery({
    queryKey: ['members', 'list'],
    queryFn: () => trpc.members.list.query(),
    staleTime: 5 * 60_000,
  });
  const fields = useQuery({
    queryKey: ['fields', 'list'],
    queryFn: () => trpc.fields.list.query(),
    staleTime: 5 * 60_000,
  });

  const save = useMutation({
    mutationFn: async (input: { name: string; rule: unknown }) => {
      if (!segment) return trpc.segments.create.mutate(input);
      // An unchanged rule is not sent: saving it would recompute the members for nothing.
      const ruleChanged = canonicalJson(input.rule) !== storedRuleKey(segment);
      const nameChanged = input.name !== segment.name;
      if (!ruleChanged && !nameChanged) return segment;
      return trpc.segments.update.mutate({
        id: segment.id,
        ...(nameChanged ? { name: input.name } : {}),
        ...(ruleChanged ? { rule: input.rule } : {}),
      });
    },
    onSuccess: (saved, input) => {
      setServerIssues(null);
      setSavedState(canonicalJson(input));
      queryClient.setQueryData(segmentQuery(saved.id).queryKey, saved);
      void queryClient.invalidateQueries({ queryKey: ['segments'] });
      if (!segment) navigate(`/segments/${saved.id}`);
    },
    onError: (error, input) => {
      const ruleIssues = wireIssues(error).filter((i) => i.field === 'rule' || i.field.startsWith('rule.'));
      setServerIssues({ rule: canonicalJson(input.rule), issues: ruleIssues });
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const trimmed = name.trim();
    setNameMissing(trimmed === '');
    setRuleBlocked(!parsed.ok);
    if (trimmed === '' || !parsed.ok) return;
    save.mutate({ name: trimmed, rule: parsed.value });
  };

  const problem = save.error ? toProblem(save.error) : null;
  const nameError = nameMissing
    ? t('editor.nameRequired')
    : problem
      ? fieldError(problem.fields, 'name')
      : undefined;
  // Field problems are shown at their fields; anything else goes under the form.
  const otherError =
    problem && Object.keys(problem.fields).length === 0 && problem.code !== 'BAD_REQUEST' ? save.error : null;
  const saved =
    savedState !== null &&
    savedState === canonicalJson({ name: name.trim(), rule: parsed.ok ? parsed.value : rule });

  return (
    <Page
      title={segment ? segment.name : t('newSegment')}
      actions={<Link to="/segments">{t('allSegments')}</Link>}
    >
      <form className="seg-form" onSubmit={submit} noValidate>
        <div className="panel seg-name">
          <TextField
            label={t('editor.name')}
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              setNameMissing(false);
            }}
            error={nameError}
            aria-required="true"
            maxLength={200}
            readOnly={!canEdit}
            autoComplete="off"
          />
          {canEdit ? null : <p className="muted">{t('editor.readOnly')}</p>}
        </div>
        <div className="seg-editor-grid">
          <section className="panel seg-rule" aria-labelledby="seg-rule-h">
            <h2 id="seg-rule-h">{t('editor.ruleHeading')}</h2>
            <p className="muted">{t('editor.ruleHint')}</p>
            {initial.storedInvalid ? (
              <p className="form-error" role="alert">
                {t('editor.storedRuleInvalid')}
              </p>
            ) : null}
            <RuleBuilder
              root={root}
              onChange={(next) => {
                setRoot(next);
                setRuleBlocked(false);
              }}
              issues={issues}
              members={members.data?.items ?? []}
              customFields={fields.data?.items ?? []}
              disabled={!canEdit}
            />
          </section>
          <LivePreview valid={parsed.ok} ruleKey={ruleKey} />
        </div>
        {ruleBlocked && !parsed.ok ? (
          <p className="form-error" role="alert">
            {t('editor.fixRule')}
          </p>
        ) : null}
        {problem?.code === 'BAD_REQUEST' && !nameError && serverIssues?.rule === ruleKey ? (
          <FormError error={save.error} />
        ) : null}
        <FormError error={otherError} />
        {canEdit ? (
          <div className="row seg-actions">
            <button type="submit" className="btn btn-primary" disabled={save.isPending}>
              {save.isPending ? t('common:saving') : segment ? t('editor.save') : t('editor.create')}
            </button>
            <span role="status" className="muted">
              {saved ? t('editor.saved') : ''}
            </span>
          </div>
        ) : null}
      </form>
      {segment ? (
        <>
          <section className="panel" aria-labelledby="seg-size-h">
            <h2 id="seg-size-h">{t('chart.heading')}</h2>
            <Suspense fallback={<Loading />}>
              <SizeChart segmentId={segment.id} />
            </Suspense>
          </section>
          <section className="panel" aria-labelledby="seg-members-h">
            <div className="row seg-members-head">
              <h2 id="seg-members-h">{t('members.heading')}</h2>
              <ExportButton source={{ kind: 'segment', segmentId: segment.id }} />
            </div>
            <MembersTable segmentId={segment.id} />
          </section>
        </>
      ) : null}
    </Page>
  );
}

/**
 * The live count: asked for once the rule has stayed the same for `PREVIEW_DEBOUNCE_MS`, and only
 * for a valid rule; the previous answer stays on screen (marked busy) while the next one loads.
 */
function LivePreview({ valid, ruleKey }: { valid: boolean; ruleKey: string }) {
  const { t } = useTranslation('segments');
  const headingId = useId();
  const debouncedKey = useDebounced(valid ? ruleKey : null, PREVIEW_DEBOUNCE_MS);
  const settled = debouncedKey !== null && debouncedKey === ruleKey;
  const preview = useQuery({
    queryKey: ['segments', 'preview', debouncedKey],
    // The key is the rule's canonical JSON, so the rule asked about is exactly the one keyed.
    queryFn: () => trpc.segments.preview.query({ rule: JSON.parse(debouncedKey!), sampleSize: SAMPLE_SIZE }),
    enabled: debouncedKey !== null,
    placeholderData: keepPreviousData,
  });
  const busy = !settled || preview.isFetching;
  return (
    <section className="panel seg-preview" aria-labelledby={headingId} aria-busy={busy}>
      <h2 id={headingId}>{t('preview.heading')}</h2>
      {!valid ? (
        <p className="muted">{t('preview.invalid')}</p>
      ) : preview.isError ? (
        <ErrorState error={preview.error} onRetry={() => void preview.refetch()} />
      ) : !preview.data ? (
        <Loading />
      ) : (
        <>
          {/* The count's digits stay unbroken (`{{count}}`, no grouping): an e2e hook reads the number. */}
          <p
            className="seg-count"
            data-testid="live-count"
            data-count={preview.data.count}
            aria-live="polite"
          >
            {t('preview.count', { count: preview.data.count })}
          </p>
          {busy ? <p className="muted seg-updating">{t('preview.updating')}</p> : null}
          {preview.data.sample.length === 0 ? (
            <p className="muted">{t('preview.sampleEmpty')}</p>
          ) : (
            <>
              <h3>{t('preview.sampleHeading')}</h3>
              <ul className="seg-sample">
                {preview.data.sample.map((c) => (
                  <li key={c.id}>
                    <Link to={`/clients/${c.id}`}>{c.displayName}</Link>
                  </li>
                ))}
              </ul>
              {preview.data.count > preview.data.sample.length ? (
                <p className="muted">
                  {t('preview.more', { count: preview.data.count - preview.data.sample.length })}
                </p>
              ) : null}
            </>
          )}
        </>
      )}
    </section>
  );
}
