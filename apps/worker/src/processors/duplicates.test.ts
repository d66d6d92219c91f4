import { createClient, enqueueDuplicateScan, execute, type OutboxRow } from '@cb/db';
import { openTestDatabase, seedWorkspace, type TestDatabase } from '@cb/db/testing';
import { matchKey } from '@cb/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DUPLICATE_QUEUE } from '../jobs.ts';
import { quietLogger, waitFor } from '../testing/helpers.ts';
import { startWorker, type Worker } from '../worker.ts';
import { planDuplicateJobs } from './duplicates-check.ts';

const W1 = '00000000-0000-4000-8000-000000000001';
const W2 = '00000000-0000-4000-8000-000000000002';
const C = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const row = (topic: string, workspaceId: string, payload: unknown, id = '1'): OutboxRow => ({
  id,
  topic,
  workspaceId,
  payload,
});

describe('planDuplicateJobs', () => {
  it.each([
    {
      name: 'coalesces checks per workspace',
      rows: [
        row('duplicates.check', W1, { clientIds: [C(2), C(1)] }),
        row('duplicates.check', W1, { clientIds: [C(1), C(3)] }),
        row('duplicates.check', W2, { clientIds: [C(4)] }),
      ],
      checks: [
        [W1, [C(1), C(2), C(3)]],
        [W2, [C(4)]],
      ],
      scans: [],
      invalid: 0,
    },
    {
      name: 'drops checks of a workspace the batch scans anyway',
      rows: [
        row('duplicates.check', W1, { clientIds: [C(1)] }),
        row('duplicates.scan', W1, {}),
        row('duplicates.scan', W1, {}),
      ],
      checks: [],
      scans: [W1],
      invalid: 0,
    },
    {
      name: 'reports a malformed payload',
      rows: [row('duplicates.check', W1, { clientIds: ['nope'] })],
      checks: [],
      scans: [],
      invalid: 1,
    },
  ])('$name', ({ rows, checks, scans, invalid }) => {
    const plan = planDuplicateJobs(rows);
    expect(plan.checkJobs.map((j) => [j.data!.workspaceId, j.data!.clientIds])).toEqual(checks);
    expect(plan.scanJobs.map((j) => [j.data!.workspaceId, j.singletonKey])).toEqual(scans.map((w) => [w, w]));
    expect(plan.invalid).toHaveLength(invalid);
  });

  it('splits a large check into jobs of at most 1000 clients', () => {
    const ids = Array.from({ length: 2500 }, (_, i) => C(i + 1));
    const plan = planDuplicateJobs([row('duplicates.check', W1, { clientIds: ids })]);
    expect(plan.checkJobs.map((j) => j.data!.clientIds.length)).toEqual([1000, 1000, 500]);
  });
});

describe('worker: duplicates.check and duplicates.scan jobs', () => {
  let database: TestDatabase;
  let worker: Worker;

  beforeAll(async () => {
    database = await openTestDatabase();
    worker = await startWorker({
      database,
      logger: quietLogger(),
      pollIntervalSeconds: 0.5,
      relay: { intervalMs: 100 },
      importSweepSeconds: null,
    });
  });

  afterAll(async () => {
    await worker?.stop();
    await database?.close();
  });

  async function person(
    ctx: Awaited<ReturnType<typeof seedWorkspace>>['ctx'],
    last: string,
    first: string,
    phone: string,
  ) {
    const created = await createClient(database.db, ctx, {
      kind: 'person',
      lastName: last,
      firstName: first,
      displayName: `${last} ${first}`,
      matchKey: matchKey(last, first),
      phones: [{ e164: phone, raw: phone, type: 'mobile', verifiedAt: null }],
    });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    return created.value.id;
  }

  const pairsOf = async (workspaceId: string) =>
    (
      await execute(
        database,
        'select client_a::text as "clientA", client_b::text as "clientB", status from duplicate_pairs where workspace_id = $1',
        [workspaceId],
      )
    ).rows as { clientA: string; clientB: string; status: string }[];

  it('checks a new client against the base through the outbox', async () => {
    const { ctx } = await seedWorkspace(database.db);
    const first = await person(ctx, 'Фёдоров', 'Александр', '+79161112233');
    const second = await person(ctx, 'Fedorov', 'Sasha', '+79161112233');
    const pairs = await waitFor(async () => {
      const rows = await pairsOf(ctx.workspaceId);
      return rows.length > 0 && rows;
    });
    expect(pairs.map((p) => [p.clientA, p.clientB, p.status])).toEqual([[...[first, second].sort(), 'open']]);
  });

  it('scans a workspace when asked through the outbox', async () => {
    const { ctx } = await seedWorkspace(database.db);
    const a = await person(ctx, 'Смирнова', 'Елена', '+79035550001');
    const b = await person(ctx, 'Smirnova', 'Lena', '+79035550001');
    await waitFor(async () => (await pairsOf(ctx.workspaceId)).length > 0);
    await execute(database, 'delete from duplicate_pairs where workspace_id = $1', [ctx.workspaceId]);
    await enqueueDuplicateScan(database.db, ctx.workspaceId);
    worker.wake();
    const pairs = await waitFor(async () => {
      const rows = await pairsOf(ctx.workspaceId);
      return rows.length > 0 && rows;
    });
    expect(pairs.map((p) => [p.clientA, p.clientB])).toEqual([[a, b].sort()]);
  });

  it('schedules the daily scan of every workspace', async () => {
    const schedules = await worker.boss.getSchedules();
    expect(schedules.map((s) => s.name)).toContain(DUPLICATE_QUEUE.scanAll);
  });

  it('the scheduled pass scans every workspace, each in its own job', async () => {
    const one = (await seedWorkspace(database.db)).ctx;
    const two = (await seedWorkspace(database.db)).ctx;
    const pairs = [
      [
        one,
        await person(one, 'Кузнецов', 'Дмитрий', '+79051230001'),
        await person(one, 'Kuznetsov', 'Dima', '+79051230001'),
      ],
      [
        two,
        await person(two, 'Попова', 'Ольга', '+79051230002'),
        await person(two, 'Popova', 'Olya', '+79051230002'),
      ],
    ] as const;
    for (const [ctx] of pairs) await waitFor(async () => (await pairsOf(ctx.workspaceId)).length > 0);
    for (const [ctx] of pairs) {
      await execute(database, 'delete from duplicate_pairs where workspace_id = $1', [ctx.workspaceId]);
    }
    // What the schedule sends at 02:41.
    await worker.boss.send(DUPLICATE_QUEUE.scanAll, {});
    worker.wake();
    for (const [ctx, a, b] of pairs) {
      const found = await waitFor(async () => {
        const rows = await pairsOf(ctx.workspaceId);
        return rows.length > 0 && rows;
      });
      expect(found.map((p) => [p.clientA, p.clientB])).toEqual([[a, b].sort()]);
    }
  });
});
