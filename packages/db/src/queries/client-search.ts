import { matchKey, phoneSearchVariants } from '@cb/domain';
import { and, inArray, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { queryRows } from '../raw.ts';
import { clients } from '../schema/clients.ts';
import { type ClientListItem, clientFilterConditions, listItemColumns } from './client-list.ts';
import type { ReadScope } from './context.ts';

export type ClientSearchParams = {
  /** What the user typed: part of a name (typos welcome), a phone in any form, or an e-mail. */
  q: string;
  /** Region for reading phones written without a country code (the workspace's, default RU). */
  region?: string | undefined;
  limit?: number | undefined;
  /** Word-similarity threshold for typo-tolerant name matches (0..1). */
  threshold?: number | undefined;
};

export type ClientSearchHit = ClientListItem & { rank: number; matchedBy: 'phone' | 'email' | 'name' };

/**
 * Finds clients by phone in any written form, by e-mail, or by name with typos (pg_trgm word
 * similarity on the display name and on the transliterated match key). Each way of matching is its
 * own indexed branch of a UNION, so none of them forces a scan of the whole base; exact phone and
 * e-mail hits rank first.
 */
export async function searchClients(
  db: Executor,
  scope: ReadScope,
  params: ClientSearchParams,
): Promise<ClientSearchHit[]> {
  const q = params.q.trim();
  if (!q) return [];
  const limit = Math.min(Math.max(params.limit ?? 20, 1), 100);
  const email = q.includes('@') ? q.toLowerCase() : null;
  // The name folded to its Latin skeleton, so `Fedorov` finds `Фёдоров` and back.
  const key = matchKey(q) || null;
  const phoneE164 = phoneSearchVariants(q, params.region ?? 'RU');
  const threshold = params.threshold ?? 0.3;
  const ws = scope.workspaceId;

  const branches: SQL[] = [
    sql`select id, word_similarity(${q}, display_name) as rank, 'name' as how from clients
        where workspace_id = ${ws} and ${q} <% display_name`,
  ];
  if (key) {
    branches.push(sql`select id, word_similarity(${key}, match_key) as rank, 'name' as how from clients
        where workspace_id = ${ws} and ${key} <% match_key`);
  }
  if (phoneE164) {
    branches.push(sql`select client_id as id, 2.0::real as rank, 'phone' as how from client_phones
        where workspace_id = ${ws} and e164 = ${phoneE164}`);
  }
  if (email) {
    branches.push(sql`select client_id as id, case when address = ${email} then 2.0 else 1.5 end::real as rank,
        'email' as how from client_emails where workspace_id = ${ws} and starts_with(address, ${email})`);
  }

  return db.transaction(async (tx) => {
    // `<%` uses the GIN trigram index with this threshold; set_config(…, true) is transaction-local.
    await tx.execute(sql`select set_config('pg_trgm.word_similarity_threshold', ${String(threshold)}, true)`);
    const hits = await queryRows<{ id: string; rank: number; how: 'phone' | 'email' | 'name' }>(
      tx,
      sql`select id, max(rank)::float8 as rank, (array_agg(how order by rank desc))[1] as how
          from (${sql.join(branches, sql` union all `)}) h
          group by id order by 2 desc, id limit ${limit * 3}`,
    );
    if (hits.length === 0) return [];
    const rows = (await tx
      .select(listItemColumns)
      .from(clients)
      .where(
        and(
          ...clientFilterConditions(scope, {}),
          inArray(
            clients.id,
            hits.map((h) => h.id),
          ),
        ),
      )) as ClientListItem[];
    const byId = new Map(rows.map((r) => [r.id, r]));
    const result: ClientSearchHit[] = [];
    for (const hit of hits) {
      const row = byId.get(hit.id);
      if (row) result.push({ ...row, rank: Number(hit.rank), matchedBy: hit.how });
      if (result.length === limit) break;
    }
    return result;
  });
}
