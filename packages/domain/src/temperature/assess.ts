import { type ClientFacts, DAY_MS, daysBetween, type InteractionFact } from '../facts.ts';
import { interactionDirections, interactionKinds, type TemperatureLevel } from '../vocabulary.ts';
import type { TemperaturePolicy } from './policy.ts';
import { type TemperatureReason, type TemperatureSignal, temperatureSignals } from './reason.ts';

/*
 * The assessment is written so that one set-based SQL statement can reproduce it exactly:
 *
 *   age(e)       = (now - e.at) / DAY_MS     fractional days, never floored (ms precision)
 *   hl(s)        = s.halfLifeDays ?? policy.halfLifeDays
 *   decay(w, d, h) = w * 0.5 ^ (d / h)
 *   rhu(x)       = floor(x + 0.5)            round half up, also in SQL
 *
 *   Events with e.at > now are ignored (a purchase or call dated in the future says nothing
 *   about the client today). Events at exactly `now` count with age 0.
 *
 *   last_purchase          = rhu(decay(lastPurchase.weight, age(max purchase.at), hl(lastPurchase)))
 *   purchases_in_window    = rhu(purchaseCount.weight * min(1, count / fullAtCount))
 *   purchase_sum_in_window = rhu(purchaseSum.weight * min(1, sumKopecks / fullAtKopecks))
 *                            both over purchases with age(p) <= purchaseWindowDays
 *   last_interaction       = rhu(decay(kindWeights[i.kind], age(i), hl(lastInteraction))) for the
 *                            latest interaction i among kinds with kindWeights[kind] != 0; on the
 *                            same `at` the larger weight wins (points do not depend on the rest)
 *   inbound_request        = rhu(decay(inbound.weight, age(max inbound.at), hl(inbound))) over
 *                            interactions with kind in (inbound_request, web_form) or direction = inbound
 *   source_channel         = rhu(sourceChannelPoints[channel])
 *   open_tasks             = rhu(min(maxPoints, scheduled * pointsPerTask + overdue * pointsPerOverdueTask))
 *                            open = doneAt is null or doneAt > now;
 *                            overdue = open and dueAt < now; scheduled = open and not overdue
 *
 *   score = clamp(baseScore + sum of the rounded points above, 0, 100)
 *   level = hot if score >= hotFrom, warm if score >= warmFrom, else cold
 *
 * Each signal is rounded on its own, so the reasons a user reads add up to the score (before the
 * clamp). SQL must compute `w * power(0.5, d / h)` in double precision, as here. The `days` in a
 * reason's detail are whole days (`daysBetween`, floored) and only word the sentence; the kind
 * and direction shown for ties on `at` are the earliest in vocabulary order.
 */

export type TemperatureFacts = Pick<ClientFacts, 'purchases' | 'interactions' | 'tasks' | 'sourceChannel'>;

export type TemperatureAssessment = {
  level: TemperatureLevel;
  /** Integer 0..100. */
  score: number;
  /** Signals that gave non-zero points, by absolute points descending. */
  reasons: TemperatureReason[];
};

/** Round half up (towards +∞), the same as SQL `floor(x + 0.5)`; `Math.round` agrees. */
export function roundPoints(x: number): number {
  return Math.floor(x + 0.5);
}

/** `weight * 0.5^(days / halfLifeDays)`: the full weight at 0 days, half of it one half-life later. */
export function decayedPoints(weight: number, days: number, halfLifeDays: number): number {
  return weight * 0.5 ** (days / halfLifeDays);
}

/** The level a score falls into; thresholds are inclusive lower bounds. */
export function temperatureLevelForScore(score: number, policy: TemperaturePolicy): TemperatureLevel {
  if (score >= policy.hotFrom) return 'hot';
  if (score >= policy.warmFrom) return 'warm';
  return 'cold';
}

function isInbound(interaction: InteractionFact): boolean {
  return (
    interaction.kind === 'inbound_request' ||
    interaction.kind === 'web_form' ||
    interaction.direction === 'inbound'
  );
}

/** The item first in `order` (a negative result puts `a` first), or null for none. */
function firstBy<T>(items: readonly T[], order: (a: T, b: T) => number): T | null {
  let first: T | null = null;
  for (const item of items) {
    if (first === null || order(item, first) < 0) first = item;
  }
  return first;
}

/**
 * Latest first; events at the same instant are ordered by kind and direction in vocabulary order,
 * so the reason's wording never depends on the order the facts arrived in.
 */
function latestInteractionFirst(a: InteractionFact, b: InteractionFact): number {
  return (
    b.at.getTime() - a.at.getTime() ||
    interactionKinds.indexOf(a.kind) - interactionKinds.indexOf(b.kind) ||
    interactionDirections.indexOf(a.direction) - interactionDirections.indexOf(b.direction)
  );
}

export function assessTemperature(
  facts: TemperatureFacts,
  policy: TemperaturePolicy,
  now: Date,
): TemperatureAssessment {
  const nowMs = now.getTime();
  const ageDays = (at: Date): number => (nowMs - at.getTime()) / DAY_MS;
  const halfLifeOf = (override: number | null): number => override ?? policy.halfLifeDays;
  const reasons: TemperatureReason[] = [];
  const add = (signal: TemperatureSignal, raw: number, detail: TemperatureReason['detail']): void => {
    const points = roundPoints(raw);
    if (points !== 0) reasons.push({ signal, points, detail });
  };

  const purchases = facts.purchases.filter((p) => p.at.getTime() <= nowMs);
  const lastPurchase = firstBy(purchases, (a, b) => b.at.getTime() - a.at.getTime());
  if (lastPurchase) {
    add(
      'last_purchase',
      decayedPoints(
        policy.lastPurchase.weight,
        ageDays(lastPurchase.at),
        halfLifeOf(policy.lastPurchase.halfLifeDays),
      ),
      { days: daysBetween(lastPurchase.at, now) },
    );
  }

  const windowDays = policy.purchaseWindowDays;
  const inWindow = purchases.filter((p) => ageDays(p.at) <= windowDays);
  if (inWindow.length > 0) {
    const count = inWindow.length;
    const sumKopecks = inWindow.reduce((sum, p) => sum + p.amountKopecks, 0);
    add(
      'purchases_in_window',
      policy.purchaseCount.weight * Math.min(1, count / policy.purchaseCount.fullAtCount),
      { count, windowDays },
    );
    add(
      'purchase_sum_in_window',
      policy.purchaseSum.weight * Math.min(1, sumKopecks / policy.purchaseSum.fullAtKopecks),
      { sumKopecks, sumRub: sumKopecks / 100, windowDays },
    );
  }

  const interactions = facts.interactions.filter((i) => i.at.getTime() <= nowMs);
  const kindWeights = policy.lastInteraction.kindWeights;
  const lastContact = firstBy(
    interactions.filter((i) => kindWeights[i.kind] !== 0),
    (a, b) =>
      b.at.getTime() - a.at.getTime() ||
      kindWeights[b.kind] - kindWeights[a.kind] ||
      latestInteractionFirst(a, b),
  );
  if (lastContact) {
    add(
      'last_interaction',
      decayedPoints(
        kindWeights[lastContact.kind],
        ageDays(lastContact.at),
        halfLifeOf(policy.lastInteraction.halfLifeDays),
      ),
      { days: daysBetween(lastContact.at, now), kind: lastContact.kind, direction: lastContact.direction },
    );
  }

  const lastInbound = firstBy(interactions.filter(isInbound), latestInteractionFirst);
  if (lastInbound) {
    add(
      'inbound_request',
      decayedPoints(policy.inbound.weight, ageDays(lastInbound.at), halfLifeOf(policy.inbound.halfLifeDays)),
      { days: daysBetween(lastInbound.at, now), kind: lastInbound.kind },
    );
  }

  add('source_channel', policy.sourceChannelPoints[facts.sourceChannel], { channel: facts.sourceChannel });

  let open = 0;
  let overdue = 0;
  for (const task of facts.tasks) {
    if (task.doneAt !== null && task.doneAt.getTime() <= nowMs) continue;
    if (task.dueAt !== null && task.dueAt.getTime() < nowMs) overdue += 1;
    else open += 1;
  }
  if (open + overdue > 0) {
    const { pointsPerTask, pointsPerOverdueTask, maxPoints } = policy.openTasks;
    add('open_tasks', Math.min(maxPoints, open * pointsPerTask + overdue * pointsPerOverdueTask), {
      count: open + overdue,
      overdue,
    });
  }

  reasons.sort(
    (a, b) =>
      Math.abs(b.points) - Math.abs(a.points) ||
      temperatureSignals.indexOf(a.signal) - temperatureSignals.indexOf(b.signal),
  );
  const total = reasons.reduce((sum, r) => sum + r.points, policy.baseScore);
  const score = Math.min(100, Math.max(0, total));
  return { level: temperatureLevelForScore(score, policy), score, reasons };
}
