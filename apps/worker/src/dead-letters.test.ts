import { execute } from '@cb/db';
import { openTestDatabase, seedWorkspace, type TestDatabase } from '@cb/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { listDeadLetters, redriveDeadLetters } from './dead-letters.ts';
import { QUEUE } from './jobs.ts';
import { defaultProcessors, defineProcessor } from './processors/index.ts';
import { quietLogger, waitFor } from './testing/helpers.ts';
import { startWorker, type Worker } from './worker.ts';

const FAILING_QUEUE = 'test.failing';

describe('retries and dead letters', () => {
  let database: TestDatabase;
  let worker: Worker;
  const attempts: { n: number; at: number }[] = [];

  const failingProcessor = defineProcessor({
    queue: FAILING_QUEUE,
    payload: z.object({ n: z.number() }),
    async handle(jobs) {
      for (const job of jobs) attempts.push({ n: job.data.n, at: Date.now() });
      throw new Error('the processor is broken');
    },
  });

  beforeAll(async () => {
    database = await openTestDatabase();
    worker = await startWorker({
      database,
      logger: quietLogger(),
      pollIntervalSeconds: 0.5,
      relay: { intervalMs: 100 },
      retry: { limit: 2, delaySeconds: 1, backoff: true, delayMaxSeconds: 2 },
      processors: [...defaultProcessors, failingProcessor],
    });
  });

  afterAll(async () => {
    await worker?.stop();
    await database?.close();
  });

  it('dead-letters an invalid payload at once, without a retry', async () => {
    const id = await worker.boss.send(QUEUE.clientRecompute, { workspaceId: 'nope', clientIds: [] });
    const [dead] = await waitFor(async () => {
      const list = await listDeadLetters(worker.boss);
      const found = list.filter((letter) => letter.name === QUEUE.clientRecompute);
      return found.length > 0 && found;
    });
    expect(dead).toMatchObject({
      name: QUEUE.clientRecompute,
      data: { workspaceId: 'nope', clientIds: [] },
      retries: 0,
      error: { name: 'InvalidPayload', message: expect.stringContaining('workspaceId') },
    });
    expect(dead!.failedAt).toBeInstanceOf(Date);
    const [original] = await worker.boss.findJobs(QUEUE.clientRecompute, { id: id! });
    expect(original).toMatchObject({ state: 'failed', retryCount: 0 });
  });

  it('retries a failing job with backoff, then dead-letters it with its error', async () => {
    await worker.boss.send(FAILING_QUEUE, { n: 1 });
    const dead = await waitFor(
      async () => (await listDeadLetters(worker.boss)).find((letter) => letter.name === FAILING_QUEUE),
      { timeoutMs: 30_000, what: 'the failing job in the dead letters' },
    );
    expect(dead).toMatchObject({
      data: { n: 1 },
      retries: 2,
      error: { name: 'Error', message: 'the processor is broken' },
    });
    // The first attempt and two retries, each after a delay of about a second or more.
    expect(attempts.map((attempt) => attempt.n)).toEqual([1, 1, 1]);
    for (let i = 1; i < attempts.length; i++) {
      expect(attempts[i]!.at - attempts[i - 1]!.at).toBeGreaterThanOrEqual(900);
    }
  });

  it('lists relay-written dead letters (unknown outbox topic) and pages the list', async () => {
    const { workspace } = await seedWorkspace(database.db);
    await execute(
      database,
      `insert into outbox (workspace_id, topic, payload) values ($1, 'no.such.topic', '{"a":1}')`,
      [workspace.id],
    );
    worker.wake();
    const letter = await waitFor(async () =>
      (await listDeadLetters(worker.boss)).find((entry) => entry.name === 'no.such.topic'),
    );
    expect(letter).toMatchObject({
      data: { a: 1 },
      retries: 0,
      error: { message: expect.stringContaining('unknown') },
    });

    const all = await listDeadLetters(worker.boss);
    expect(all).toHaveLength(3);
    const firstPage = await listDeadLetters(worker.boss, { limit: 2 });
    const secondPage = await listDeadLetters(worker.boss, { limit: 2, after: firstPage[1]!.id });
    expect([...firstPage, ...secondPage].map((entry) => entry.id)).toEqual(all.map((entry) => entry.id));
  });

  it('redrives a dead letter to the queue it failed on', async () => {
    const before = attempts.length;
    const dead = (await listDeadLetters(worker.boss)).find((letter) => letter.name === FAILING_QUEUE)!;
    expect(await redriveDeadLetters(worker.boss, { ids: [dead.id] })).toBe(1);
    await waitFor(async () => attempts.length > before, { what: 'the redriven job to run again' });
  });
});
