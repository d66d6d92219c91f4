/**
 * Applies one chunk of a purchase file (kind `purchases`): rows → purchase lines (`@cb/domain`
 * `rowToPurchaseLine`), clients found or created by external id, lines grouped into purchases per
 * invoice, all set-based (`insert … select from unnest(arrays)`), in the caller's transaction.
 *
 * Idempotent per import, and an invoice may span chunks: a purchase's id is derived from the
 * import, the customer and the invoice (`md5(…)::uuid`), so the primary key is the `on conflict`
 * target: the first chunk inserts the purchase, a later chunk with more lines of that invoice
 * appends them and adds their amount, and a chunk applied a second time changes nothing (each line
 * carries its file `row`, and lines already contained are not appended again). Its
 * `external_id` is `<importId>:<invoice>` (`<importId>:row<N>` without an invoice column), which
 * is what `undoPurchaseImport` deletes by.
 *
 * A client the file names but the base lacks is created as a person named after the file's
 * customer name column, or `Клиент <id>` (the city: the row's city, else its country), with the
 * import's batch as source, and recorded in `import_changes` (`created`, version 1) so undo removes
 * it. Placeholder names get no duplicate keys (they would all block together); named ones do.
 */
import {
  type ImportIssue,
  matchKey,
  type PurchaseMapping,
  type PurchaseRow,
  type RowToPurchaseResult,
  rowToPurchaseLine,
} from '@cb/domain';
import { sql } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { refreshDuplicateKeys } from '../duplicates/keys.ts';
import { RECOMPUTE_CLIENT } from '../queries/outbox.ts';
import { arrayParam, queryRows } from '../raw.ts';

export type PurchaseChunkContext = {
  workspaceId: string;
  importId: string;
  /** The import's batch: the source of the clients it creates. */
  batchId: string | null;
  /** ISO 4217 code for rows without a currency cell. Default `RUB`. */
  currency?: string;
  /** Creation time of new clients (default: the database's `now()`). */
  now?: Date;
  /**
   * Queue a recompute (outbox `client.recompute`) of each client whose purchases changed. Default
   * true; a runner that recomputes the whole workspace at the end of a big import passes false.
   */
  recompute?: boolean;
};

export type PurchaseChunkRow = { rowNumber: number; cells: string[] };

export type PurchaseChunkResult = {
  /** Rows read (every row of the chunk). */
  rows: number;
  /** Rows stored as purchase lines. */
  lines: number;
  createdClients: number;
  /** Purchases inserted by this chunk (an invoice continued from an earlier chunk is not new). */
  purchasesCreated: number;
  /** Purchases of earlier chunks that this chunk added lines to. */
  purchasesExtended: number;
  /** Rows rejected with issues (returns excluded). */
  invalid: number;
  /** Returns and cancellations: reported (`purchase_return`), not imported. */
  returns: number;
  /** Every issue of the chunk's rows, returns included, for `import_errors`. */
  issues: ImportIssue[];
  /** Clients whose purchases changed (recompute is queued for them in the same transaction). */
  clientIds: string[];
};

/** The name a client created by a purchase import gets when the file has no name column. */
export const placeholderClientName = (externalId: string) => `Клиент ${externalId}`;

type PurchaseGroup = {
  /** Hashed into the purchase's id: the import, the customer and the invoice. */
  idKey: string;
  /** `<importId>:<invoice>`. */
  key: string;
  clientExternalId: string;
  at: string;
  currency: string;
  amountKopecks: number;
  lines: { sku?: string; name: string; quantity: number; priceKopecks: number; row: number }[];
};

function groupLines(lines: PurchaseRow[], importId: string, defaultCurrency: string): PurchaseGroup[] {
  const groups = new Map<string, PurchaseGroup>();
  for (const line of lines) {
    // The customer is part of the key: an invoice number reused for another customer is another purchase.
    const invoice = line.invoice ?? `row${line.row}`;
    const groupKey = `${line.clientExternalId}\u001f${invoice}`;
    let group = groups.get(groupKey);
    if (group === undefined) {
      group = {
        idKey: `${importId}\u001f${groupKey}`,
        key: `${importId}:${invoice}`,
        clientExternalId: line.clientExternalId,
        at: line.at,
        currency: line.currency ?? defaultCurrency,
        amountKopecks: 0,
        lines: [],
      };
      groups.set(groupKey, group);
    }
    if (line.at < group.at) group.at = line.at;
    group.amountKopecks += line.amountKopecks;
    group.lines.push({
      ...(line.sku !== null && { sku: line.sku }),
      name: line.name,
      quantity: line.quantity,
      priceKopecks: line.priceKopecks,
      row: line.row,
    });
  }
  return [...groups.values()];
}

/** One outbox row per client, set-based. */
async function enqueueClientRecompute(tx: Executor, workspaceId: string, clientIds: string[]): Promise<void> {
  await tx.execute(sql`
    insert into outbox (workspace_id, topic, payload)
    select ${workspaceId}::uuid, ${RECOMPUTE_CLIENT}, jsonb_build_object('clientId', t.id)
    from unnest(${arrayParam(clientIds, 'uuid')}) as t(id)`);
}

type ClientSeed = { externalId: string; name: string | null; city: string | null; row: number };

/** Clients of the chunk by external id, creating the missing ones; merged ones resolve to the survivor. */
async function resolveClients(
  tx: Executor,
  ctx: PurchaseChunkContext,
  seeds: ClientSeed[],
): Promise<{ ids: Map<string, string>; created: string[] }> {
  const names = seeds.map((s) => s.name ?? placeholderClientName(s.externalId));
  const created = await queryRows<{ id: string; external_id: string }>(
    tx,
    sql`
      insert into clients (workspace_id, kind, display_name, match_key, city, external_id, source_channel,
        source_batch_id, created_at, updated_at)
      select ${ctx.workspaceId}::uuid, 'person', t.name, t.match_key, t.city, t.external_id, 'import',
        ${ctx.batchId}::uuid, coalesce(${ctx.now?.toISOString() ?? null}::timestamptz, now()),
        coalesce(${ctx.now?.toISOString() ?? null}::timestamptz, now())
      from unnest(${arrayParam(
        seeds.map((s) => s.externalId),
        'text',
      )}, ${arrayParam(names, 'text')}, ${arrayParam(
        names.map((n) => matchKey(n)),
        'text',
      )}, ${arrayParam(
        seeds.map((s) => s.city),
        'text',
      )}) as t(external_id, name, match_key, city)
      on conflict (workspace_id, external_id) where external_id is not null do nothing
      returning id, external_id`,
  );
  if (created.length > 0) {
    const rowOf = new Map(seeds.map((s) => [s.externalId, s.row]));
    await tx.execute(sql`
      insert into import_changes (import_id, client_id, action, version_after, row)
      select ${ctx.importId}::uuid, t.client_id, 'created', 1, t.row
      from unnest(${arrayParam(
        created.map((c) => c.id),
        'uuid',
      )}, ${arrayParam(
        created.map((c) => rowOf.get(c.external_id) ?? 0),
        'int4',
      )}) as t(client_id, row)
      on conflict do nothing`);
    const named = new Set(seeds.filter((s) => s.name !== null).map((s) => s.externalId));
    await refreshDuplicateKeys(
      tx,
      ctx.workspaceId,
      created.filter((c) => named.has(c.external_id)).map((c) => c.id),
    );
  }
  const all = await queryRows<{ id: string; external_id: string }>(
    tx,
    sql`
      select coalesce(merged_into_id, id) as id, external_id from clients
      where workspace_id = ${ctx.workspaceId}::uuid and external_id = any(${arrayParam(
        seeds.map((s) => s.externalId),
        'text',
      )})`,
  );
  return { ids: new Map(all.map((c) => [c.external_id, c.id])), created: created.map((c) => c.id) };
}

type ConvertedRows = {
  /** Each row's conversion, in file order. */
  results: { row: number; result: RowToPurchaseResult }[];
  lines: PurchaseRow[];
  issues: ImportIssue[];
  invalid: number;
  returns: number;
};

/** The chunk's rows as purchase lines (`rowToPurchaseLine`), with what was rejected and why. */
function convertPurchaseRows(rows: readonly PurchaseChunkRow[], mapping: PurchaseMapping): ConvertedRows {
  const out: ConvertedRows = { results: [], lines: [], issues: [], invalid: 0, returns: 0 };
  for (const row of rows) {
    const result = rowToPurchaseLine(row.cells, mapping, { rowNumber: row.rowNumber });
    out.results.push({ row: row.rowNumber, result });
    out.issues.push(...result.issues);
    if (result.line !== null) out.lines.push(result.line);
    else if (result.isReturn) out.returns++;
    else out.invalid++;
  }
  return out;
}

/**
 * Writes one chunk of purchase rows in the caller's transaction (run it in the transaction that
 * also records the import's checkpoint). Never throws for bad cells: they come back as issues.
 */
export async function applyPurchaseChunk(
  tx: Executor,
  ctx: PurchaseChunkContext,
  rows: readonly PurchaseChunkRow[],
  mapping: PurchaseMapping,
): Promise<PurchaseChunkResult> {
  const { issues, lines, invalid, returns } = convertPurchaseRows(rows, mapping);
  const empty: PurchaseChunkResult = {
    rows: rows.length,
    lines: 0,
    createdClients: 0,
    purchasesCreated: 0,
    purchasesExtended: 0,
    invalid,
    returns,
    issues,
    clientIds: [],
  };
  if (lines.length === 0) return empty;

  const seeds = new Map<string, ClientSeed>();
  for (const line of lines) {
    if (seeds.has(line.clientExternalId)) continue;
    seeds.set(line.clientExternalId, {
      externalId: line.clientExternalId,
      name: line.clientName,
      city: line.city ?? line.country,
      row: line.row,
    });
  }
  const clients = await resolveClients(tx, ctx, [...seeds.values()]);
  const groups = groupLines(lines, ctx.importId, ctx.currency ?? 'RUB');

  const written = await queryRows<{ inserted: boolean; client_id: string }>(
    tx,
    sql`
      insert into purchases as p (id, workspace_id, client_id, at, amount_kopecks, currency, lines, external_id)
      select md5(t.id_key)::uuid, ${ctx.workspaceId}::uuid, t.client_id, t.at, t.amount, t.currency, t.lines::jsonb,
        t.key
      from unnest(${arrayParam(
        groups.map((g) => g.idKey),
        'text',
      )}, ${arrayParam(
        groups.map((g) => g.key),
        'text',
      )}, ${arrayParam(
        groups.map((g) => clients.ids.get(g.clientExternalId)),
        'uuid',
      )}, ${arrayParam(
        groups.map((g) => g.at),
        'timestamptz',
      )}, ${arrayParam(
        groups.map((g) => g.amountKopecks),
        'int8',
      )}, ${arrayParam(
        groups.map((g) => g.currency),
        'text',
      )}, ${arrayParam(
        groups.map((g) => JSON.stringify(g.lines)),
        'text',
      )}) as t(id_key, key, client_id, at, amount, currency, lines)
      on conflict (id) do update set
        lines = coalesce(p.lines, '[]'::jsonb) || excluded.lines,
        amount_kopecks = p.amount_kopecks + excluded.amount_kopecks,
        at = least(p.at, excluded.at)
      where not coalesce(p.lines @> excluded.lines, false)
      returning (xmax = 0) as inserted, client_id`,
  );

  const clientIds = [...new Set(written.map((w) => w.client_id))];
  if (clientIds.length > 0 && ctx.recompute !== false)
    await enqueueClientRecompute(tx, ctx.workspaceId, clientIds);
  const purchasesCreated = written.filter((w) => w.inserted).length;
  return {
    ...empty,
    lines: lines.length,
    createdClients: clients.created.length,
    purchasesCreated,
    purchasesExtended: written.length - purchasesCreated,
    clientIds,
  };
}

/** The client a purchase row goes to: a stored one (`id`), or one the import would create (`id` null). */
export type PurchasePlannedClient = { id: string | null; externalId: string; displayName: string };

/** One row of a purchase file as the run would store it (the dry run's preview). */
export type PurchasePlannedRow = {
  row: number;
  /** `line`: stored as a line of a purchase; `return`: reported, not imported; `invalid`: rejected. */
  action: 'line' | 'return' | 'invalid';
  line: {
    /** Null: the row is a purchase of its own (no invoice column, or an empty cell). */
    invoice: string | null;
    at: string;
    sku: string | null;
    name: string;
    quantity: number;
    priceKopecks: number;
    amountKopecks: number;
    currency: string;
  } | null;
  client: PurchasePlannedClient | null;
  /** True when the line starts a purchase; false when it joins an invoice of an earlier row. */
  newPurchase: boolean;
  issues: ImportIssue[];
};

export type PurchasePlanCounts = {
  rows: number;
  /** Purchases (invoices per customer) first met in this chunk. */
  purchases: number;
  lines: number;
  /** Clients the import would create, first met in this chunk. */
  newClients: number;
  /** Stored clients the file's purchases go to, first met in this chunk. */
  existingClients: number;
  invalid: number;
  returns: number;
};

/**
 * What the dry run of a purchase file carries from chunk to chunk, so that an invoice or a new
 * client met again in a later chunk is counted once (as the run writes it once).
 */
export type PurchasePlanState = {
  clients: Map<string, PurchasePlannedClient>;
  purchases: Set<string>;
};

export const newPurchasePlanState = (): PurchasePlanState => ({ clients: new Map(), purchases: new Set() });

/**
 * Plans one chunk of a purchase file exactly as `applyPurchaseChunk` would write it, writing
 * nothing: each row's line, the client it goes to (stored, the survivor of a merge, or to be
 * created with the name the run would give it), and the chunk's issues. Reads clients only.
 */
export async function planPurchaseChunk(
  db: Executor,
  ctx: Pick<PurchaseChunkContext, 'workspaceId' | 'currency'>,
  rows: readonly PurchaseChunkRow[],
  mapping: PurchaseMapping,
  state: PurchasePlanState,
): Promise<{ rows: PurchasePlannedRow[]; counts: PurchasePlanCounts; issues: ImportIssue[] }> {
  const converted = convertPurchaseRows(rows, mapping);
  const counts: PurchasePlanCounts = {
    rows: rows.length,
    purchases: 0,
    lines: converted.lines.length,
    newClients: 0,
    existingClients: 0,
    invalid: converted.invalid,
    returns: converted.returns,
  };
  const unseen = [
    ...new Set(converted.lines.map((l) => l.clientExternalId).filter((id) => !state.clients.has(id))),
  ];
  if (unseen.length > 0) {
    const stored = await queryRows<{ external_id: string; id: string; display_name: string }>(
      db,
      sql`
        select c.external_id, coalesce(s.id, c.id)::text as id, coalesce(s.display_name, c.display_name) as display_name
        from clients c left join clients s on s.id = c.merged_into_id
        where c.workspace_id = ${ctx.workspaceId}::uuid and c.external_id = any(${arrayParam(unseen, 'text')})`,
    );
    for (const c of stored) {
      state.clients.set(c.external_id, { id: c.id, externalId: c.external_id, displayName: c.display_name });
      counts.existingClients++;
    }
  }
  const planned = converted.results.map(({ row, result }): PurchasePlannedRow => {
    const line = result.line;
    if (line === null) {
      return {
        row,
        action: result.isReturn ? 'return' : 'invalid',
        line: null,
        client: null,
        newPurchase: false,
        issues: result.issues,
      };
    }
    let client = state.clients.get(line.clientExternalId);
    if (client === undefined) {
      // The first row naming a new client gives it its name, as in `applyPurchaseChunk`.
      client = {
        id: null,
        externalId: line.clientExternalId,
        displayName: line.clientName ?? placeholderClientName(line.clientExternalId),
      };
      state.clients.set(line.clientExternalId, client);
      counts.newClients++;
    }
    const purchaseKey = `${line.clientExternalId}\u001f${line.invoice ?? `row${line.row}`}`;
    const newPurchase = !state.purchases.has(purchaseKey);
    if (newPurchase) {
      state.purchases.add(purchaseKey);
      counts.purchases++;
    }
    return {
      row,
      action: 'line',
      line: {
        invoice: line.invoice,
        at: line.at,
        sku: line.sku,
        name: line.name,
        quantity: line.quantity,
        priceKopecks: line.priceKopecks,
        amountKopecks: line.amountKopecks,
        currency: line.currency ?? ctx.currency ?? 'RUB',
      },
      client,
      newPurchase,
      issues: result.issues,
    };
  });
  return { rows: planned, counts, issues: converted.issues };
}

/**
 * Undo of a purchase import: deletes the purchases it wrote (by their `<importId>:` external id).
 * The clients it created are in `import_changes` and are removed by the import undo like any other;
 * their purchases go with them. Returns the number of purchases deleted.
 */
export async function undoPurchaseImport(
  tx: Executor,
  workspaceId: string,
  importId: string,
): Promise<number> {
  const deleted = await queryRows<{ client_id: string }>(
    tx,
    sql`
      delete from purchases
      where workspace_id = ${workspaceId}::uuid and starts_with(external_id, ${`${importId}:`})
      returning client_id`,
  );
  const clientIds = [...new Set(deleted.map((d) => d.client_id))];
  if (clientIds.length > 0) await enqueueClientRecompute(tx, workspaceId, clientIds);
  return deleted.length;
}
