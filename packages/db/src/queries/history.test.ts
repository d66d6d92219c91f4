import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, seedWorkspace, type TestDatabase } from '../testing/index.ts';
import { createClient } from './clients.ts';
import type { MutationContext } from './context.ts';
import { loadClientFacts } from './facts.ts';
import {
  addInteraction,
  addPayment,
  addPurchase,
  addTask,
  completeTask,
  listInteractions,
  listPurchases,
  listTasks,
  recordConsent,
} from './history.ts';
import { clientTimeline, type TimelineEntry } from './timeline.ts';

let handle: TestDatabase;
let ctx: MutationContext;
let foreign: MutationContext;
let clientId: string;

const at = (iso: string) => new Date(iso);

beforeAll(async () => {
  handle = await openTestDatabase();
  ({ ctx } = await seedWorkspace(handle.db));
  ({ ctx: foreign } = await seedWorkspace(handle.db));
  const created = await createClient(handle.db, ctx, {
    kind: 'person',
    lastName: 'Орлова',
    firstName: 'Вера',
    displayName: 'Орлова Вера',
    matchKey: 'orlova vera',
    tags: ['vip'],
  });
  if (!created.ok) throw new Error('seed failed');
  clientId = created.value.id;
});
afterAll(async () => {
  await handle?.close();
});

describe('history of a client', () => {
  it('adds interactions, purchases, payments, consents and tasks, and shows them on one timeline', async () => {
    const call = await addInteraction(handle.db, ctx, {
      clientId,
      kind: 'call',
      at: at('2026-03-01T10:00:00Z'),
      summary: 'Позвонила',
    });
    const purchase = await addPurchase(handle.db, ctx, {
      clientId,
      at: at('2026-03-02T10:00:00Z'),
      amountKopecks: 1_250_000,
    });
    expect(purchase.ok && purchase.value.currency).toBe('RUB');
    const payment = await addPayment(handle.db, ctx, {
      clientId,
      purchaseId: purchase.ok ? purchase.value.id : null,
      at: at('2026-03-03T10:00:00Z'),
      amountKopecks: 1_250_000,
      method: 'card',
    });
    const consent = await recordConsent(handle.db, ctx, {
      clientId,
      channel: 'sms',
      purpose: 'marketing',
      granted: true,
      at: at('2026-03-04T10:00:00Z'),
      proof: { kind: 'signed_paper', documentRef: 'Анкета №12' },
    });
    const task = await addTask(handle.db, ctx, {
      clientId,
      title: 'Перезвонить',
      dueAt: at('2026-03-10T10:00:00Z'),
    });
    for (const r of [call, purchase, payment, consent, task]) expect(r.ok).toBe(true);

    const types: TimelineEntry['type'][] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 10; i++) {
      const page = await clientTimeline(
        handle.db,
        { workspaceId: ctx.workspaceId },
        { clientId, cursor, limit: 2 },
      );
      expect(page).not.toBeNull();
      types.push(...page!.items.map((e) => e.type));
      cursor = page!.nextCursor;
      if (!cursor) break;
    }
    // The task stands at its creation time (now), after all the dated March events.
    expect(types).toEqual(['task', 'consent', 'payment', 'purchase', 'interaction']);

    const interactions = await listInteractions(handle.db, { workspaceId: ctx.workspaceId }, clientId);
    expect(interactions.map((i) => [i.kind, i.direction])).toEqual([['call', 'outbound']]);
    const purchases = await listPurchases(handle.db, { workspaceId: ctx.workspaceId }, clientId);
    expect(purchases.map((p) => p.amountKopecks)).toEqual([1_250_000]);
  });

  it('completes a task once and lists open ones first', async () => {
    const task = await addTask(handle.db, ctx, { clientId, title: 'Отправить КП' });
    if (!task.ok) throw new Error('task');
    const done = await completeTask(handle.db, ctx, task.value.id, at('2026-04-01T00:00:00Z'));
    expect(done.ok && done.value.doneAt?.toISOString()).toBe('2026-04-01T00:00:00.000Z');
    const again = await completeTask(handle.db, ctx, task.value.id, at('2026-05-01T00:00:00Z'));
    expect(again.ok && again.value.doneAt?.toISOString()).toBe('2026-04-01T00:00:00.000Z');
    const open = await listTasks(handle.db, { workspaceId: ctx.workspaceId }, { open: true });
    expect(open.every((t) => t.doneAt === null)).toBe(true);
  });

  it.each([
    [
      'interaction',
      () => addInteraction(handle.db, foreign, { clientId, kind: 'note', at: at('2026-01-01T00:00:00Z') }),
    ],
    [
      'purchase',
      () => addPurchase(handle.db, foreign, { clientId, at: at('2026-01-01T00:00:00Z'), amountKopecks: 100 }),
    ],
    [
      'payment',
      () => addPayment(handle.db, foreign, { clientId, at: at('2026-01-01T00:00:00Z'), amountKopecks: 100 }),
    ],
    ['task', () => addTask(handle.db, foreign, { clientId, title: 'x' })],
  ])('refuses a %s on a client of another workspace', async (_name, act) => {
    expect(await act()).toMatchObject({ ok: false, error: { code: 'not_found', entity: 'client' } });
  });

  it('refuses a payment against a purchase of another client', async () => {
    const other = await createClient(handle.db, ctx, {
      kind: 'company',
      legalName: 'ООО Ромашка',
      displayName: 'ООО Ромашка',
      matchKey: 'romashka',
    });
    if (!other.ok) throw new Error('seed');
    const purchase = await addPurchase(handle.db, ctx, {
      clientId: other.value.id,
      at: at('2026-01-01T00:00:00Z'),
      amountKopecks: 100,
    });
    if (!purchase.ok) throw new Error('seed');
    const payment = await addPayment(handle.db, ctx, {
      clientId,
      purchaseId: purchase.value.id,
      at: at('2026-01-02T00:00:00Z'),
      amountKopecks: 100,
    });
    expect(payment).toMatchObject({ ok: false, error: { code: 'not_found', entity: 'purchase' } });
  });

  it('loads the facts the policies read', async () => {
    const facts = (await loadClientFacts(handle.db, ctx.workspaceId, [clientId])).get(clientId)!;
    expect(facts.tags).toEqual(['vip']);
    expect(facts.purchases).toEqual([{ at: at('2026-03-02T10:00:00Z'), amountKopecks: 1_250_000 }]);
    expect(facts.interactions).toEqual([
      { at: at('2026-03-01T10:00:00Z'), kind: 'call', direction: 'outbound' },
    ]);
    expect(facts.consents).toEqual([
      { channel: 'sms', purpose: 'marketing', granted: true, at: at('2026-03-04T10:00:00Z') },
    ]);
    expect(facts.tasks.length).toBeGreaterThanOrEqual(2);
    expect(await loadClientFacts(handle.db, foreign.workspaceId, [clientId])).toEqual(new Map());
  });
});
