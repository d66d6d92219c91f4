/**
 * Converting file rows into clients as they will be stored: pure CPU work with `@cb/domain` and
 * nothing else, so that the import's conversion thread loads this module alone, not the database
 * layer (`@cb/db/convert`).
 */
import {
  type CustomValue,
  type ImportColumn,
  type ImportIssue,
  type NormalizeClientContext,
  type NormalizedClient,
  rowToClientInput,
} from '@cb/domain';

/** One row of a file as read: its number as the user sees it (the line) and its cells. */
export type ImportFileRow = { rowNumber: number; cells: string[] };

/** What converting a row reads of an import's context. */
export type ConvertContext = {
  mapping: readonly ImportColumn[];
  allowPartialRows: boolean;
  normalize: NormalizeClientContext;
};

/** A client as it is (or would be) stored: what the preview shows. */
export type ImportClientState = {
  kind: 'person' | 'company';
  displayName: string;
  matchKey: string;
  lastName: string | null;
  firstName: string | null;
  patronymic: string | null;
  birthday: string | null;
  legalName: string | null;
  inn: string | null;
  kpp: string | null;
  city: string | null;
  address: string | null;
  tags: string[];
  custom: Record<string, CustomValue>;
  externalId: string | null;
  phones: { e164: string; raw: string; type: string }[];
  emails: { address: string; type: string }[];
};

function stateOf(client: NormalizedClient): ImportClientState {
  const person = client.kind === 'person' ? client : null;
  const company = client.kind === 'company' ? client : null;
  return {
    kind: client.kind,
    displayName: client.displayName,
    matchKey: client.matchKey,
    lastName: person?.lastName ?? null,
    firstName: person?.firstName ?? null,
    patronymic: person?.patronymic ?? null,
    birthday: person?.birthday ?? null,
    legalName: company?.legalName ?? null,
    inn: company?.inn ?? null,
    kpp: company?.kpp ?? null,
    city: client.city,
    address: client.address,
    tags: client.tags,
    custom: client.custom,
    externalId: client.externalId,
    phones: client.phones.map((p) => ({ e164: p.e164, raw: p.national || p.e164, type: p.type })),
    emails: client.emails.map((e) => ({ address: e.address, type: e.type })),
  };
}

export type ConvertedClientRow = { row: number; issues: ImportIssue[]; state: ImportClientState | null };

/**
 * Converts the rows of a chunk (`rowToClientInput`): pure CPU work, no database, so a runner may
 * do it for the next chunk while the current one is being written.
 */
export function convertClientRows(ctx: ConvertContext, rows: readonly ImportFileRow[]): ConvertedClientRow[] {
  return rows.map((r) => {
    const result = rowToClientInput(r.cells, ctx.mapping, {
      rowNumber: r.rowNumber,
      context: ctx.normalize,
      allowPartialRows: ctx.allowPartialRows,
    });
    return { row: r.rowNumber, issues: result.issues, state: result.client ? stateOf(result.client) : null };
  });
}
