import { randomUUID } from 'node:crypto';
import { countPendingOutbox, enqueueRecompute, execute, type OutboxRow } from '@cb/db';
import { openTestDatabase, seedWorkspace, type TestDatabase } from '@cb/db/testing';
import type { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBoss } from './boss.ts';
import { type ClientRecompute, QUEUE, type WorkspaceRecompute } from './jobs.ts';
import { OUTBOX_TOPIC, planJobs, relayOutbox } from './relay.ts';
import { quietLogger } from './testing/helpers.ts';

const W1 = '00000000-0000-4000-8000-000000000001';
const W2 = '00000000-0000-4000-8000-000000000002';
const c = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const row = (id: number, workspaceId: string, topic: string, payload: unknown): OutboxRow => ({
  id: String(id),
  workspaceId,
  topic,
  payload,
});

describe('planJobs', () => {
  it.each([
    {
      name: 'coalesces clients per workspace and drops repeats',
      rows: [
        row(1, W1, OUTBOX_TOPIC.clientRecompute, { clientId: c(2) }),
        row(2, W1, OUTBOX_TOPIC.clientRecompute, { clientId: c(1) }),
        row(3, W1, OUTBOX_TOPIC.clientRecompute, { clientId: c(2) }),
        row(4, W2, OUTBOX_TOPIC.clientRecompute, { clientId: c(3) }),
      ],
      clientJobs: [
        { workspaceId: W1, clientIds: [c(1), c(2)] },
        { workspaceId: W2, clientIds: [c(3)] },
      ],
      workspaceJobs: [],
      deadLetters: 0,
    },
    {
      name: 'splits a workspace at clientsPerJob',
      rows: [1, 2, 3, 4, 5].map((n) => row(n, W1, OUTBOX_TOPIC.clientRecompute, { clientId: c(n) })),
      clientJobs: [
        { workspaceId: W1, clientIds: [c(1), c(2)] },
        { workspaceId: W1, clientIds: [c(3), c(4)] },
        { workspaceId: W1, clientIds: [c(5)] },
      ],
      workspaceJobs: [],
      deadLetters: 0,
    },
    {
      name: 'a workspace recompute makes its client jobs unnecessary',
      rows: [
        row(1, W1, OUTBOX_TOPIC.clientRecompute, { clientId: c(1) }),
        row(2, W1, OUTBOX_TOPIC.workspaceRecompute, {}),
        row(3, W1, OUTBOX_TOPIC.workspaceRecompute, {}),
        row(4, W2, OUTBOX_TOPIC.clientRecompute, { clientId: c(2) }),
      ],
      clientJobs: [{ workspaceId: W2, clientIds: [c(2)] }],
      workspaceJobs: [{ workspaceId: W1 }],
      deadLetters: 0,
    },
    {
      name: 'a malformed payload or an unknown topic goes to the dead letters',
      rows: [
        row(1, W1, OUTBOX_TOPIC.clientRecompute, { clientId: 'not-a-uuid' }),
        row(2, W1, 'client.teleport', { clientId: c(1) }),
        row(3, W1, OUTBOX_TOPIC.clientRecompute, { clientId: c(1) }),
      ],
      clientJobs: [{ workspaceId: W1, clientIds: [c(1)] }],
      workspaceJobs: [],
      deadLetters: 2,
    },
  ])('$name', ({ rows, clientJobs, workspaceJobs, deadLetters }) => {
    const plan = planJobs(rows, 2);
    expect(plan.clientJobs.map((job) => job.data)).toEqual(clientJobs);
    expect(plan.workspaceJobs.map((job) => job.data)).toEqual(workspaceJobs);
    expect(plan.deadLetters).toHaveLength(deadLetters);
  });
});

describe('relayOutbox', () => {
  let database: TestDatabase;
  let boss: PgBoss;
  let workspaceId: string;

  beforeAll(async () => {
    database = await openTestDatabase();
    boss = await connectBoss(database, { logger: quietLogger(), schedule: false, supervise: false });
    ({
      workspace: { id: workspaceId },
    } = await seedWorkspace(database.db));
  });

  afterAll(async () => {
    await boss?.stop({ graceful: false, close: true });
    await database?.close();
  });

  async function clearQueues() {
    await boss.deleteAllJobs(QUEUE.clientRecompute);
    await boss.deleteAllJobs(QUEUE.workspaceRecompute);
    await boss.deleteAllJobs(QUEUE.deadLetter);
  }

  async function queuedClientIds(): Promise<string[]> {
    const jobs = await boss.findJobs<ClientRecompute>(QUEUE.clientRecompute, { limit: 100_000 });
    return jobs.flatMap((job) => job.data.clientIds);
  }

  it('turns pending rows into jobs and marks them relayed, once', async () => {
    await clearQueues();
    const clientIds = Array.from({ length: 5 }, () => randomUUID());
    await enqueueRecompute(database.db, workspaceId, clientIds);
    await enqueueRecompute(database.db, workspaceId, clientIds.slice(0, 2));

    const first = await relayOutbox(database, boss);
    expect(first).toEqual({ rows: 7, clientJobs: 1, workspaceJobs: 0, deadLettered: 0 });
    expect((await queuedClientIds()).sort()).toEqual([...clientIds].sort());
    expect(await countPendingOutbox(database)).toBe(0);

    expect(await relayOutbox(database, boss)).toMatchObject({ rows: 0 });
    expect(await queuedClientIds()).toHaveLength(5);
  });

  it('relays workspace recomputes once per workspace and dead-letters rows it cannot read', async () => {
    await clearQueues();
    await execute(
      database,
      `insert into outbox (workspace_id, topic, payload) values
         ($1, 'workspace.recompute', '{}'), ($1, 'workspace.recompute', '{}'), ($1, 'no.such.topic', '{"x":1}')`,
      [workspaceId],
    );
    expect(await relayOutbox(database, boss)).toEqual({
      rows: 3,
      clientJobs: 0,
      workspaceJobs: 1,
      deadLettered: 1,
    });
    // A second relay while the first job still waits adds nothing: one queued job per workspace.
    await execute(
      database,
      `insert into outbox (workspace_id, topic, payload) values ($1, 'workspace.recompute', '{}')`,
      [workspaceId],
    );
    await relayOutbox(database, boss);
    const jobs = await boss.findJobs<WorkspaceRecompute>(QUEUE.workspaceRecompute, {});
    expect(jobs.map((job) => job.data)).toEqual([{ workspaceId }]);
    expect(await boss.findJobs(QUEUE.deadLetter, {})).toHaveLength(1);
  });

  it('concurrent relays relay every row exactly once', async () => {
    await clearQueues();
    const clientIds = Array.from({ length: 1000 }, () => randomUUID());
    for (let i = 0; i < clientIds.length; i += 250) {
      await enqueueRecompute(database.db, workspaceId, clientIds.slice(i, i + 250));
    }
    const relayUntilEmpty = async () => {
      let rows = 0;
      for (;;) {
        const result = await relayOutbox(database, boss, { batchSize: 37, clientsPerJob: 10 });
        if (result.rows === 0) return rows;
        rows += result.rows;
      }
    };
    const relayed = await Promise.all(Array.from({ length: 6 }, relayUntilEmpty));

    expect(relayed.reduce((a, b) => a + b, 0)).toBe(1000);
    const queued = await queuedClientIds();
    expect(queued).toHaveLength(1000);
    expect(new Set(queued).size).toBe(1000);
    expect(await countPendingOutbox(database)).toBe(0);
    if (database.kind === 'postgres') {
      // On the server the relays really overlapped: more than one of them relayed rows.
      expect(relayed.filter((n) => n > 0).length).toBeGreaterThan(1);
    }
  });

  it('rolls back the jobs when the relay transaction fails', async () => {
    await clearQueues();
    await enqueueRecompute(database.db, workspaceId, [randomUUID()]);
    // Revoke the right to mark rows relayed: the statement after the job insert fails.
    await execute(
      database,
      `create or replace function outbox_refuse() returns trigger language plpgsql as
         $$ begin raise exception 'refused'; end $$`,
    );
    await execute(
      database,
      'create trigger outbox_refuse before update on outbox for each row execute function outbox_refuse()',
    );
    try {
      await expect(relayOutbox(database, boss)).rejects.toThrow(/refused/);
    } finally {
      await execute(database, 'drop trigger outbox_refuse on outbox');
    }
    expect(await queuedClientIds()).toEqual([]);
    expect(await countPendingOutbox(database)).toBe(1);
    expect(await relayOutbox(database, boss)).toMatchObject({ rows: 1, clientJobs: 1 });
  });
});
