import {
  DAY_MS,
  type FieldIssue,
  parseSegmentRule,
  type SegmentRule,
  type StagePolicy,
  type TemperaturePolicy,
  ZStagePolicy,
} from '@cb/domain';
import { and, eq, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { parseStoredTemperaturePolicy } from '../queries/settings.ts';
import { queryRows } from '../raw.ts';
import { segments } from '../schema/segments.ts';
import { workspaces } from '../schema/workspaces.ts';
import { compileSegment } from '../segments/compile.ts';
import {
  clientScopeSql,
  compileTemperature,
  epochMsSql,
  type TemperatureScope,
  timestampSql,
  uuidArraySql,
} from '../temperature/compile.ts';

/*
 * The recompute brings the derived columns of clients up to `now`: stage, temperature (with a
 * history row on every change of level or score) and the membership spells of rule segments.
 *
 * - Set-based: one statement for stages, one for temperatures, one for all rule segments, plus
 *   the lock and two small reads, whatever the number of clients.
 * - One transaction, serialised per workspace by a transaction-scoped advisory lock, so two
 *   workers recomputing the same workspace queue up instead of opening the same spell twice; the
 *   second sees the first's result (READ COMMITTED takes a new snapshot per statement) and
 *   changes nothing.
 * - Idempotent: every write is guarded by "differs from what is stored", so a second run at the
 *   same `now` writes nothing.
 * - Derived columns are not user edits: `version` and `updated_at` are left alone, so an undo or a
 *   merge is not refused because a recompute ran in between.
 * - `temperature_at` is the `now` the stored level/score/reasons were computed at (the reasons'
 *   "N days ago" is relative to it); it moves only when one of them changes, or on the first
 *   assessment.
 */

export type RecomputeResult = {
  /** Clients recomputed (in the workspace, and in `clientIds` when given). */
  clients: number;
  /** Clients whose stage changed. */
  stageChanged: number;
  /** Clients whose temperature level or score changed (one temperature_history row each). */
  temperatureChanged: number;
  /** Membership spells opened in rule segments. */
  segmentsEntered: number;
  /** Membership spells closed in rule segments. */
  segmentsLeft: number;
  /** Rule segments left untouched because their stored rule does not parse, with the reasons. */
  skippedSegments: { segmentId: string; issues: FieldIssue[] }[];
};

export type RecomputeWorkspaceParams = { workspaceId: string; now: Date };
export type RecomputeClientsParams = RecomputeWorkspaceParams & { clientIds: readonly string[] };

export class RecomputeError extends Error {
  constructor(
    readonly code: 'workspace_not_found' | 'invalid_temperature_policy' | 'invalid_stage_policy',
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'RecomputeError';
  }
}

/** Recomputes every client of the workspace. */
export function recomputeWorkspace(db: Executor, params: RecomputeWorkspaceParams): Promise<RecomputeResult> {
  return recompute(db, { workspaceId: params.workspaceId }, params.now);
}

/** Recomputes the given clients of the workspace; other clients' rows and spells are untouched. */
export function recomputeClients(db: Executor, params: RecomputeClientsParams): Promise<RecomputeResult> {
  const clientIds = [...new Set(params.clientIds)];
  if (clientIds.length === 0) return Promise.resolve(emptyResult());
  return recompute(db, { workspaceId: params.workspaceId, clientIds }, params.now);
}

function emptyResult(): RecomputeResult {
  return {
    clients: 0,
    stageChanged: 0,
    temperatureChanged: 0,
    segmentsEntered: 0,
    segmentsLeft: 0,
    skippedSegments: [],
  };
}

/** The key of the per-workspace recompute lock (bigint for `pg_advisory_xact_lock`). */
function lockKeySql(workspaceId: string): SQL {
  return sql`hashtextextended(${`cb:recompute:${workspaceId}`}::text, 0)`;
}

async function recompute(db: Executor, scope: TemperatureScope, now: Date): Promise<RecomputeResult> {
  const nowMs = now.getTime();
  if (Number.isNaN(nowMs)) throw new RangeError('recompute: now is not a valid date');
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${lockKeySql(scope.workspaceId)})`);
    const [workspace] = await tx
      .select({ settings: workspaces.settings, temperaturePolicy: workspaces.temperaturePolicy })
      .from(workspaces)
      .where(eq(workspaces.id, scope.workspaceId));
    if (!workspace) {
      throw new RecomputeError('workspace_not_found', `Workspace ${scope.workspaceId} does not exist`);
    }
    const stagePolicy = parseStagePolicy(workspace.settings.lapsedAfterDays);
    const temperaturePolicy = parseWorkspaceTemperaturePolicy(workspace.temperaturePolicy);

    const stage = await updateStages(tx, scope, stagePolicy, nowMs);
    const temperatureChanged = await updateTemperatures(tx, scope, temperaturePolicy, now);

    const ruleSegments = await tx
      .select({ id: segments.id, rule: segments.rule })
      .from(segments)
      .where(and(eq(segments.workspaceId, scope.workspaceId), eq(segments.kind, 'rule')));
    const compiled: { id: string; rule: SegmentRule }[] = [];
    const skippedSegments: RecomputeResult['skippedSegments'] = [];
    for (const segment of ruleSegments) {
      const parsed = parseSegmentRule(segment.rule);
      if (parsed.ok) compiled.push({ id: segment.id, rule: parsed.value });
      else skippedSegments.push({ segmentId: segment.id, issues: parsed.error });
    }
    const spells = await updateSpells(tx, scope, compiled, now);

    return {
      clients: stage.clients,
      stageChanged: stage.changed,
      temperatureChanged,
      segmentsEntered: spells.entered,
      segmentsLeft: spells.left,
      skippedSegments,
    };
  });
}

function parseStagePolicy(lapsedAfterDays: unknown): StagePolicy {
  const parsed = ZStagePolicy.safeParse(lapsedAfterDays === undefined ? {} : { lapsedAfterDays });
  if (parsed.success) return parsed.data;
  throw new RecomputeError(
    'invalid_stage_policy',
    'The workspace setting lapsedAfterDays is invalid',
    parsed.error.issues.map((i) => ({
      field: `settings.${i.path.join('.')}`,
      code: i.code,
      message: i.message,
    })),
  );
}

function parseWorkspaceTemperaturePolicy(stored: unknown): TemperaturePolicy {
  const parsed = parseStoredTemperaturePolicy(stored);
  if (parsed.ok) return parsed.value;
  throw new RecomputeError(
    'invalid_temperature_policy',
    'The workspace temperature policy is invalid',
    parsed.error,
  );
}

/**
 * The stage rule of `@cb/domain` `deriveStage`: archived (archived_at set) wins; no purchases →
 * prospect; none at or before now → customer; else lapsed when more than lapsedAfterDays whole
 * days (`floor((now − latest) / day)`, on millisecond times) have passed since the latest one.
 */
async function updateStages(
  db: Executor,
  scope: TemperatureScope,
  policy: StagePolicy,
  nowMs: number,
): Promise<{ clients: number; changed: number }> {
  const upTo = timestampSql(nowMs + 1);
  const purchaseScope =
    scope.clientIds == null
      ? sql`"purchases"."workspace_id" = ${scope.workspaceId}::uuid`
      : sql`"purchases"."workspace_id" = ${scope.workspaceId}::uuid and "purchases"."client_id" = any(${uuidArraySql(scope.clientIds)})`;
  const [row] = await queryRows<{ clients: number; changed: number }>(
    db,
    sql`with derived as (
      select "clients"."id" as id, case
          when "clients"."archived_at" is not null then 'archived'
          when p.client_id is null then 'prospect'
          when p.last_past is null then 'customer'
          when floor((${nowMs}::bigint - ${epochMsSql(sql`p.last_past`)})::float8 / ${DAY_MS}::float8)
            > ${policy.lapsedAfterDays}::int then 'lapsed'
          else 'customer'
        end as stage
      from "clients"
      left join (
        select "purchases"."client_id", max("purchases"."at") filter (where "purchases"."at" < ${upTo}) as last_past
        from "purchases" where ${purchaseScope}
        group by "purchases"."client_id"
      ) p on p.client_id = "clients"."id"
      where ${clientScopeSql(scope)}
    ), changed as (
      update "clients" set "stage" = derived.stage
      from derived
      where "clients"."id" = derived.id and "clients"."stage" is distinct from derived.stage
      returning 1
    )
    select (select count(*) from derived)::int as clients, (select count(*) from changed)::int as changed`,
  );
  return { clients: Number(row?.clients ?? 0), changed: Number(row?.changed ?? 0) };
}

/**
 * Writes level, score, reasons and temperature_at where any of the three differs from what is
 * stored (or nothing was stored yet), and a temperature_history row where the level or the score
 * changed, including the first assessment. Returns the number of history rows.
 */
async function updateTemperatures(
  db: Executor,
  scope: TemperatureScope,
  policy: TemperaturePolicy,
  now: Date,
): Promise<number> {
  const t = compileTemperature(policy, { now, scope });
  const at = timestampSql(now.getTime());
  const [row] = await queryRows<{ changed: number }>(
    db,
    sql`with assessed as (
      select "clients"."id" as id, "clients"."workspace_id" as workspace_id,
        ${t.level} as level, ${t.score} as score, ${t.reasons} as reasons,
        "clients"."temperature_level" as old_level, "clients"."temperature_score" as old_score,
        "clients"."temperature_reasons" as old_reasons, "clients"."temperature_at" as old_at
      from "clients" ${t.joins}
      where ${clientScopeSql(scope)}
    ), updated as (
      update "clients" set "temperature_level" = a.level, "temperature_score" = a.score,
        "temperature_reasons" = a.reasons, "temperature_at" = ${at}
      from assessed a
      where "clients"."id" = a.id
        and (a.old_at is null or a.old_level is distinct from a.level
          or a.old_score is distinct from a.score or a.old_reasons is distinct from a.reasons)
      returning a.id, a.workspace_id, a.level, a.score, a.reasons, a.old_level, a.old_score
    ), history as (
      insert into "temperature_history" ("workspace_id", "client_id", "at", "level", "score", "reasons")
      select u.workspace_id, u.id, ${at}, u.level, u.score, u.reasons from updated u
      where u.old_level is distinct from u.level or u.old_score is distinct from u.score
      returning 1
    )
    select (select count(*) from history)::int as changed`,
  );
  return Number(row?.changed ?? 0);
}

/**
 * Brings the open spells of every rule segment in line with its members at `now`, in one
 * statement: members are the union of the compiled rules over the scope's clients; open spells of
 * non-members are closed at now, members without an open spell get one opened at now.
 */
async function updateSpells(
  db: Executor,
  scope: TemperatureScope,
  ruleSegments: readonly { id: string; rule: SegmentRule }[],
  now: Date,
): Promise<{ entered: number; left: number }> {
  if (ruleSegments.length === 0) return { entered: 0, left: 0 };
  const at = timestampSql(now.getTime());
  const members = sql.join(
    ruleSegments.map(
      (s) => sql`select ${s.id}::uuid as segment_id, "clients"."id" as client_id from "clients"
        where ${clientScopeSql(scope)} and "clients"."merged_into_id" is null and ${compileSegment(s.rule, { now })}`,
    ),
    sql` union all `,
  );
  const spellScope =
    scope.clientIds == null
      ? sql``
      : sql` and "segment_members"."client_id" = any(${uuidArraySql(scope.clientIds)})`;
  const [row] = await queryRows<{ entered: number; left_count: number }>(
    db,
    sql`with members as (${members}),
    open_spells as (
      select "segment_members"."id" as id, "segment_members"."segment_id" as segment_id,
        "segment_members"."client_id" as client_id
      from "segment_members"
      where "segment_members"."segment_id" = any(${uuidArraySql(ruleSegments.map((s) => s.id))})
        and "segment_members"."left_at" is null${spellScope}
    ), closed as (
      update "segment_members" set "left_at" = ${at}
      where "segment_members"."id" in (
        select o.id from open_spells o
        where not exists (select 1 from members m where m.segment_id = o.segment_id and m.client_id = o.client_id)
      )
      returning 1
    ), opened as (
      insert into "segment_members" ("workspace_id", "segment_id", "client_id", "entered_at")
      select ${scope.workspaceId}::uuid, m.segment_id, m.client_id, ${at} from members m
      where not exists (select 1 from open_spells o where o.segment_id = m.segment_id and o.client_id = m.client_id)
      returning 1
    )
    select (select count(*) from opened)::int as entered, (select count(*) from closed)::int as left_count`,
  );
  return { entered: Number(row?.entered ?? 0), left: Number(row?.left_count ?? 0) };
}
