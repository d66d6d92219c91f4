import { innChecksumOk, matchKey } from '@cb/domain';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchClients } from '../queries/client-search.ts';
import { loadClientFacts } from '../queries/facts.ts';
import { queryRows } from '../raw.ts';
import { openTestDatabase, seedWorkspace, type TestDatabase } from '../testing/index.ts';
import { bulkInsertBase } from './bulk.ts';
import { generateBase } from './generate.ts';

let handle: TestDatabase;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(async () => {
  await handle?.close();
});

const now = new Date('2026-06-01T12:00:00Z');

describe('generateBase', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = generateBase({ seed: 7, clients: 50, now });
    expect(generateBase({ seed: 7, clients: 50, now })).toEqual(a);
    expect(generateBase({ seed: 8, clients: 50, now }).clients[0]?.id).not.toBe(a.clients[0]?.id);
  });

  it('makes realistic Russian clients: +7 mobiles, valid INNs, history after creation and not after now', () => {
    const data = generateBase({ seed: 1, clients: 400, now });
    const phones = data.clients.flatMap((c) => (c.phone ? [c.phone.e164] : []));
    expect(phones.every((p) => /^\+79\d{9}$/.test(p))).toBe(true);
    expect(new Set(phones).size).toBe(phones.length);
    const companies = data.clients.filter((c) => c.kind === 'company');
    expect(companies.length).toBeGreaterThan(20);
    expect(companies.every((c) => c.inn !== null && innChecksumOk(c.inn))).toBe(true);
    const people = data.clients.filter((c) => c.kind === 'person');
    expect(people.every((p) => p.matchKey === matchKey(p.lastName, p.firstName))).toBe(true);
    const created = new Map(data.clients.map((c) => [c.id, c.createdAt.getTime()]));
    for (const row of [...data.purchases, ...data.interactions]) {
      expect(row.at.getTime()).toBeGreaterThanOrEqual(created.get(row.clientId)!);
      expect(row.at.getTime()).toBeLessThanOrEqual(now.getTime());
    }
  });
});

describe('bulkInsertBase', () => {
  it('writes every row set-based, and the rows read back as the same facts', async () => {
    const { workspace } = await seedWorkspace(handle.db);
    const data = generateBase({ seed: 42, clients: 1_200, now });
    const counts = await bulkInsertBase(handle.db, workspace.id, data);
    const [stored] = await queryRows<{
      clients: number;
      purchases: number;
      interactions: number;
      tasks: number;
    }>(
      handle.db,
      sql`select (select count(*) from clients where workspace_id = ${workspace.id})::int as clients,
                 (select count(*) from purchases where workspace_id = ${workspace.id})::int as purchases,
                 (select count(*) from interactions where workspace_id = ${workspace.id})::int as interactions,
                 (select count(*) from tasks where workspace_id = ${workspace.id})::int as tasks`,
    );
    expect(stored).toEqual({
      clients: counts.clients,
      purchases: counts.purchases,
      interactions: counts.interactions,
      tasks: counts.tasks,
    });
    expect(counts.purchases + counts.interactions).toBeGreaterThan(1_200);

    const sample = data.clients.find(
      (c) => c.tags.length > 0 && data.purchases.some((p) => p.clientId === c.id),
    )!;
    const facts = (await loadClientFacts(handle.db, workspace.id, [sample.id])).get(sample.id)!;
    expect(facts.tags).toEqual(sample.tags);
    expect(facts.createdAt).toEqual(sample.createdAt);
    const expected = data.purchases.filter((p) => p.clientId === sample.id);
    expect(facts.purchases.map((p) => p.amountKopecks).sort()).toEqual(
      expected.map((p) => p.amountKopecks).sort(),
    );

    const withPhone = data.clients.find((c) => c.phone)!;
    const hits = await searchClients(handle.db, { workspaceId: workspace.id }, { q: withPhone.phone!.raw });
    expect(hits[0]?.id).toBe(withPhone.id);
  });
});

describe('seedDemoWorkspace', () => {
  it('creates the demo once, with a batch, consents and segments, and finds it the second time', async () => {
    const { seedDemoWorkspace } = await import('./demo.ts');
    const first = await seedDemoWorkspace(handle.db, { now, ownerPasswordHash: 'hash', clients: 300 });
    expect(first).toMatchObject({ created: true, clients: 300 });
    const second = await seedDemoWorkspace(handle.db, { now, ownerPasswordHash: 'hash', clients: 300 });
    expect(second).toEqual({ ...first, created: false, clients: 0 });
    const [stats] = await queryRows<{ batched: number; consents: number; segments: number; members: number }>(
      handle.db,
      sql`select
        (select count(*) from clients where workspace_id = ${first.workspaceId} and source_batch_id is not null)::int as batched,
        (select count(*) from consents where workspace_id = ${first.workspaceId})::int as consents,
        (select count(*) from segments where workspace_id = ${first.workspaceId})::int as segments,
        (select count(*) from memberships where workspace_id = ${first.workspaceId})::int as members`,
    );
    expect(stats!.batched).toBeGreaterThan(0);
    expect(stats!.consents).toBeGreaterThan(50);
    expect(stats).toMatchObject({ segments: 5, members: 4 });
  });
});
