import {
  type DuplicateRecord,
  NEIGHBOUR_SIMILARITY,
  nameWords,
  neighbourBlocks,
  neighbourSurname,
} from '@cb/domain';
import { sql } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { arrayParam, queryRows } from '../raw.ts';

/**
 * Trigram neighbours of surnames (the rules: `@cb/domain` `neighbourBlocks`), looked up in the
 * workspace's name lexicon (`name_words`, trigram-indexed for search) and in the clients' name
 * tokens. The candidates are scored like any other pair: this only finds them.
 */

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
    const found = new Map<string, string[]>();
    const missing: string[] = [];
    for (const word of new Set(words)) {
      const known = this.#known.get(word);
      if (known) found.set(word, known);
      else missing.push(word);
    }
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
          ) n`,
      );
      for (const word of missing) found.set(word, []);
      for (const row of rows) found.get(row.word)!.push(row.near);
      // Bounded like the domain's caches: a scan of a big base meets many words once.
      if (this.#known.size > 200_000) this.#known.clear();
      for (const word of missing) this.#known.set(word, found.get(word)!);
    }
    return found;
  }

  /**
   * The clients of each block `[surname, word]` — whose surname (the name's first word) is the one
   * and who have the other word too — or null for a block too big.
   */
  async blocks(
    db: Executor,
    workspaceId: string,
    wanted: readonly (readonly [string, string])[],
    maxBlockSize: number,
  ): Promise<Map<string, string[] | null>> {
    const found = new Map<string, string[] | null>();
    const missing = new Map<string, readonly [string, string]>();
    for (const block of wanted) {
      const key = block.join('|');
      const known = this.#blocks.get(key);
      if (known !== undefined) found.set(key, known);
      else missing.set(key, block);
    }
    if (missing.size > 0) {
      const rows = await queryRows<{ near: string; exact: string; members: string[] | null; n: number }>(
        db,
        sql`
          select q.near, q.exact, b.members, b.n
          from unnest(${arrayParam(
            [...missing.values()].map((b) => b[0]),
            'text',
          )}, ${arrayParam(
            [...missing.values()].map((b) => b[1]),
            'text',
          )}) as q(near, exact)
          cross join lateral (
            select array_agg(s.id::text) as members, count(*)::int as n from (
              select c.id from clients c
              where c.workspace_id = ${workspaceId}::uuid and c.name_tokens @> array[q.near, q.exact]
                and c.name_tokens[1] = q.near and c.merged_into_id is null
              limit ${maxBlockSize + 1}
            ) s
          ) b`,
      );
      for (const row of rows)
        found.set(`${row.near}|${row.exact}`, row.n > maxBlockSize ? null : (row.members ?? []));
      // Bounded by the ids it holds (a block has up to `maxBlockSize`), some 40 MB at most.
      if (this.#blockIds > 500_000) {
        this.#blocks.clear();
        this.#blockIds = 0;
      }
      for (const key of missing.keys()) {
        const members = found.get(key) ?? null;
        this.#blocks.set(key, members);
        this.#blockIds += 1 + (members?.length ?? 0);
      }
    }
    return found;
  }
}

/**
 * The stored clients that are trigram neighbours of each record (by its index in `records`): the
 * clients of its blocks (`neighbourBlocks`); a block of more than `maxBlockSize` is left out.
 */
export async function neighbourHits(
  db: Executor,
  workspaceId: string,
  records: readonly DuplicateRecord[],
  options: { maxBlockSize: number; words?: NeighbourWords },
): Promise<{ idx: number; clientId: string }[]> {
  const words = options.words ?? new NeighbourWords();
  const wordsOf = records.map(nameWords);
  const surnames = wordsOf.map(neighbourSurname);
  const near = await words.of(
    db,
    workspaceId,
    surnames.filter((s): s is string => s !== null),
  );
  const wanted = wordsOf.map((mine, i) => {
    const surname = surnames[i];
    return surname ? neighbourBlocks(mine, near.get(surname) ?? []) : [];
  });
  if (wanted.every((w) => w.length === 0)) return [];
  // A pair is found from either side alike: its neighbour's block and the record's own block (its
  // surname with the same word) must both be small enough, so whichever of the two is checked (or
  // has the smaller id, in a scan) finds the other.
  const own = (i: number, exact: string): [string, string] => [surnames[i]!, exact];
  const blocks = await words.blocks(
    db,
    workspaceId,
    wanted.flatMap((mine, i) =>
      mine.flatMap(([n, exact]) => [[n, exact] as [string, string], own(i, exact)]),
    ),
    options.maxBlockSize,
  );
  const hits: { idx: number; clientId: string }[] = [];
  wanted.forEach((mine, idx) => {
    const seen = new Set<string>();
    for (const [n, exact] of mine) {
      if (blocks.get(own(idx, exact).join('|')) === null) continue;
      for (const clientId of blocks.get(`${n}|${exact}`) ?? []) {
        if (seen.has(clientId)) continue;
        seen.add(clientId);
        hits.push({ idx, clientId });
      }
    }
  });
  return hits;
}
