import type {
  TemperatureAssessment,
  TemperatureLevel,
  TemperaturePolicy,
  TemperatureReason,
} from '@cb/domain';
import type { Executor } from '../client.ts';
import { queryRows } from '../raw.ts';
import { type TemperatureScope, temperatureQuery } from './compile.ts';

export type AssessTemperaturesParams = TemperatureScope & { policy: TemperaturePolicy; now: Date };

/**
 * Assesses the temperature of every client in the scope in one statement, without storing it
 * (what the recompute writes, and what a policy editor previews).
 */
export async function assessTemperatures(
  db: Executor,
  params: AssessTemperaturesParams,
): Promise<Map<string, TemperatureAssessment>> {
  const result = new Map<string, TemperatureAssessment>();
  if (params.clientIds != null && params.clientIds.length === 0) return result;
  const rows = await queryRows<{
    client_id: string;
    level: TemperatureLevel;
    score: number;
    reasons: TemperatureReason[];
  }>(db, temperatureQuery(params.policy, { now: params.now, scope: params }));
  for (const row of rows) {
    result.set(row.client_id, { level: row.level, score: Number(row.score), reasons: row.reasons });
  }
  return result;
}
