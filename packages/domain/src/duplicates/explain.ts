import { assertNever, type Locale } from '../vocabulary.ts';
import type {
  Agreement,
  DuplicateDecision,
  DuplicateField,
  PairScore,
  ReasonNote,
  ScoreReason,
} from './score.ts';

const FIELD_NAMES: Record<Locale, Record<DuplicateField, string>> = {
  ru: {
    kind: 'Тип клиента',
    externalId: 'Внешний идентификатор',
    inn: 'ИНН',
    legalName: 'Название организации',
    lastName: 'Фамилия',
    firstName: 'Имя',
    patronymic: 'Отчество',
    birthday: 'Дата рождения',
    phone: 'Телефон',
    email: 'E-mail',
    address: 'Адрес',
    postcode: 'Индекс',
    city: 'Город',
  },
  en: {
    kind: 'Client type',
    externalId: 'External id',
    inn: 'Tax id (INN)',
    legalName: 'Company name',
    lastName: 'Last name',
    firstName: 'First name',
    patronymic: 'Patronymic',
    birthday: 'Birthday',
    phone: 'Phone',
    email: 'E-mail',
    address: 'Address',
    postcode: 'Postcode',
    city: 'City',
  },
};

const AGREEMENT: Record<Locale, Record<Exclude<Agreement, 'missing'>, string>> = {
  ru: { exact: 'совпадает', similar: 'похоже', different: 'различается' },
  en: { exact: 'matches', similar: 'is similar', different: 'differs' },
};

const NOTES: Record<Locale, Record<ReasonNote, string>> = {
  ru: {
    diminutive: 'уменьшительная форма',
    swapped: 'имя и фамилия переставлены',
    typo: 'похоже на опечатку',
    transposed: 'день и месяц переставлены',
    gender_form: 'мужская и женская форма',
  },
  en: {
    diminutive: 'a diminutive',
    swapped: 'first and last name swapped',
    typo: 'looks like a typo',
    transposed: 'day and month swapped',
    gender_form: 'male and female forms',
  },
};

const DECISIONS: Record<Locale, Record<DuplicateDecision, string>> = {
  ru: { duplicate: 'дубликат', possible: 'возможный дубликат', distinct: 'разные клиенты' },
  en: { duplicate: 'duplicate', possible: 'possible duplicate', distinct: 'different clients' },
};

const percent = (x: number) => `${Math.round(x * 100)}%`;
const signed = (x: number) => (x > 0 ? `+${x.toFixed(1)}` : x.toFixed(1));

function sentence(r: ScoreReason, locale: Locale): string {
  const field = FIELD_NAMES[locale][r.field];
  if (r.field === 'kind') {
    return locale === 'ru'
      ? 'Один клиент — человек, другой — организация'
      : 'One is a person, the other a company';
  }
  const agreement = r.agreement;
  switch (agreement) {
    case 'missing':
      return locale === 'ru' ? `${field}: не у обоих указано` : `${field}: not given for both`;
    case 'exact':
    case 'similar':
    case 'different': {
      const how = AGREEMENT[locale][agreement];
      const detail = [
        agreement === 'exact' ? null : percent(r.similarity),
        r.note ? NOTES[locale][r.note] : null,
      ]
        .filter((d) => d !== null)
        .join(', ');
      return `${field} ${how}${detail ? ` (${detail})` : ''}: ${signed(r.points)}`;
    }
    default:
      return assertNever(agreement);
  }
}

/**
 * Human sentences for a score: the verdict first, then each compared field, the strongest evidence
 * first; fields missing on either side are left out.
 */
export function explainScore(result: PairScore, locale: Locale): string[] {
  const verdict =
    locale === 'ru'
      ? `${DECISIONS.ru[result.decision]}: вероятность ${percent(result.score)}`
      : `${DECISIONS.en[result.decision]}: probability ${percent(result.score)}`;
  const fields = result.reasons
    .filter((r) => r.agreement !== 'missing')
    .sort((x, y) => Math.abs(y.points) - Math.abs(x.points))
    .map((r) => sentence(r, locale));
  return [verdict.charAt(0).toUpperCase() + verdict.slice(1), ...fields];
}
