import { companyMatchKey } from '../normalize/company.ts';
import { matchKey } from '../normalize/match-key.ts';
import { assertNever } from '../vocabulary.ts';
import { sameFullName } from './diminutives.ts';
import { genderForms, type NameReading, nameReadings } from './names.ts';
import type { DuplicateRecord } from './record.ts';
import { codeSimilarity, jaroWinkler, tokenSetSimilarity } from './similarity.ts';

/**
 * Fellegi–Sunter scoring: every field comparison adds its log₂ likelihood ratio — how much more
 * often this outcome is seen for two records of one client than for two different clients — and
 * the sum, added to the prior log-odds of a candidate pair, gives the probability of a duplicate.
 * A partial agreement (a typo, a diminutive) earns a share of the agreement weight interpolated
 * between the field's disagreement and agreement weights; a missing value earns nothing.
 */
export type DuplicateField =
  | 'kind'
  | 'externalId'
  | 'inn'
  | 'legalName'
  | 'lastName'
  | 'firstName'
  | 'patronymic'
  | 'birthday'
  | 'phone'
  | 'email'
  | 'address'
  | 'postcode'
  | 'city';

export type Agreement = 'exact' | 'similar' | 'different' | 'missing';

/** Why a comparison was not plain: explains a 'similar' (or a rescued 'exact') agreement. */
export type ReasonNote = 'diminutive' | 'swapped' | 'typo' | 'transposed' | 'gender_form';

export type ScoreReason = {
  field: DuplicateField;
  agreement: Agreement;
  /** 0..1; 0 when missing. */
  similarity: number;
  /** The field's full agreement weight (log₂ likelihood ratio). */
  weight: number;
  /** What this comparison added to the log-odds; negative when it speaks against a duplicate. */
  points: number;
  note?: ReasonNote;
};

export type DuplicateDecision = 'duplicate' | 'possible' | 'distinct';

export type PairScore = {
  /** Probability that the two records are one client, 0..1. */
  score: number;
  decision: DuplicateDecision;
  /** Sum of all points plus the prior; `score` is its logistic. */
  logOdds: number;
  reasons: ScoreReason[];
};

type FieldWeights = {
  /** Points for exact agreement. */
  agree: number;
  /** Points for disagreement (≤ 0). */
  disagree: number;
  /** Similarity at or below which a comparison counts as full disagreement. */
  floor: number;
  /** Similarity from which a comparison is reported as 'similar' rather than 'different'. */
  similarFrom: number;
};

/**
 * Weights reflect how identifying a field is in a client base and how often it is missing or
 * changes over a client's life: an identifier (ИНН, external id) is nearly decisive either way; a
 * second phone or e-mail is common, so their disagreement says little; a birthday that differs is
 * strong evidence of two people; addresses and cities change and are spelled freely.
 */
export const duplicateWeights: Readonly<Record<Exclude<DuplicateField, 'kind'>, FieldWeights>> = {
  externalId: { agree: 12, disagree: 0, floor: 0.99, similarFrom: 1 },
  inn: { agree: 9, disagree: -6, floor: 0.5, similarFrom: 0.7 },
  legalName: { agree: 6, disagree: -5, floor: 0.7, similarFrom: 0.88 },
  lastName: { agree: 5, disagree: -4, floor: 0.7, similarFrom: 0.88 },
  firstName: { agree: 4, disagree: -3, floor: 0.7, similarFrom: 0.88 },
  patronymic: { agree: 2, disagree: -3, floor: 0.7, similarFrom: 0.88 },
  birthday: { agree: 6, disagree: -5, floor: 0.5, similarFrom: 0.7 },
  phone: { agree: 7, disagree: -1, floor: 0.5, similarFrom: 0.7 },
  email: { agree: 8, disagree: -1, floor: 0.7, similarFrom: 0.88 },
  address: { agree: 4, disagree: -2, floor: 0.65, similarFrom: 0.85 },
  postcode: { agree: 3, disagree: -1.5, floor: 0.5, similarFrom: 0.7 },
  city: { agree: 1.5, disagree: -1, floor: 0.7, similarFrom: 0.88 },
};

/** Prior log₂-odds that a pair found by blocking is a duplicate (about 1 in 64). */
export const PRIOR_LOG_ODDS = -6;
/** Probability from which a pair is a duplicate, and from which it is shown for review. */
export const DUPLICATE_FROM = 0.95;
export const POSSIBLE_FROM = 0.5;
/** A person is never a company: decisive, but finite so that a score survives JSON. */
const KIND_MISMATCH_POINTS = -100;

type Comparison = { similarity: number; note?: ReasonNote } | null;

function reason(field: Exclude<DuplicateField, 'kind'>, comparison: Comparison): ScoreReason {
  const w = duplicateWeights[field];
  if (comparison === null) return { field, agreement: 'missing', similarity: 0, weight: w.agree, points: 0 };
  const { similarity, note } = comparison;
  const share = Math.min(1, Math.max(0, (similarity - w.floor) / (1 - w.floor)));
  const points = round(w.disagree + (w.agree - w.disagree) * share);
  const agreement: Agreement =
    similarity >= 1 ? 'exact' : similarity >= w.similarFrom ? 'similar' : 'different';
  return {
    field,
    agreement,
    similarity: round(similarity),
    weight: w.agree,
    points,
    ...(note ? { note } : {}),
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;
const present = (s: string | null | undefined): s is string => s != null && s.trim() !== '';

/** Match key with the spaces dropped too: `Jac ob` and `Jacob` are one spelling. */
function nameSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  return Math.max(jaroWinkler(a, b), jaroWinkler(a.replaceAll(' ', ''), b.replaceAll(' ', '')));
}

function compareName(a: string | null | undefined, b: string | null | undefined, first: boolean): Comparison {
  if (!present(a) || !present(b)) return null;
  const ka = matchKey(a);
  const kb = matchKey(b);
  if (ka === '' || kb === '') return null;
  if (ka === kb) return { similarity: 1 };
  if (genderForms(ka.replaceAll(' ', ''), kb.replaceAll(' ', '')))
    return { similarity: 0, note: 'gender_form' };
  if (first && sameFullName(ka, kb)) return { similarity: 0.95, note: 'diminutive' };
  return { similarity: nameSimilarity(ka, kb) };
}

function compareCodes(as: string[], bs: string[], typo = 0.8): Comparison {
  const codes = (xs: string[]) => xs.map((x) => x.replace(/\D/g, '')).filter((x) => x !== '');
  const xs = codes(as);
  const ys = codes(bs);
  if (xs.length === 0 || ys.length === 0) return null;
  let best: Comparison = { similarity: 0 };
  for (const x of xs) {
    for (const y of ys) {
      const similarity = codeSimilarity(x, y, typo);
      if (similarity > best.similarity) best = similarity < 1 ? { similarity, note: 'typo' } : { similarity };
    }
  }
  return best;
}

function compareBirthday(a: string | null | undefined, b: string | null | undefined): Comparison {
  if (!present(a) || !present(b)) return null;
  const da = a.replace(/\D/g, '');
  const db = b.replace(/\D/g, '');
  if (da === db) return { similarity: 1 };
  // Day and month swapped (03.04 read as 04.03), the classic slip of international forms.
  if (da.length === 8 && db.length === 8 && da.slice(0, 4) === db.slice(0, 4)) {
    if (da.slice(4, 6) === db.slice(6, 8) && da.slice(6, 8) === db.slice(4, 6)) {
      return { similarity: 0.8, note: 'transposed' };
    }
  }
  const similarity = codeSimilarity(da, db, 0.75);
  return similarity > 0 ? { similarity, note: 'typo' } : { similarity: 0 };
}

/** Two local parts that differ only in their digits. */
function numberedAlike(a: string, b: string): boolean {
  const digits = /\d/g;
  return a.replace(digits, '') === b.replace(digits, '') && a.replace(/\D/g, '') !== b.replace(/\D/g, '');
}

function compareEmails(as: string[], bs: string[]): Comparison {
  const xs = as.filter(present).map((e) => e.trim().toLowerCase());
  const ys = bs.filter(present).map((e) => e.trim().toLowerCase());
  if (xs.length === 0 || ys.length === 0) return null;
  let best = 0;
  for (const x of xs) {
    for (const y of ys) {
      if (x === y) return { similarity: 1 };
      const [lx, dx] = x.split('@');
      const [ly, dy] = y.split('@');
      // Only a typo in the local part at one domain is a near match; same name at two providers is not.
      // Nor are numbered addresses (`client1@`, `client601@`, `ivanov1985@`/`ivanov1990@`): the
      // numbers are what tells the accounts apart, not a slip of the keyboard.
      if (lx && ly && dx === dy && !numberedAlike(lx, ly)) best = Math.max(best, jaroWinkler(lx, ly));
    }
  }
  return best > 0 ? { similarity: best, note: 'typo' } : { similarity: 0 };
}

function words(s: string): string[] {
  return matchKey(s)
    .split(' ')
    .filter((w) => w !== '');
}

function compareText(a: string | null | undefined, b: string | null | undefined): Comparison {
  if (!present(a) || !present(b)) return null;
  const wa = words(a);
  const wb = words(b);
  if (wa.length === 0 || wb.length === 0) return null;
  if (wa.join(' ') === wb.join(' ')) return { similarity: 1 };
  return { similarity: Math.max(tokenSetSimilarity(wa, wb), jaroWinkler(wa.join(''), wb.join(''))) };
}

function compareLegalNames(a: string | null | undefined, b: string | null | undefined): Comparison {
  if (!present(a) || !present(b)) return null;
  const ka = companyMatchKey(a);
  const kb = companyMatchKey(b);
  if (ka === '' || kb === '') return null;
  return { similarity: ka === kb ? 1 : nameSimilarity(ka, kb) };
}

const sum = (rs: ScoreReason[]) => rs.reduce((s, r) => s + r.points, 0);

/** Points by which a less literal reading (swapped, split) must beat the literal one to be taken. */
const READING_MARGIN = 1;

/** Last, first name and patronymic compared as written and with first and last name crossed over. */
function readingReasons(a: NameReading, b: NameReading): ScoreReason[] {
  const patronymic = reason('patronymic', compareName(a.patronymic, b.patronymic, false));
  const straight = [
    reason('lastName', compareName(a.lastName, b.lastName, false)),
    reason('firstName', compareName(a.firstName, b.firstName, true)),
    patronymic,
  ];
  // Either crossed pair may hold the first name, so both may be diminutives, and they take the
  // last- and first-name weights in whichever order is better: the result must not depend on
  // which record came first.
  const cross1 = compareName(a.lastName, b.firstName, true);
  const cross2 = compareName(a.firstName, b.lastName, true);
  if (cross1 === null || cross2 === null) return straight;
  const crossed = (last: NonNullable<Comparison>, first: NonNullable<Comparison>) => [
    reason('lastName', { similarity: last.similarity, note: 'swapped' }),
    reason('firstName', { similarity: first.similarity, note: 'swapped' }),
    patronymic,
  ];
  const one = crossed(cross1, cross2);
  const other = crossed(cross2, cross1);
  const swapped = sum(other) > sum(one) ? other : one;
  // A swap must explain the names clearly better: `Roman Arkady` and `Arkady Roman` are not
  // more alike for being crossable.
  return sum(swapped) > sum(straight) + READING_MARGIN ? swapped : straight;
}

function personNameReasons(a: DuplicateRecord, b: DuplicateRecord): ScoreReason[] {
  const [givenA, ...otherA] = nameReadings(a);
  const [givenB, ...otherB] = nameReadings(b);
  let best = readingReasons(givenA!, givenB!);
  const bar = sum(best) + READING_MARGIN;
  for (const ra of [givenA!, ...otherA]) {
    for (const rb of [givenB!, ...otherB]) {
      if (ra === givenA && rb === givenB) continue;
      const reasons = readingReasons(ra, rb);
      if (sum(reasons) > Math.max(bar, sum(best))) best = reasons;
    }
  }
  return best;
}

/** Compares two records field by field; see `duplicateWeights` for what each field is worth. */
export function scorePair(a: DuplicateRecord, b: DuplicateRecord): PairScore {
  if (a.kind !== b.kind) {
    const reasons: ScoreReason[] = [
      { field: 'kind', agreement: 'different', similarity: 0, weight: 0, points: KIND_MISMATCH_POINTS },
    ];
    return { score: 0, decision: 'distinct', logOdds: PRIOR_LOG_ODDS + KIND_MISMATCH_POINTS, reasons };
  }
  const reasons: ScoreReason[] = [
    reason(
      'externalId',
      present(a.externalId) && present(b.externalId)
        ? { similarity: a.externalId.trim() === b.externalId.trim() ? 1 : 0 }
        : null,
    ),
    reason('inn', compareCodes(a.inn ? [a.inn] : [], b.inn ? [b.inn] : [], 0.7)),
  ];
  switch (a.kind) {
    case 'company':
      reasons.push(reason('legalName', compareLegalNames(a.legalName, b.legalName)));
      break;
    case 'person':
      reasons.push(...personNameReasons(a, b), reason('birthday', compareBirthday(a.birthday, b.birthday)));
      break;
    default:
      assertNever(a.kind);
  }
  reasons.push(
    reason('phone', compareCodes(a.phones, b.phones)),
    reason('email', compareEmails(a.emails, b.emails)),
    reason('address', compareText(a.address, b.address)),
    reason('postcode', compareCodes(a.postcode ? [a.postcode] : [], b.postcode ? [b.postcode] : [], 0.6)),
    reason('city', compareText(a.city, b.city)),
  );
  const logOdds = round(PRIOR_LOG_ODDS + sum(reasons));
  const score = round(1 / (1 + 2 ** -logOdds));
  const decision: DuplicateDecision =
    score >= DUPLICATE_FROM ? 'duplicate' : score >= POSSIBLE_FROM ? 'possible' : 'distinct';
  return { score, decision, logOdds, reasons };
}
