import type {
  ClientKind,
  ConsentPurpose,
  ContactChannel,
  InteractionDirection,
  InteractionKind,
  SourceChannel,
  Stage,
  TemperatureLevel,
} from './vocabulary.ts';

/** A custom field's stored value; dates are ISO `YYYY-MM-DD` strings. */
export type CustomValue = string | number | boolean | null;

export type PurchaseFact = {
  at: Date;
  /** Whole kopecks: money is never a float in this system. */
  amountKopecks: number;
};

export type InteractionFact = {
  at: Date;
  kind: InteractionKind;
  direction: InteractionDirection;
};

export type ConsentFact = {
  channel: ContactChannel;
  purpose: ConsentPurpose;
  granted: boolean;
  at: Date;
};

export type TaskFact = {
  dueAt: Date | null;
  doneAt: Date | null;
};

/**
 * Everything the pure policies (stage, temperature, segments, RFM) may look at for one client.
 * The database builds exactly this shape (`@cb/db` `loadClientFacts`), and the SQL compiler of
 * segment rules reads the same data from tables, so both must agree on every field's meaning.
 */
export type ClientFacts = {
  id: string;
  kind: ClientKind;
  /** Stage as last stored by the recompute (derived from purchases, or `archived`). */
  stage: Stage;
  /** Temperature level as last stored by the recompute; null before the first assessment. */
  temperature: TemperatureLevel | null;
  createdAt: Date;
  /** When a person last confirmed the record is current; null if never. */
  verifiedAt: Date | null;
  city: string | null;
  ownerId: string | null;
  tags: string[];
  sourceChannel: SourceChannel;
  sourceBatchId: string | null;
  custom: Record<string, CustomValue>;
  purchases: PurchaseFact[];
  interactions: InteractionFact[];
  /** Consent events in any order; the latest per channel and purpose is in force. */
  consents: ConsentFact[];
  tasks: TaskFact[];
};

export const DAY_MS = 86_400_000;

/** Whole days from `from` to `now`, rounded down; negative when `from` is in the future. */
export function daysBetween(from: Date, now: Date): number {
  return Math.floor((now.getTime() - from.getTime()) / DAY_MS);
}
