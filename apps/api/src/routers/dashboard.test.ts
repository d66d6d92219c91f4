import { clients, interactions, payments, purchases, tasks } from '@cb/db/schema';
import { stages } from '@cb/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestAppAt, type TestClock } from '../testing/clock.ts';
import { addMember, type Caller, failure, signUp, type TestApp } from '../testing/harness.ts';

/*
 * dashboard.summary over HTTP with the request clock pinned. The base is written straight into the
 * database, so creation months and history times are exactly what the test says.
 */

const clock: TestClock = { now: new Date('2026-03-15T12:00:00.000Z') };
let t: TestApp;
let owner: Caller;
let viewer: Caller;
let manager: Caller;
let managerId: string;
let workspaceId: string;
let anna: string;

const zeroStages = () => Object.fromEntries(stages.map((s) => [s, 0]));

beforeAll(async () => {
  t = await openTestAppAt(clock);
  const signedUp = await signUp(t.app, { workspaceName: 'Дашборд' });
  owner = signedUp.caller;
  workspaceId = signedUp.me.workspace!.id;
  viewer = (await addMember(t.app, owner, 'viewer')).caller;
  const added = await addMember(t.app, owner, 'manager');
  manager = added.caller;
  managerId = added.userId;
  const db = t.database.db;
  const person = (name: string, createdAt: string, extra: Partial<typeof clients.$inferInsert> = {}) => ({
    workspaceId,
    kind: 'person' as const,
    displayName: name,
    matchKey: name.toLowerCase(),
    createdAt: new Date(createdAt),
    ownerId: signedUp.me.user.id,
    ...extra,
  });
  const rows = await db
    .insert(clients)
    .values([
      person('Анна Орлова', '2025-11-20T10:00:00.000Z', {
        stage: 'customer',
        temperatureLevel: 'hot',
        sourceChannel: 'referral',
      }),
      person('Борис Петров', '2026-01-10T10:00:00.000Z', {
        temperatureLevel: 'cold',
        sourceChannel: 'web_form',
        ownerId: managerId,
      }),
      person('Вера Соколова', '2026-03-01T10:00:00.000Z', { sourceChannel: 'web_form' }),
      person('Старый Архив', '2025-01-01T10:00:00.000Z', {
        stage: 'archived',
        archivedAt: new Date('2026-01-01T00:00:00.000Z'),
      }),
    ])
    .returning({ id: clients.id });
  anna = rows[0]!.id;
  const boris = rows[1]!.id;
  await db.insert(interactions).values([
    {
      workspaceId,
      clientId: anna,
      kind: 'call',
      at: new Date('2026-03-15T10:00:00.000Z'),
      summary: 'Звонок',
    },
    { workspaceId, clientId: boris, kind: 'meeting', at: new Date('2026-03-14T10:00:00.000Z') },
  ]);
  const [purchase] = await db
    .insert(purchases)
    .values({ workspaceId, clientId: anna, at: new Date('2026-03-13T10:00:00.000Z'), amountKopecks: 990_000 })
    .returning({ id: purchases.id });
  await db.insert(payments).values({
    workspaceId,
    clientId: anna,
    purchaseId: purchase!.id,
    at: new Date('2026-03-13T11:00:00.000Z'),
    amountKopecks: 990_000,
    method: 'cash',
  });
  await db.insert(tasks).values([
    {
      workspaceId,
      clientId: anna,
      title: 'Просрочено',
      dueAt: new Date('2026-03-01T00:00:00.000Z'),
      createdAt: new Date('2026-02-20T00:00:00.000Z'),
    },
    {
      workspaceId,
      clientId: boris,
      title: 'Встреча с Борисом',
      dueAt: new Date('2026-03-20T00:00:00.000Z'),
      createdAt: new Date('2026-02-21T00:00:00.000Z'),
      assigneeId: managerId,
    },
  ]);
});
afterAll(async () => {
  await t?.close();
});

describe('dashboard.summary', () => {
  it('answers the whole contract, dates as ISO strings, for the last 12 months by default', async () => {
    const summary = await owner.trpc.dashboard.summary.query();
    expect(summary).toMatchObject({
      total: 3,
      byStage: { ...zeroStages(), customer: 1, prospect: 2 },
      temperature: { cold: 1, warm: 0, hot: 1, unknown: 1 },
      bySource: [
        { channel: 'web_form', count: 2 },
        { channel: 'referral', count: 1 },
      ],
      openTasks: { count: 2, overdue: 1 },
    });
    expect(summary.growth).toHaveLength(12);
    expect(summary.growth[0]!.month).toBe('2025-04');
    expect(
      summary.growth.slice(-5).map((p) => [p.month, p.total, p.byStage.customer, p.byStage.prospect]),
    ).toEqual([
      ['2025-11', 1, 1, 0],
      ['2025-12', 1, 1, 0],
      ['2026-01', 2, 1, 1],
      ['2026-02', 2, 1, 1],
      ['2026-03', 3, 1, 2],
    ]);
    expect(summary.recentActivity).toEqual([
      {
        kind: 'interaction',
        id: expect.any(String),
        at: '2026-03-15T10:00:00.000Z',
        clientId: anna,
        clientName: 'Анна Орлова',
        title: 'Звонок',
        amountKopecks: null,
      },
      expect.objectContaining({
        kind: 'interaction',
        at: '2026-03-14T10:00:00.000Z',
        clientName: 'Борис Петров',
      }),
      expect.objectContaining({
        kind: 'payment',
        at: '2026-03-13T11:00:00.000Z',
        title: 'cash',
        amountKopecks: 990_000,
      }),
      expect.objectContaining({
        kind: 'purchase',
        at: '2026-03-13T10:00:00.000Z',
        title: null,
        amountKopecks: 990_000,
      }),
      expect.objectContaining({ kind: 'task', at: '2026-02-21T00:00:00.000Z', title: 'Встреча с Борисом' }),
      expect.objectContaining({ kind: 'task', at: '2026-02-20T00:00:00.000Z', title: 'Просрочено' }),
    ]);
    expect(summary.openTasks.items).toEqual([
      {
        id: expect.any(String),
        title: 'Просрочено',
        dueAt: '2026-03-01T00:00:00.000Z',
        clientId: anna,
        clientName: 'Анна Орлова',
        assigneeId: null,
      },
      expect.objectContaining({
        title: 'Встреча с Борисом',
        dueAt: '2026-03-20T00:00:00.000Z',
        assigneeId: managerId,
      }),
    ]);
  });

  it('draws as many months as asked, ending with the month of the request clock', async () => {
    const three = await viewer.trpc.dashboard.summary.query({ months: 3 });
    expect(three.growth.map((p) => [p.month, p.total])).toEqual([
      ['2026-01', 2],
      ['2026-02', 2],
      ['2026-03', 3],
    ]);
    expect((await viewer.trpc.dashboard.summary.query({ months: 36 })).growth).toHaveLength(36);
    clock.now = new Date('2026-04-01T00:00:00.000Z');
    try {
      const april = await owner.trpc.dashboard.summary.query({ months: 1 });
      expect(april.growth).toEqual([
        { month: '2026-04', total: 3, byStage: { ...zeroStages(), customer: 1, prospect: 2 } },
      ]);
      expect(april.openTasks.overdue).toBe(2);
    } finally {
      clock.now = new Date('2026-03-15T12:00:00.000Z');
    }
  });

  it('shows a manager who sees only own clients only their own numbers', async () => {
    await owner.trpc.workspace.updateSettings.mutate({ managersSeeOwnClientsOnly: true });
    try {
      const own = await manager.trpc.dashboard.summary.query({ months: 3 });
      expect(own).toMatchObject({
        total: 1,
        byStage: { ...zeroStages(), prospect: 1 },
        temperature: { cold: 1, warm: 0, hot: 0, unknown: 0 },
        bySource: [{ channel: 'web_form', count: 1 }],
        openTasks: { count: 1, overdue: 0 },
      });
      expect(own.growth.map((p) => p.total)).toEqual([1, 1, 1]);
      expect(own.recentActivity.map((a) => a.clientName)).toEqual(['Борис Петров', 'Борис Петров']);
      expect(JSON.stringify(own)).not.toContain('Анна');
      expect((await owner.trpc.dashboard.summary.query()).total).toBe(3);
    } finally {
      await owner.trpc.workspace.updateSettings.mutate({ managersSeeOwnClientsOnly: false });
    }
    expect((await manager.trpc.dashboard.summary.query()).total).toBe(3);
  });

  it('refuses months outside 1..36 naming the field', async () => {
    for (const months of [0, 37, 1.5]) {
      const error = await failure(owner.trpc.dashboard.summary.query({ months }), 'BAD_REQUEST');
      expect(error.issues?.map((i) => i.field)).toEqual(['months']);
    }
    const raw = await owner.raw(
      'GET',
      `/trpc/dashboard.summary?input=${encodeURIComponent('{"months":"12"}')}`,
    );
    expect(raw.status).toBe(400);
  });

  it('gives another workspace only its own, empty, numbers', async () => {
    const other = (await signUp(t.app)).caller;
    const summary = await other.trpc.dashboard.summary.query({ months: 2 });
    expect(summary).toMatchObject({
      total: 0,
      bySource: [],
      recentActivity: [],
      openTasks: { count: 0, items: [] },
    });
    expect(summary.growth.map((p) => p.total)).toEqual([0, 0]);
  });
});
