import { randomUUID } from 'node:crypto';
import { DAY_MS } from '@cb/domain';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clients, segmentMembers, segments } from '../schema/index.ts';
import { openTestDatabase, seedWorkspace, type TestDatabase } from '../testing/index.ts';
import { segmentSizeHistory } from './segments-crud.ts';
import { createUser } from './workspaces.ts';

let handle: TestDatabase;
let workspaceId: string;
let ownerId: string;
let otherOwnerId: string;
/** Ten clients: the first five owned by `ownerId`, the rest by `otherOwnerId`. */
let clientIds: string[];

beforeAll(async () => {
  handle = await openTestDatabase();
  const { workspace, user } = await seedWorkspace(handle.db);
  workspaceId = workspace.id;
  ownerId = user.id;
  otherOwnerId = (await createUser(handle.db, { email: `o-${workspace.id}@example.com`, name: 'O' })).id;
  const rows = await handle.db
    .insert(clients)
    .values(
      Array.from({ length: 10 }, (_, i) => ({
        workspaceId,
        kind: 'person' as const,
        displayName: `Client ${i}`,
        matchKey: `client ${i}`,
        ownerId: i < 5 ? ownerId : otherOwnerId,
      })),
    )
    .returning({ id: clients.id });
  clientIds = rows.map((r) => r.id);
});
afterAll(async () => {
  await handle?.close();
});

type Spell = { client: number; enteredAt: Date; leftAt: Date | null };

async function segmentWith(spells: Spell[]): Promise<string> {
  const [segment] = await handle.db
    .insert(segments)
    .values({ workspaceId, name: `s-${randomUUID()}`, kind: 'rule', rule: { type: 'and', rules: [] } })
    .returning({ id: segments.id });
  if (spells.length > 0) {
    await handle.db.insert(segmentMembers).values(
      spells.map((s) => ({
        workspaceId,
        segmentId: segment!.id,
        clientId: clientIds[s.client]!,
        enteredAt: s.enteredAt,
        leftAt: s.leftAt,
      })),
    );
  }
  return segment!.id;
}

/** The plain definition: for each day, the spells that cover its last instant. */
function reference(spells: Spell[], now: Date, days: number, onlyClients?: (client: number) => boolean) {
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  return Array.from({ length: days }, (_, i) => {
    const dayStart = today - (days - 1 - i) * DAY_MS;
    const end = dayStart + DAY_MS;
    const size = spells.filter(
      (s) =>
        (!onlyClients || onlyClients(s.client)) &&
        s.enteredAt.getTime() < end &&
        (s.leftAt === null || s.leftAt.getTime() >= end),
    ).length;
    return { day: new Date(dayStart).toISOString().slice(0, 10), size };
  });
}

const at = (iso: string) => new Date(iso);
const NOW = at('2026-03-15T12:00:00.000Z');

describe('segmentSizeHistory', () => {
  it('counts the spells covering the end of each UTC day, today last', async () => {
    const spells: Spell[] = [
      // Before the window, still in: counted from the first day.
      { client: 0, enteredAt: at('2025-01-01T00:00:00.000Z'), leftAt: null },
      // Entered at the very start of 03-13: a member at the end of 03-13.
      { client: 1, enteredAt: at('2026-03-13T00:00:00.000Z'), leftAt: null },
      // Entered at the midnight that ends 03-12 and left at the one that ends 03-13: the spell
      // covers the end of 03-13 only.
      { client: 2, enteredAt: at('2026-03-13T00:00:00.000Z'), leftAt: at('2026-03-14T00:00:00.000Z') },
      // A stay within one day covers no day's end.
      { client: 3, enteredAt: at('2026-03-14T05:00:00.000Z'), leftAt: at('2026-03-14T06:00:00.000Z') },
      // Came back: two spells of one client.
      { client: 4, enteredAt: at('2026-03-10T10:00:00.000Z'), leftAt: at('2026-03-12T10:00:00.000Z') },
      { client: 4, enteredAt: at('2026-03-14T10:00:00.000Z'), leftAt: null },
      // After today: not counted.
      { client: 5, enteredAt: at('2026-03-16T00:00:00.000Z'), leftAt: null },
    ];
    const segmentId = await segmentWith(spells);
    const result = await segmentSizeHistory(handle.db, { workspaceId }, { segmentId, now: NOW, days: 5 });
    expect(result).toEqual({
      ok: true,
      value: {
        points: [
          { day: '2026-03-11', size: 2 },
          { day: '2026-03-12', size: 1 },
          { day: '2026-03-13', size: 3 },
          { day: '2026-03-14', size: 3 },
          { day: '2026-03-15', size: 3 },
        ],
      },
    });
    expect(result.ok && result.value.points).toEqual(reference(spells, NOW, 5));
  });

  it('gives zeros for a segment without spells, and one point for one day', async () => {
    const segmentId = await segmentWith([]);
    const result = await segmentSizeHistory(handle.db, { workspaceId }, { segmentId, now: NOW, days: 3 });
    expect(result.ok && result.value.points.map((p) => p.size)).toEqual([0, 0, 0]);
    const one = await segmentSizeHistory(handle.db, { workspaceId }, { segmentId, now: NOW, days: 1 });
    expect(one.ok && one.value.points).toEqual([{ day: '2026-03-15', size: 0 }]);
  });

  it('counts only their own clients for a restricted manager', async () => {
    const spells: Spell[] = clientIds.map((_, client) => ({
      client,
      enteredAt: at('2026-03-01T00:00:00.000Z'),
      leftAt: null,
    }));
    const segmentId = await segmentWith(spells);
    const all = await segmentSizeHistory(handle.db, { workspaceId }, { segmentId, now: NOW, days: 2 });
    const own = await segmentSizeHistory(
      handle.db,
      { workspaceId, onlyOwnerId: otherOwnerId },
      { segmentId, now: NOW, days: 2 },
    );
    expect(all.ok && all.value.points.map((p) => p.size)).toEqual([10, 10]);
    expect(own.ok && own.value.points.map((p) => p.size)).toEqual([5, 5]);
  });

  it('is not_found for an unknown segment or one of another workspace', async () => {
    const segmentId = await segmentWith([]);
    const { workspace: other } = await seedWorkspace(handle.db);
    for (const [scope, id] of [
      [{ workspaceId }, randomUUID()],
      [{ workspaceId: other.id }, segmentId],
    ] as const) {
      const result = await segmentSizeHistory(handle.db, scope, { segmentId: id, now: NOW, days: 3 });
      expect(result).toEqual({ ok: false, error: { code: 'not_found', entity: 'segment', id } });
    }
  });

  it('agrees with the plain definition on random spells', async () => {
    const T0 = NOW.getTime();
    const instant = fc.oneof(
      fc.integer({ min: -40, max: 2 }).map((d) => Math.floor(T0 / DAY_MS) * DAY_MS + d * DAY_MS),
      fc.integer({ min: -40 * DAY_MS, max: 2 * DAY_MS }).map((ms) => T0 + ms),
    );
    const spell = fc
      .record({
        client: fc.integer({ min: 0, max: 9 }),
        enteredAt: instant,
        stay: fc.option(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 20 * DAY_MS })), { nil: null }),
      })
      .map(
        (s): Spell => ({
          client: s.client,
          enteredAt: new Date(s.enteredAt),
          leftAt: s.stay === null ? null : new Date(s.enteredAt + s.stay),
        }),
      );
    await fc.assert(
      fc.asyncProperty(
        fc.array(spell, { maxLength: 25 }),
        fc.integer({ min: 1, max: 45 }),
        fc.integer({ min: -DAY_MS, max: DAY_MS }),
        fc.boolean(),
        async (spells, days, nowOffset, restricted) => {
          // One open spell per client (a unique index says so); closed ones may overlap, and the
          // sizes are still a count of covering spells.
          const open = new Set<number>();
          const valid = spells.map((s) => {
            if (s.leftAt !== null) return s;
            if (open.has(s.client)) return { ...s, leftAt: s.enteredAt };
            open.add(s.client);
            return s;
          });
          const segmentId = await segmentWith(valid);
          const now = new Date(T0 + nowOffset);
          const scope = restricted ? { workspaceId, onlyOwnerId: ownerId } : { workspaceId };
          const result = await segmentSizeHistory(handle.db, scope, { segmentId, now, days });
          expect(result.ok && result.value.points).toEqual(
            reference(valid, now, days, restricted ? (client) => client < 5 : undefined),
          );
        },
      ),
      { numRuns: 60 },
    );
  });
});
