import {
  type PolicyChangePreview,
  type TemperatureLevel,
  type TemperaturePolicy,
  temperatureLevels,
} from '@cb/domain';
import { type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import type { ReadScope } from '../queries/context.ts';
import { queryRows } from '../raw.ts';
import { clientScopeSql, compileTemperature } from './compile.ts';

export type PreviewTemperaturePolicyParams = {
  scope: ReadScope;
  from: TemperaturePolicy;
  to: TemperaturePolicy;
  now: Date;
};

/**
 * `@cb/domain` `previewPolicyChange` in one statement: the live (not archived) clients of the scope
 * are assessed under both policies at `now` (two compiled assessments, paired per client) and only
 * the (old level, new level) pairs come back, counted. No client row leaves the database.
 */
export async function previewTemperaturePolicy(
  db: Executor,
  params: PreviewTemperaturePolicyParams,
): Promise<PolicyChangePreview> {
  const { scope, now } = params;
  const temperatureScope = { workspaceId: scope.workspaceId };
  const assessed = (side: number, policy: TemperaturePolicy): SQL => {
    const t = compileTemperature(policy, { now, scope: temperatureScope });
    return sql`select ${side}::int as side, "clients"."id" as client_id, "clients"."archived_at" is null as live,
        "clients"."owner_id" as owner_id, ${t.level} as level
      from "clients" ${t.joins}
      where ${clientScopeSql(temperatureScope)}
      offset 0`;
  };
  const owner = scope.onlyOwnerId ? sql`and s.owner_id = ${scope.onlyOwnerId}` : sql``;
  /*
   * Both assessments cover the whole workspace, as the recompute's does, and the scope's filters
   * (live, owner) apply to their results; `offset 0` keeps the filters from being pushed inside.
   * Inside, they lower the planner's estimate of the clients read, on tables not analyzed yet (PGlite
   * has no autovacuum) down to one row, and the planner then re-reads each history aggregate once per
   * client. For the same reason the two are stacked and grouped by client rather than joined.
   */
  const rows = await queryRows<{ before: TemperatureLevel; after: TemperatureLevel; n: number }>(
    db,
    sql`select p.before, p.after, count(*)::int as n
      from (
        select max(s.level) filter (where s.side = 0) as before, max(s.level) filter (where s.side = 1) as after
        from ((${assessed(0, params.from)}) union all (${assessed(1, params.to)})) s
        where s.live ${owner}
        group by s.client_id
      ) p
      group by 1, 2`,
  );
  const zero = (): Record<TemperatureLevel, number> => ({ cold: 0, warm: 0, hot: 0 });
  const preview: PolicyChangePreview = {
    total: 0,
    changed: 0,
    before: zero(),
    after: zero(),
    moves: { cold: zero(), warm: zero(), hot: zero() },
  };
  for (const row of rows) {
    if (!temperatureLevels.includes(row.before) || !temperatureLevels.includes(row.after)) {
      throw new Error(`previewTemperaturePolicy: unexpected level ${row.before} → ${row.after}`);
    }
    const n = Number(row.n);
    preview.total += n;
    preview.before[row.before] += n;
    preview.after[row.after] += n;
    preview.moves[row.before][row.after] += n;
    if (row.before !== row.after) preview.changed += n;
  }
  return preview;
}
