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
  /** Trigram similarity a lexicon word needs to count as a spelling of a query word (0..1). */
  threshold?: number | undefined;
};

/** A name query uses its first words only: a full name has at most four. */
const MAX_NAME_TOKENS = 4;
/** Spellings of one query word taken from the lexicon, best first. */
const WORDS_PER_TOKEN = 30;
/** Clients a name query ranks at most. */
const NAME_CANDIDATES = 200;
/** How far below the best spelling's similarity another spelling may be and still count. */
const WORD_MARGIN = 0.25;

/** `abc%` for LIKE, with the pattern characters of the input escaped. */
function likePrefix(text: string): string {
  return `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export type ClientSearchHit = ClientListItem & { rank: number; matchedBy: 'phone' | 'email' | 'name' };

/**
 * Finds clients by phone in any written form, by e-mail, or by name with typos and in either script.
 * A name query is folded to its match key (`Фёдоров` and `Fedorov` both become `fedorov`); each word
 * is looked up by trigram similarity in the workspace's lexicon of name words, and clients are found
 * by exact words through a GIN index — so a typo costs the same on a base of a million as on a
 * hundred. Each way of matching is its own indexed branch of a UNION; exact phone and e-mail hits
 * rank first.
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

  const branches: SQL[] = [];
  if (phoneE164) {
    branches.push(sql`select client_id as id, 2.0::float8 as rank, 'phone' as how from client_phones
        where workspace_id = ${ws} and e164 = ${phoneE164}`);
  }
  if (email) {
    branches.push(sql`select client_id as id, case when address = ${email} then 2.0 else 1.5 end::float8 as rank,
        'email' as how from client_emails where workspace_id = ${ws} and address like ${likePrefix(email)}`);
  }
  // A phone or an e-mail is not a name: its digits and dots would only find noise.
  const tokens = key && !phoneE164 && !email ? key.split(' ').slice(0, MAX_NAME_TOKENS) : [];

  return db.transaction(async (tx) => {
    if (tokens.length > 0) {
      // Each word of the query finds its spellings in the workspace's small lexicon of name words
      // (trigram `%` with this threshold, set transaction-locally, or a prefix while typing)…
      await tx.execute(sql`select set_config('pg_trgm.similarity_threshold', ${String(threshold)}, true)`);
      // A word that starts with what was typed counts as a full match (typing `Смир` finds Смирнов);
      // only spellings close to the best one are kept, so a common surname does not drag in its
      // loose neighbours (and their thousands of clients).
      const wordSets = await queryRows<{ words: string[] }>(
        tx,
        sql`select array_agg(w.word) as words
            from unnest(${sql.param(tokens)}::text[]) with ordinality as t(token, i)
            cross join lateral (
              select word, score, max(score) over () as best from (
                select word, case when starts_with(word, t.token) then 1.0 else similarity(word, t.token) end as score
                from name_words
                where workspace_id = ${ws} and (word % t.token or starts_with(word, t.token))
                order by 2 desc limit ${WORDS_PER_TOKEN}
              ) candidates
            ) w
            where w.score >= w.best - ${WORD_MARGIN}
            group by t.i`,
      );
      // …then the clients carrying one spelling of every word the lexicon knows (GIN on name_tokens).
      if (wordSets.length > 0) {
        const every = sql.join(
          wordSets.map((set) => sql`name_tokens && ${sql.param(set.words)}::text[]`),
          sql` and `,
        );
        // Ranked among a bounded set of candidates: a query for a common surname alone matches
        // thousands of clients who all match it equally well, and reading them all would cost
        // heap pages, not relevance. Adding a first name narrows the set through the index.
        branches.push(sql`(select id, similarity(match_key, ${key})::float8 as rank, 'name' as how
            from (select id, match_key from clients where workspace_id = ${ws} and ${every}
                  limit ${NAME_CANDIDATES}) candidates
            order by 2 desc, id limit ${limit * 3})`);
      }
    }
    if (branches.length === 0) return [];
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
