import { addPurchase, countPendingOutbox, createClient, execute, getClient } from '@cb/db';
import { openTestDatabase, seedWorkspace, type TestDatabase } from '@cb/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE } from './jobs.ts';
import { quietLogger, waitFor } from './testing/helpers.ts';
import { DEFAULT_FULL_RECOMPUTE_CRON, startWorker, type Worker } from './worker.ts';

const DAY = 24 * 3600 * 1000;

describe('worker: outbox → relay → job → recompute', () => {
  let database: TestDatabase;
  let worker: Worker;
  let scope: { workspaceId: string };
  let ctx: Awaited<ReturnType<typeof seedWorkspace>>['ctx'];
  // The clock the recomputes read; the last test moves it forward.
  let clock = new Date();

  beforeAll(async () => {
    database = await openTestDatabase();
    ({ ctx } = await seedWorkspace(database.db));
    scope = { workspaceId: ctx.workspaceId };
    worker = await startWorker({
      database,
      logger: quietLogger(),
      now: () => clock,
      pollIntervalSeconds: 0.5,
      relay: { intervalMs: 100 },
    });
  });

  afterAll(async () => {
    await worker?.stop();
    await database?.close();
  });

  async function newClient(name: string): Promise<string> {
    const created = await createClient(database.db, ctx, {
      kind: 'person',
      displayName: name,
      matchKey: name.toLowerCase(),
    });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    return created.value.id;
  }

  const clientRow = async (id: string) => (await getClient(database.db, scope, id))!;

  it('gives a new client its temperature', async () => {
    const id = await newClient('Иван Петров');
    expect((await clientRow(id)).temperatureAt).toBeNull();
    const client = await waitFor(async () => {
      const row = await clientRow(id);
      return row.temperatureAt !== null && row;
    });
    expect(client.temperatureLevel).toMatch(/^(cold|warm|hot)$/);
    expect(client.stage).toBe('prospect');
    expect(await countPendingOutbox(database)).toBe(0);
  });

  it('makes a client with a purchase a customer', async () => {
    const id = await newClient('Мария Сидорова');
    const purchase = await addPurchase(database.db, ctx, { clientId: id, at: clock, amountKopecks: 150_000 });
    expect(purchase.ok).toBe(true);
    worker.wake();
    const client = await waitFor(async () => {
      const row = await clientRow(id);
      return row.stage === 'customer' && row;
    });
    expect(client.temperatureLevel).not.toBeNull();
  });

  it('coalesces a burst of changes into few jobs, all done', async () => {
    const ids = await Promise.all(Array.from({ length: 30 }, (_, n) => newClient(`Клиент ${n}`)));
    await waitFor(async () => {
      const rows = await Promise.all(ids.map(clientRow));
      return rows.every((row) => row.temperatureAt !== null);
    });
    const jobs = await worker.boss.findJobs(QUEUE.clientRecompute, { limit: 1000 });
    expect(jobs.every((job) => job.state === 'completed')).toBe(true);
    expect(jobs.length).toBeLessThan(30);
  });

  it('schedules the full recompute', async () => {
    const schedules = await worker.boss.getSchedules();
    expect(schedules.map((s) => ({ name: s.name, cron: s.cron }))).toContainEqual({
      name: QUEUE.recomputeAll,
      cron: DEFAULT_FULL_RECOMPUTE_CRON,
    });
  });

  it('the full recompute moves stages with time alone', async () => {
    const id = await newClient('Ольга Смирнова');
    await addPurchase(database.db, ctx, { clientId: id, at: clock, amountKopecks: 10_000 });
    worker.wake();
    await waitFor(async () => (await clientRow(id)).stage === 'customer');

    clock = new Date(clock.getTime() + 400 * DAY);
    await worker.boss.send(QUEUE.recomputeAll, {});
    await waitFor(async () => (await clientRow(id)).stage === 'lapsed', { what: 'the client to lapse' });
    const jobs = await worker.boss.findJobs(QUEUE.workspaceRecompute, {
      data: { workspaceId: ctx.workspaceId },
    });
    expect(jobs.map((job) => job.state)).toContain('completed');
  });

  it('prunes outbox rows relayed long ago and keeps the rest', async () => {
    await execute(
      database,
      `update outbox set relayed_at = now() - interval '30 days' where relayed_at is not null`,
    );
    const { rows: before } = await execute(database, 'select count(*)::int as n from outbox');
    expect(Number(before[0]!.n)).toBeGreaterThan(0);
    await worker.boss.send(QUEUE.outboxPrune, {});
    await waitFor(async () => {
      const { rows } = await execute(database, 'select count(*)::int as n from outbox');
      return Number(rows[0]!.n) === 0;
    });
  });
});
