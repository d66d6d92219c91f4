import { outbox } from '@cb/db/schema';
import { openTestDatabase, type TestDatabase } from '@cb/db/testing';
import { listDeadLetters, openQueue, type QueueClient, redriveDeadLetters, relayOutbox } from '@cb/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { type Caller, signUp } from '../testing/harness.ts';

let database: TestDatabase;
let queue: QueueClient;
let app: ReturnType<typeof createApp>;
let ownerA: Caller;
let ownerB: Caller;
let workspaceA: string;

beforeAll(async () => {
  database = await openTestDatabase();
  queue = await openQueue({ database });
  app = createApp({
    database,
    trustProxy: true,
    deadLetters: {
      list: (options) => listDeadLetters(queue.boss, options),
      redrive: (ids) => redriveDeadLetters(queue.boss, { ids }),
    },
  });
  const a = await signUp(app);
  ownerA = a.caller;
  workspaceA = a.me.workspace!.id;
  ownerB = (await signUp(app)).caller;
});
afterAll(async () => {
  await queue?.stop();
  await database?.close();
});

describe('deadLetters', () => {
  it('shows a workspace the jobs of its own that were given up on, and nobody else', async () => {
    // An outbox row the worker cannot understand is dead-lettered at once by the real relay.
    await database.db
      .insert(outbox)
      .values({ workspaceId: workspaceA, topic: 'no.such.topic', payload: { x: 1 } });
    const relayed = await relayOutbox(database, queue.boss);
    expect(relayed.deadLettered).toBe(1);

    const mine = await ownerA.trpc.deadLetters.list.query({});
    expect(mine.queue).toBe(true);
    expect(mine.items).toHaveLength(1);
    expect(mine.items[0]).toMatchObject({
      name: 'no.such.topic',
      retries: 0,
      error: { message: expect.stringContaining('unknown outbox topic') },
    });
    expect((await ownerB.trpc.deadLetters.list.query({})).items).toEqual([]);

    // B cannot touch A's letter: it is not among B's, so nothing is sent to the queue.
    const id = mine.items[0]!.id;
    expect(await ownerB.trpc.deadLetters.redrive.mutate({ ids: [id] })).toEqual({ redriven: 0 });
    expect((await ownerA.trpc.deadLetters.list.query({})).items.map((l) => l.id)).toEqual([id]);
  });

  it('answers an empty list when the process runs no queue', async () => {
    const bare = createApp({ database, trustProxy: true });
    const { caller } = await signUp(bare);
    expect(await caller.trpc.deadLetters.list.query()).toEqual({ items: [], nextCursor: null, queue: false });
  });
});
