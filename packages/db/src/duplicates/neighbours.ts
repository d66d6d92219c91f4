import { consonantSkeleton, type DuplicateRecord, matchKey } from '@cb/domain';
import { type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { queryRows } from '../raw.ts';

/** One typed array parameter (as `arrayParam` of keys.ts, which uses this module). */
const arrayParam = (values: unknown[], type: string): SQL => sql`${sql.param(values)}::${sql.raw(type)}[]`;

/**
 * Trigram neighbours: the blocking that catches a surname spelled another way beyond what the keys
 * fold (`Иваненко` and `Иваненков`, `Petrov` and `Pertov`), where no phone, e-mail or birthday is
 * shared. A record's surname has as neighbours the words of the workspace's name lexicon
 * (`name_words`, trigram-indexed for search) at least `NEIGHBOUR_SIMILARITY` alike; the candidates
 * are the clients who have such a word and the record's first name exactly. Like a key, a neighbour word whose clients are more than the block size is left
 * out: it identifies nobody. The candidates are scored like any other pair: this only finds them.
 */

/** Trigram similarity (pg_trgm) from which a word is a neighbour: one letter more, less or swapped in a surname. */
export const NEIGHBOUR_SIMILARITY = 0.5;
/** The most alike neighbours of one word that are looked at. */
const NEIGHBOURS_PER_WORD = 10;
/** Shorter words (initials, `ли`, `ng`) have too few trigrams to be alike in a way that means anything. */
const MIN_WORD_LENGTH = 4;

/**
 * A person's name words as a client's `name_tokens` and the name lexicon hold them: the words of
 * the match key of the last and first names (as `normalizeClient` makes it), distinct.
 */
export function nameWords(record: DuplicateRecord): string[] {
  if (record.kind !== 'person') return [];
  const key = matchKey(record.lastName, record.firstName);
  return key === '' ? [] : [...new Set(key.split(' '))];
}

/**
 * Neighbour words of each word, from the lexicon, and the clients of each neighbour block (a
 * neighbour word together with an exact word), each looked up once: a scan keeps one of these
 * across its chunks, as a base repeats the same surnames and first names endlessly.
 */
export class NeighbourWords {
  readonly #known = new Map<string, string[]>();
  /** `near|exact` → the block's clients, or null when it has more than the block size. */
  readonly #blocks = new Map<string, string[] | null>();
  #blockIds = 0;

  async of(db: Executor, workspaceId: string, words: Iterable<string>): Promise<Map<string, string[]>> {
    const wanted = [...new Set(words)].filter((w) => w.length >= MIN_WORD_LENGTH);
    const missing = wanted.filter((w) => !this.#known.has(w));
    if (missing.length > 0) {
      const rows = await queryRows<{ word: string; near: string }>(
        db,
        sql`
          select d.word, n.word as near
          from unnest(${arrayParam(missing, 'text')}) as d(word)
          cross join lateral (
            select w.word from name_words w
            where w.workspace_id = ${workspaceId}::uuid and w.word % d.word and w.word <> d.word
              and similarity(w.word, d.word) >= ${NEIGHBOUR_SIMILARITY}
            order by similarity(w.word, d.word) desc, w.word
            limit ${NEIGHBOURS_PER_WORD}
          ) n`,
      );
      // Bounded like the domain's caches: a scan of a big base meets many words once.
      if (this.#known.size > 200_000) this.#known.clear();
      for (const word of missing) this.#known.set(word, []);
      for (const row of rows) this.#known.get(row.word)!.push(row.near);
    }
    return new Map(wanted.map((w) => [w, this.#known.get(w) ?? []]));
  }

  /** The clients with both words of each block (`[near, exact]`), null for a block too big. */
  async blocks(
    db: Executor,
    workspaceId: string,
    wanted: readonly (readonly [string, string])[],
    maxBlockSize: number,
  ): Promise<Map<string, string[] | null>> {
    const keyOf = ([near, exact]: readonly [string, string]) => `${near}|${exact}`;
    const missing = [...new Map(wanted.map((b) => [keyOf(b), b])).values()].filter(
      (b) => !this.#blocks.has(keyOf(b)),
    );
    if (missing.length > 0) {
      const rows = await queryRows<{ near: string; exact: string; members: string[] | null; n: number }>(
        db,
        sql`
          select q.near, q.exact, b.members, b.n
          from unnest(${arrayParam(
            missing.map((b) => b[0]),
            'text',
          )}, ${arrayParam(
            missing.map((b) => b[1]),
            'text',
          )}) as q(near, exact)
          cross join lateral (
            select array_agg(s.id::text) as members, count(*)::int as n from (
              select c.id from clients c
              where c.workspace_id = ${workspaceId}::uuid and c.name_tokens @> array[q.near, q.exact]
                and c.merged_into_id is null
              limit ${maxBlockSize + 1}
            ) s
          ) b`,
      );
      // Bounded by the ids it holds (a block has up to `maxBlockSize`), some 40 MB at most.
      if (this.#blockIds > 500_000) {
        this.#blocks.clear();
        this.#blockIds = 0;
      }
      for (const row of rows) {
        const members = row.n > maxBlockSize ? null : (row.members ?? []);
        this.#blocks.set(`${row.near}|${row.exact}`, members);
        this.#blockIds += 1 + (members?.length ?? 0);
      }
    }
    return new Map(wanted.map((b) => [keyOf(b), this.#blocks.get(keyOf(b)) ?? null]));
  }
}

/**
 * The stored clients that are trigram neighbours of each record (by its index in `records`):
 * clients with a neighbour word of one of its name words who share another of its words exactly.
 * A block (a neighbour word and an exact word) of more than `maxBlockSize` clients is left out.
 */
export async function neighbourHits(
  db: Executor,
  workspaceId: string,
  records: readonly DuplicateRecord[],
  options: { maxBlockSize: number; words?: NeighbourWords },
): Promise<{ idx: number; clientId: string }[]> {
  const words = options.words ?? new NeighbourWords();
  const wordsOf = records.map(nameWords);
  const near = await words.of(db, workspaceId, wordsOf.flat());
  const wanted: [string, string][][] = wordsOf.map((mine) => {
    if (mine.length < 2) return [];
    const out: [string, string][] = [];
    // The surname (the match key's first word): a mistyped first name is found by the diminutive
    // and sound keys, and looking up the first names' neighbours too doubled the cost for nothing
    // they found on the bench base.
    for (const word of mine.slice(0, 1)) {
      const skeleton = consonantSkeleton(word);
      for (const n of near.get(word) ?? []) {
        // A neighbour of the same consonants (`ivanov`, `ivanova`; a vowel typed another way) is
        // blocked already by the sound key with the other name: its block, often the biggest, is
        // not looked up again.
        if (consonantSkeleton(n) === skeleton) continue;
        for (const exact of mine) if (exact !== word && exact !== n) out.push([n, exact]);
      }
    }
    return out;
  });
  if (wanted.every((w) => w.length === 0)) return [];
  const blocks = await words.blocks(db, workspaceId, wanted.flat(), options.maxBlockSize);
  const hits: { idx: number; clientId: string }[] = [];
  wanted.forEach((mine, idx) => {
    const seen = new Set<string>();
    for (const [n, exact] of mine) {
      for (const clientId of blocks.get(`${n}|${exact}`) ?? []) {
        if (seen.has(clientId)) continue;
        seen.add(clientId);
        hits.push({ idx, clientId });
      }
    }
  });
  return hits;
}
