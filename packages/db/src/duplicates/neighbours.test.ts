import { blockingKeys, nameWords } from '@cb/domain';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duplicatePairs } from '../schema/index.ts';
import { openTestDatabase, seedWorkspace, type TestDatabase } from '../testing/index.ts';
import { findDuplicateMatches, loadDuplicateRecords, pairKey } from './keys.ts';
import { NeighbourWords, neighbourHits } from './neighbours.ts';
import { checkDuplicates, scanDuplicates } from './scan.ts';
import { createPerson } from './test-support.ts';

let handle: TestDatabase;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(async () => {
  await handle?.close();
});

async function storedPairs(workspaceId: string) {
  const rows = await handle.db
    .select()
    .from(duplicatePairs)
    .where(eq(duplicatePairs.workspaceId, workspaceId));
  return new Set(rows.map((r) => pairKey(r.clientA, r.clientB)));
}

/** A surname one letter longer, nothing else shared but the first name, the city and the street. */
async function plant() {
  const { ctx } = await seedWorkspace(handle.db);
  const make = (seed: Parameters<typeof createPerson>[2]) => createPerson(handle.db, ctx, seed);
  const a = await make({
    lastName: 'Иваненко',
    firstName: 'Марина',
    phones: ['+79161110001'],
    city: 'Тула',
    address: 'ул. Советская, 5',
  });
  const b = await make({
    lastName: 'Иваненков',
    firstName: 'Марина',
    phones: ['+79161110002'],
    city: 'Тула',
    address: 'ул. Советская, 5',
  });
  // A neighbour surname but another first name: no word of the name shared exactly.
  const other = await make({ lastName: 'Иваненков', firstName: 'Ольга', phones: ['+79161110003'] });
  return { ctx, a, b, other };
}

describe('trigram neighbours of names: candidates no blocking key finds', () => {
  it('the planted pair shares no blocking key (what this blocking is for)', async () => {
    const { ctx, a, b } = await plant();
    const [ra, rb] = await loadDuplicateRecords(handle.db, ctx.workspaceId, [a.id, b.id]);
    const shared = blockingKeys(ra!).filter((k) => blockingKeys(rb!).includes(k));
    expect(shared).toEqual([]);
    expect(nameWords(ra!)).toHaveLength(2);
  });

  it('finds the neighbours of a record: the mistyped surname with the same first name, not another person', async () => {
    const { ctx, a, b, other } = await plant();
    const [ra] = await loadDuplicateRecords(handle.db, ctx.workspaceId, [a.id]);
    const hits = await neighbourHits(handle.db, ctx.workspaceId, [ra!], { maxBlockSize: 100 });
    expect(hits.map((h) => h.clientId)).toEqual([b.id]);
    expect(hits.map((h) => h.clientId)).not.toContain(other.id);
    // A neighbour word with more clients than the block size identifies nobody: left out.
    expect(await neighbourHits(handle.db, ctx.workspaceId, [ra!], { maxBlockSize: 0 })).toEqual([]);
  });

  it('looks up the neighbour words of each word once, and keeps them', async () => {
    const { ctx, a, b } = await plant();
    const [ra, rb] = await loadDuplicateRecords(handle.db, ctx.workspaceId, [a.id, b.id]);
    const [surname, first] = nameWords(ra!);
    const [longer] = nameWords(rb!);
    const words = new NeighbourWords();
    const found = await words.of(handle.db, ctx.workspaceId, nameWords(ra!));
    expect(found.get(surname!)).toContain(longer);
    expect(found.get(first!)).toEqual([]);
    expect(await words.of(handle.db, ctx.workspaceId, [surname!])).toEqual(
      new Map([[surname!, found.get(surname!)]]),
    );
  });

  it('the check on create and the whole-base scan store the pair, explained', async () => {
    const { ctx, a, b, other } = await plant();
    const [ra] = await loadDuplicateRecords(handle.db, ctx.workspaceId, [a.id]);
    const [matches] = await findDuplicateMatches(handle.db, ctx.workspaceId, [ra!]);
    expect(matches!.matches.map((m) => m.clientId)).toContain(b.id);
    expect(matches!.matches.find((m) => m.clientId === b.id)!.reasons.length).toBeGreaterThan(0);
    // Keys only (what the import's own matching asks for): not found.
    const [keysOnly] = await findDuplicateMatches(handle.db, ctx.workspaceId, [ra!], { neighbours: false });
    expect(keysOnly!.matches.map((m) => m.clientId)).not.toContain(b.id);

    await checkDuplicates(handle.db, ctx.workspaceId, [b.id]);
    expect(await storedPairs(ctx.workspaceId)).toContain(pairKey(a.id, b.id));

    await scanDuplicates(handle.db, ctx.workspaceId, { chunkSize: 1 });
    const scanned = await storedPairs(ctx.workspaceId);
    expect(scanned).toContain(pairKey(a.id, b.id));
    expect(scanned).not.toContain(pairKey(a.id, other.id));
  });
});
