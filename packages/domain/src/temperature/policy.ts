import { z } from 'zod';
import { type FieldIssue, fail, issue, ok, type Result } from '../result.ts';
import { sourceChannels } from '../vocabulary.ts';

/*
 * A temperature policy is data, not code: it is stored per workspace, edited on a settings screen
 * and compiled to SQL as well as evaluated here. Every field has a default, so `{}` is a complete
 * policy and an old stored policy keeps working when a field is added.
 *
 * Points are on the 0..100 score scale. A "weight" is the most points a signal can give: decayed
 * signals give `weight * 0.5^(days / halfLifeDays)`, capped signals `weight * min(1, x / fullAt)`.
 */

const points = z.number().min(-100).max(100);
const nonNegativePoints = z.number().min(0).max(100);
const halfLife = z.number().positive().max(3650);
/** A per-signal half-life; null means the policy-wide `halfLifeDays`. */
const halfLifeOverride = halfLife.nullable().default(null);

export const ZTemperaturePolicy = z
  .object({
    /** Score every client starts from before any signal; an integer so reasons add up exactly. */
    baseScore: z.number().int().min(0).max(100).default(0),
    /** Policy-wide half-life of decaying signals, in days. */
    halfLifeDays: halfLife.default(30),
    /** Score from which a client is warm (inclusive). */
    warmFrom: z.number().int().min(1).max(100).default(35),
    /** Score from which a client is hot (inclusive); must be above `warmFrom`. */
    hotFrom: z.number().int().min(1).max(100).default(65),
    /** Purchases with `now - at <= purchaseWindowDays` days count for the count and sum signals. */
    purchaseWindowDays: z.number().int().positive().max(3650).default(365),
    lastPurchase: z.object({ weight: points.default(35), halfLifeDays: halfLifeOverride }).prefault({}),
    purchaseCount: z
      .object({
        weight: points.default(15),
        /** Purchases in the window at which the signal gives its full weight. */
        fullAtCount: z.number().int().positive().default(5),
      })
      .prefault({}),
    purchaseSum: z
      .object({
        weight: points.default(10),
        /** Sum in the window (kopecks) at which the signal gives its full weight; 100 000 ₽. */
        fullAtKopecks: z.number().int().positive().default(10_000_000),
      })
      .prefault({}),
    lastInteraction: z
      .object({
        halfLifeDays: halfLifeOverride,
        /** Weight of the latest interaction by its kind; kinds weighted 0 are not contact. */
        kindWeights: z
          .object({
            call: points.default(15),
            meeting: points.default(25),
            negotiation: points.default(30),
            note: points.default(0),
            message: points.default(10),
            inbound_request: points.default(15),
            web_form: points.default(15),
          })
          .prefault({}),
      })
      .prefault({}),
    /** The latest inbound contact: kind `inbound_request` or `web_form`, or direction `inbound`. */
    inbound: z
      .object({ weight: points.default(40), halfLifeDays: halfLife.nullable().default(14) })
      .prefault({}),
    /** Points by acquisition channel, not decayed; must stay below `warmFrom - baseScore`. */
    sourceChannelPoints: z
      .object({
        purchased_list: points.default(-15),
        advertising: points.default(5),
        referral: points.default(20),
        web_form: points.default(15),
        loyalty_card: points.default(10),
        walk_in: points.default(10),
        import: points.default(0),
        other: points.default(0),
      })
      .prefault({}),
    /**
     * Open follow-up tasks (not done as of `now`). An overdue one (due before `now`) counts less
     * than a scheduled one: a follow-up nobody made is weaker evidence of a live relationship.
     */
    openTasks: z
      .object({
        pointsPerTask: nonNegativePoints.default(5),
        pointsPerOverdueTask: nonNegativePoints.default(2),
        maxPoints: nonNegativePoints.default(10),
      })
      .prefault({}),
  })
  .superRefine((policy, ctx) => {
    if (policy.warmFrom >= policy.hotFrom) {
      ctx.addIssue({
        code: 'custom',
        path: ['warmFrom'],
        message: `warmFrom (${policy.warmFrom}) must be below hotFrom (${policy.hotFrom})`,
        params: { code: 'warm_from_not_below_hot_from' },
      });
    }
    // A client with no history is scored by the source alone and must come out cold.
    for (const channel of sourceChannels) {
      const start = policy.baseScore + policy.sourceChannelPoints[channel];
      if (start >= policy.warmFrom) {
        ctx.addIssue({
          code: 'custom',
          path: ['sourceChannelPoints', channel],
          message: `baseScore + sourceChannelPoints.${channel} (${start}) must be below warmFrom (${policy.warmFrom})`,
          params: { code: 'source_points_not_below_warm_from' },
        });
      }
    }
  });

export type TemperaturePolicy = z.infer<typeof ZTemperaturePolicy>;
/** What a caller may store or send: every field optional. */
export type TemperaturePolicyInput = z.input<typeof ZTemperaturePolicy>;

export const defaultTemperaturePolicy: TemperaturePolicy = ZTemperaturePolicy.parse({});

/**
 * Validates a policy from the settings screen or the database, naming the offending field
 * (`warmFrom`, `lastInteraction.kindWeights.call`) so the UI can show it next to the input.
 */
export function parseTemperaturePolicy(input: unknown): Result<TemperaturePolicy, FieldIssue[]> {
  const parsed = ZTemperaturePolicy.safeParse(input);
  if (parsed.success) return ok(parsed.data);
  return fail(
    parsed.error.issues.map((zodIssue) => {
      const custom =
        zodIssue.code === 'custom' && typeof zodIssue.params?.code === 'string' ? zodIssue.params.code : null;
      return issue(zodIssue.path.map(String).join('.'), custom ?? zodIssue.code, zodIssue.message);
    }),
  );
}
