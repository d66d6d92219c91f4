/** The stage of a client derived from its purchases: prospect → customer → lapsed; archived by hand. */
import { z } from 'zod';
import { daysBetween } from '../facts.ts';
import type { Stage } from '../vocabulary.ts';

export const ZStagePolicy = z.object({ lapsedAfterDays: z.number().int().min(1).max(3650).default(180) });
export type StagePolicy = z.infer<typeof ZStagePolicy>;
export const defaultStagePolicy: StagePolicy = ZStagePolicy.parse({});

export type StageInput = { archived: boolean; purchases: { at: Date }[] };

/**
 * - archived wins over anything purchases say (a person decided it);
 * - no purchases at all → prospect;
 * - otherwise "days since" is measured from the latest purchase dated at or before `now`;
 *   more than `lapsedAfterDays` whole days → lapsed, else customer (exactly the limit is still
 *   a customer);
 * - purchases dated after `now` (pre-orders, clock skew, scheduled deliveries) still make the client
 *   a customer, but never make a lapsed client look recent: if every purchase is in the future,
 *   the client is a customer; if some are past, only those are measured.
 */
export function deriveStage(input: StageInput, policy: StagePolicy, now: Date): Stage {
  if (input.archived) return 'archived';
  if (input.purchases.length === 0) return 'prospect';
  let latestPast: number | null = null;
  for (const p of input.purchases) {
    const t = p.at.getTime();
    if (t <= now.getTime() && (latestPast === null || t > latestPast)) latestPast = t;
  }
  if (latestPast === null) return 'customer';
  return daysBetween(new Date(latestPast), now) > policy.lapsedAfterDays ? 'lapsed' : 'customer';
}
