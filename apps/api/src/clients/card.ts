import {
  type ClientDetail,
  clientRfmScores,
  clientSegments,
  type Executor,
  getTemperaturePolicy,
  loadClientFacts,
  parseStoredTemperaturePolicy,
} from '@cb/db';
import {
  assessTemperature,
  consentPurposes,
  contactChannels,
  currentConsents,
  defaultTemperaturePolicy,
  type RfmScore,
  renderContactDecision,
  renderTemperatureReason,
  rfmFrequencyMonetary,
  rfmGroupFor,
  rfmGroupLabel,
  type TemperaturePolicy,
  temperatureLevelLabel,
} from '@cb/domain';
import type { WorkspaceContext } from '../trpc/init.ts';
import { toJson } from '../trpc/json.ts';
import { clientDto } from './dto.ts';
import { regionOf } from './write.ts';

export async function workspacePolicy(db: Executor, workspaceId: string): Promise<TemperaturePolicy> {
  const parsed = parseStoredTemperaturePolicy(await getTemperaturePolicy(db, workspaceId));
  return parsed.ok ? parsed.value : defaultTemperaturePolicy;
}

/**
 * The client card: the record plus what is derived from its history, each explained in RU and EN —
 * the consent ledger and the decision in force per channel and purpose, the temperature assessed
 * now with its reasons, the segments it is in, and its RFM scores against the workspace's base.
 */
export async function clientCard(db: Executor, ws: WorkspaceContext, detail: ClientDetail, now: Date) {
  const [factsById, policy, segments, rfm] = await Promise.all([
    loadClientFacts(db, ws.id, [detail.id]),
    workspacePolicy(db, ws.id),
    clientSegments(db, ws.id, detail.id),
    clientRfmScores(db, { workspaceId: ws.id, clientId: detail.id }),
  ]);
  const facts = factsById.get(detail.id);
  const consentFacts = detail.consents.map((c) => ({
    channel: c.channel,
    purpose: c.purpose,
    granted: c.granted,
    at: c.at,
  }));
  const state = currentConsents(consentFacts, now);
  const current = contactChannels.flatMap((channel) =>
    consentPurposes.map((purpose) => {
      const decision = state[channel][purpose];
      return {
        channel,
        purpose,
        allowed: decision.allowed,
        reason: decision.reason.code,
        at: 'at' in decision.reason ? decision.reason.at : null,
        text: {
          ru: renderContactDecision(decision.reason, 'ru'),
          en: renderContactDecision(decision.reason, 'en'),
        },
      };
    }),
  );
  const assessment = facts ? assessTemperature(facts, policy, now) : null;
  const rfmScores = rfm
    ? (() => {
        const group = rfmGroupFor(rfm.r, rfm.f, rfm.m);
        return {
          r: rfm.r,
          f: rfm.f,
          m: rfm.m,
          fm: rfmFrequencyMonetary(rfm.f as RfmScore, rfm.m as RfmScore),
          group,
          label: { ru: rfmGroupLabel(group, 'ru'), en: rfmGroupLabel(group, 'en') },
          lastPurchaseAt: rfm.lastPurchaseAt,
          purchaseCount: rfm.purchaseCount,
          monetaryKopecks: rfm.monetaryKopecks,
        };
      })()
    : {
        r: null,
        f: null,
        m: null,
        fm: null,
        group: 'no_purchases' as const,
        label: { ru: rfmGroupLabel('no_purchases', 'ru'), en: rfmGroupLabel('no_purchases', 'en') },
        lastPurchaseAt: null,
        purchaseCount: 0,
        monetaryKopecks: 0,
      };
  return {
    ...clientDto(detail, regionOf(ws)),
    consents: toJson({
      ledger: detail.consents.map((c) => ({
        id: c.id,
        channel: c.channel,
        purpose: c.purpose,
        granted: c.granted,
        at: c.at,
        proof: c.proof,
        recordedBy: c.recordedBy,
      })),
      current,
    }),
    temperature: toJson(
      assessment
        ? {
            level: assessment.level,
            levelLabel: {
              ru: temperatureLevelLabel(assessment.level, 'ru'),
              en: temperatureLevelLabel(assessment.level, 'en'),
            },
            score: assessment.score,
            assessedAt: now,
            reasons: assessment.reasons.map((r) => ({
              signal: r.signal,
              points: r.points,
              detail: r.detail,
              text: { ru: renderTemperatureReason(r, 'ru'), en: renderTemperatureReason(r, 'en') },
            })),
          }
        : null,
    ),
    segments: toJson(segments),
    rfm: toJson(rfmScores),
  };
}
