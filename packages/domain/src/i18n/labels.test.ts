import { describe, expect, it } from 'vitest';
import {
  batchKinds,
  clientKinds,
  consentProofKinds,
  consentPurposes,
  contactChannels,
  customFieldTypes,
  emailTypes,
  interactionDirections,
  interactionKinds,
  locales,
  phoneTypes,
  roles,
  sourceChannels,
  stages,
  temperatureLevels,
} from '../vocabulary.ts';
import { label, labels, type Vocabulary } from './labels.ts';

const vocabularies: { [V in Vocabulary]: readonly string[] } = {
  clientKind: clientKinds,
  stage: stages,
  temperatureLevel: temperatureLevels,
  sourceChannel: sourceChannels,
  contactChannel: contactChannels,
  consentPurpose: consentPurposes,
  consentProofKind: consentProofKinds,
  interactionKind: interactionKinds,
  interactionDirection: interactionDirections,
  phoneType: phoneTypes,
  emailType: emailTypes,
  customFieldType: customFieldTypes,
  role: roles,
  batchKind: batchKinds,
  locale: locales,
};

const cases = Object.entries(vocabularies).flatMap(([vocabulary, values]) =>
  locales.map((locale) => [vocabulary as Vocabulary, locale, values] as const),
);

describe('labels', () => {
  it.each(cases)('%s in %s has exactly one non-empty label per value', (vocabulary, locale, values) => {
    const byValue: Record<string, string> = labels[vocabulary][locale];
    expect(Object.keys(byValue).sort()).toEqual([...values].sort());
    for (const text of Object.values(byValue)) expect(text.trim()).not.toBe('');
  });

  it.each([
    ['stage', 'prospect', 'ru', 'Потенциальный'],
    ['stage', 'lapsed', 'ru', 'Ушедший'],
    ['stage', 'archived', 'ru', 'В архиве'],
    ['temperatureLevel', 'warm', 'ru', 'Тёплая'],
    ['temperatureLevel', 'hot', 'en', 'Hot'],
    ['sourceChannel', 'purchased_list', 'ru', 'Купленная база'],
    ['sourceChannel', 'loyalty_card', 'ru', 'Анкета карты лояльности'],
    ['sourceChannel', 'walk_in', 'ru', 'Пришёл сам'],
    ['role', 'manager', 'ru', 'Менеджер'],
  ] as const)('label(%s, %s, %s) = %s', (vocabulary, value, locale, expected) => {
    expect(label(vocabulary, value as never, locale)).toBe(expected);
  });
});
