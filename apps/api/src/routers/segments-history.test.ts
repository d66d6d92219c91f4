import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestAppAt, type TestClock } from '../testing/clock.ts';
import { addMember, type Caller, failure, signUp, type TestApp } from '../testing/harness.ts';

/*
 * segments.sizeHistory over HTTP: the spells are made the way the app makes them (a segment's rule
 * is set and changed at the request clock's time), and the chart is read back day by day.
 */

const clock: TestClock = { now: new Date('2026-03-10T12:00:00.000Z') };
let t: TestApp;
let owner: Caller;
let manager: Caller;
let segmentId: string;

beforeAll(async () => {
  t = await openTestAppAt(clock);
  owner = (await signUp(t.app)).caller;
  const added = await addMember(t.app, owner, 'manager');
  manager = added.caller;
  for (const [lastName, city] of [
    ['Орлова', 'Москва'],
    ['Петров', 'Казань'],
    ['Сидоров', 'Тула'],
  ] as const) {
    await owner.trpc.clients.create.mutate({
      kind: 'person',
      lastName,
      firstName: 'Тест',
      city,
      ownerId: city === 'Казань' ? added.userId : undefined,
    });
  }
  // 03-10 12:00: every client enters; 03-12 09:00: only Moscow stays.
  const segment = await owner.trpc.segments.create.mutate({ name: 'Все', rule: { type: 'and', rules: [] } });
  segmentId = segment.id;
  clock.now = new Date('2026-03-12T09:00:00.000Z');
  await owner.trpc.segments.update.mutate({
    id: segmentId,
    rule: { type: 'condition', field: 'city', op: 'in', values: ['Москва'] },
  });
  clock.now = new Date('2026-03-13T15:00:00.000Z');
});
afterAll(async () => {
  await t?.close();
});

describe('segments.sizeHistory', () => {
  it('gives the size at the end of each UTC day, today last', async () => {
    const history = await owner.trpc.segments.sizeHistory.query({ id: segmentId, days: 5 });
    expect(history).toEqual({
      points: [
        { day: '2026-03-09', size: 0 },
        { day: '2026-03-10', size: 3 },
        { day: '2026-03-11', size: 3 },
        { day: '2026-03-12', size: 1 },
        { day: '2026-03-13', size: 1 },
      ],
    });
  });

  it('covers 90 days by default and up to 730', async () => {
    const byDefault = await owner.trpc.segments.sizeHistory.query({ id: segmentId });
    expect(byDefault.points).toHaveLength(90);
    expect(byDefault.points[0]!.day).toBe('2025-12-14');
    expect(byDefault.points.at(-1)).toEqual({ day: '2026-03-13', size: 1 });
    expect((await owner.trpc.segments.sizeHistory.query({ id: segmentId, days: 730 })).points).toHaveLength(
      730,
    );
  });

  it('counts only their own clients for a manager who sees only own clients', async () => {
    await owner.trpc.workspace.updateSettings.mutate({ managersSeeOwnClientsOnly: true });
    try {
      const own = await manager.trpc.segments.sizeHistory.query({ id: segmentId, days: 5 });
      expect(own.points.map((p) => p.size)).toEqual([0, 1, 1, 0, 0]);
    } finally {
      await owner.trpc.workspace.updateSettings.mutate({ managersSeeOwnClientsOnly: false });
    }
  });

  it('is NOT_FOUND for an unknown segment and for one of another workspace', async () => {
    await failure(owner.trpc.segments.sizeHistory.query({ id: randomUUID() }), 'NOT_FOUND');
    const outsider = (await signUp(t.app)).caller;
    const error = await failure(outsider.trpc.segments.sizeHistory.query({ id: segmentId }), 'NOT_FOUND');
    expect(error.message).not.toContain(segmentId);
  });

  it('refuses days outside 1..730 and a bad id, naming the field', async () => {
    for (const [input, field] of [
      [{ id: segmentId, days: 0 }, 'days'],
      [{ id: segmentId, days: 731 }, 'days'],
      [{ id: segmentId, days: 2.5 }, 'days'],
      [{ id: 'not-a-uuid' }, 'id'],
    ] as const) {
      const error = await failure(owner.trpc.segments.sizeHistory.query(input), 'BAD_REQUEST');
      expect(error.issues?.map((i) => i.field)).toEqual([field]);
    }
  });
});
