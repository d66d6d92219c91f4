import type { Locale } from '../vocabulary.ts';

export const rfmScoredGroups = [
  'champions',
  'loyal',
  'potential_loyalists',
  'new_customers',
  'promising',
  'need_attention',
  'about_to_sleep',
  'at_risk',
  'cannot_lose',
  'hibernating',
  'lost',
] as const;
export type RfmScoredGroup = (typeof rfmScoredGroups)[number];

export const rfmGroups = [...rfmScoredGroups, 'no_purchases'] as const;
export type RfmGroup = (typeof rfmGroups)[number];

/** A quintile score: 1 (lowest fifth of the base) … 5 (highest). */
export type RfmScore = 1 | 2 | 3 | 4 | 5;

/**
 * The segment map: `rfmGroupTable[R - 1][FM - 1]`, where FM = ceil((F + M) / 2), i.e. the F/M
 * average rounded half up (SQL: `(f + m + 1) / 2` in integer arithmetic). Rows are recency
 * (1 = longest ago), columns the F/M average (1 = bought least often and least money).
 * A SQL compiler turns this table into one CASE expression.
 */
export const rfmGroupTable: readonly (readonly RfmScoredGroup[])[] = [
  /* R=1 */ ['lost', 'hibernating', 'at_risk', 'cannot_lose', 'cannot_lose'],
  /* R=2 */ ['hibernating', 'about_to_sleep', 'at_risk', 'at_risk', 'cannot_lose'],
  /* R=3 */ ['about_to_sleep', 'need_attention', 'need_attention', 'loyal', 'loyal'],
  /* R=4 */ ['promising', 'potential_loyalists', 'loyal', 'champions', 'champions'],
  /* R=5 */ ['new_customers', 'potential_loyalists', 'loyal', 'champions', 'champions'],
];

/** The F/M average rounded half up: `ceil((f + m) / 2)`. */
export function rfmFrequencyMonetary(f: RfmScore, m: RfmScore): RfmScore {
  return Math.ceil((f + m) / 2) as RfmScore;
}

export function rfmGroupFor(r: RfmScore, f: RfmScore, m: RfmScore): RfmScoredGroup {
  const group = rfmGroupTable[r - 1]?.[rfmFrequencyMonetary(f, m) - 1];
  if (group === undefined) throw new RangeError(`RFM scores out of range: ${r}, ${f}, ${m}`);
  return group;
}

const rfmGroupLabels: Record<Locale, Record<RfmGroup, string>> = {
  ru: {
    champions: 'Чемпионы',
    loyal: 'Лояльные',
    potential_loyalists: 'Потенциально лояльные',
    new_customers: 'Новые клиенты',
    promising: 'Перспективные',
    need_attention: 'Требуют внимания',
    about_to_sleep: 'Засыпающие',
    at_risk: 'В зоне риска',
    cannot_lose: 'Нельзя потерять',
    hibernating: 'Спящие',
    lost: 'Потерянные',
    no_purchases: 'Без покупок',
  },
  en: {
    champions: 'Champions',
    loyal: 'Loyal',
    potential_loyalists: 'Potential loyalists',
    new_customers: 'New customers',
    promising: 'Promising',
    need_attention: 'Need attention',
    about_to_sleep: 'About to sleep',
    at_risk: 'At risk',
    cannot_lose: 'Cannot lose them',
    hibernating: 'Hibernating',
    lost: 'Lost',
    no_purchases: 'No purchases',
  },
};

export function rfmGroupLabel(group: RfmGroup, locale: Locale): string {
  return rfmGroupLabels[locale][group];
}
