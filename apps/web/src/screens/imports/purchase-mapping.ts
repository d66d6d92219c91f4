import {
  HEADER_MAX_LENGTH,
  IMPORT_COLUMNS_MAX,
  type PurchaseColumn,
  type PurchaseField,
  type PurchaseMapping,
  purchasePriceFields,
  requiredPurchaseFields,
  suggestPurchaseMapping,
} from '@cb/domain';
import type { ClientImportView, PurchaseImportView } from './api.ts';

/*
 * The purchase mapping as the purchase editor holds it: for each purchase field, the column of the
 * file that fills it (the API's mapping goes the other way, column → field).
 */

/**
 * The purchase fields in the order the editor offers them: who bought, the order, the item, the
 * money, where. A test keeps it in step with the domain's `purchaseFields`.
 */
export const purchaseFieldKeys = [
  'clientExternalId',
  'clientName',
  'invoice',
  'date',
  'sku',
  'description',
  'quantity',
  'unitPrice',
  'amount',
  'currency',
  'country',
  'city',
] as const satisfies readonly PurchaseField[];

/** Which column fills each purchase field; null: none. */
export type PurchaseAssignment = Record<PurchaseField, number | null>;

/** Field → column from a column → field mapping (a field named twice keeps its first column). */
export function assignmentOf(
  mapping: readonly Pick<PurchaseColumn, 'column' | 'target'>[],
): PurchaseAssignment {
  const assignment = Object.fromEntries(purchaseFieldKeys.map((f) => [f, null])) as PurchaseAssignment;
  for (const c of mapping) {
    if (c.target !== null && assignment[c.target] === null) assignment[c.target] = c.column;
  }
  return assignment;
}

/**
 * The mapping the API takes: every column of the file with the field that chose it, so entry N is
 * column N and an issue at `mapping.N` names that column. One column given to two fields keeps the
 * first (`checkPurchaseAssignment` refuses that before anything is sent).
 */
export function toPurchaseMapping(
  assignment: PurchaseAssignment,
  headers: readonly string[],
): PurchaseMapping {
  const byColumn = new Map<number, PurchaseField>();
  for (const field of purchaseFieldKeys) {
    const column = assignment[field];
    if (column !== null && !byColumn.has(column)) byColumn.set(column, field);
  }
  return headers.slice(0, IMPORT_COLUMNS_MAX).map((header, column) => ({
    column,
    header: header.slice(0, HEADER_MAX_LENGTH),
    target: byColumn.get(column) ?? null,
  }));
}

/**
 * The import's purchase mapping: as stored for a purchase import (its suggestion while nothing is
 * stored); for a client import (the user choosing purchases), suggested from the headers and the
 * sample's dates.
 */
export function purchaseMappingOf(
  view:
    | Pick<ClientImportView, 'kind' | 'headers' | 'sample'>
    | Pick<PurchaseImportView, 'kind' | 'headers' | 'mapping' | 'suggestedMapping'>,
): readonly PurchaseColumn[] {
  if (view.kind === 'clients') return suggestPurchaseMapping(view.headers, view.sample);
  return view.mapping.some((c) => c.target !== null) ? view.mapping : view.suggestedMapping;
}

/** What keeps an assignment from being sent, by the field it is shown on. */
export type PurchaseProblem =
  | { kind: 'missing'; field: PurchaseField }
  /** Neither a price nor an amount: shown on the price. */
  | { kind: 'missingPrice'; field: 'unitPrice' }
  /** The column also fills `other`: shown on both fields, whichever was chosen first. */
  | { kind: 'taken'; field: PurchaseField; other: PurchaseField };

/** The columns chosen for two fields, then the required fields left empty, in the editor's order. */
export function checkPurchaseAssignment(assignment: PurchaseAssignment): PurchaseProblem[] {
  const problems: PurchaseProblem[] = [];
  for (const field of purchaseFieldKeys) {
    const column = assignment[field];
    const other = purchaseFieldKeys.find((f) => f !== field && column !== null && assignment[f] === column);
    if (other) problems.push({ kind: 'taken', field, other });
  }
  for (const field of requiredPurchaseFields) {
    if (assignment[field] === null) problems.push({ kind: 'missing', field });
  }
  if (purchasePriceFields.every((f) => assignment[f] === null))
    problems.push({ kind: 'missingPrice', field: 'unitPrice' });
  return problems;
}

/**
 * The API's issues about the sent mapping (`mapping.N`, `mapping.N.target`, …), by the field whose
 * column N is; issues about the mapping as a whole are left to the caller.
 */
export function purchaseIssuesByField(
  fields: Readonly<Record<string, string>>,
  assignment: PurchaseAssignment,
): Partial<Record<PurchaseField, string>> {
  const byField: Partial<Record<PurchaseField, string>> = {};
  for (const [path, message] of Object.entries(fields)) {
    const match = /^mapping\.(\d+)(?:\.|$)/.exec(path);
    if (!match) continue;
    const column = Number(match[1]);
    const field = purchaseFieldKeys.find((f) => assignment[f] === column);
    if (field && !(field in byField)) byField[field] = message;
  }
  return byField;
}
