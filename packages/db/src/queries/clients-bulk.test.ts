import { randomUUID } from 'node:crypto';
import { TAGS_MAX } from '@cb/domain';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, clients, outbox, segmentMembers } from '../schema/index.ts';
import { openTestDatabase, seedWorkspace, type TestDatabase } from '../testing/index.ts';
import { bulkUpdateClients } from './clients-bulk.ts';
import type { MutationContext } from './context.ts';
import { createList } from './lists.ts';
import { RECOMPUTE_CLIENT } from './outbox.ts';
import { addMembership, createUser } from './workspaces.ts';

let handle: TestDatabase;
const NOW = new Date('2026-04-01T09:00:00.000Z');

beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(async () => {
  await handle?.close();
});

/** Clients inserted directly (one statement), with the given tags and owner. */
async function seedClients(
  workspaceId: string,
  count: number,
  make: (i: number) => { tags?: string[]; ownerId?: string | null } = () => ({}),
) {
  const rows = await handle.db
    .insert(clients)
    .values(
      Array.from({ length: count }, (_, i) => ({
        workspaceId,
        kind: 'person' as const,
        displayName: `Клиент ${String(i).padStart(4, '0')}`,
        matchKey: `klient ${String(i).padStart(4, '0')}`,
        tags: make(i).tags ?? [],
        ownerId: make(i).ownerId ?? null,
      })),
    )
    .returning({ id: clients.id });
  return rows.map((r) => r.id);
}

async function stored(ids: string[]) {
  return handle.db
    .select({
      id: clients.id,
      tags: clients.tags,
      ownerId: clients.ownerId,
      version: clients.version,
      stage: clients.stage,
      archivedAt: clients.archivedAt,
    })
    .from(clients)
    .where(inArray(clients.id, ids))
    .orderBy(asc(clients.displayName));
}

async function auditOf(ctx: MutationContext) {
  return handle.db
    .select()
    .from(auditLog)
    .where(eq(auditLog.workspaceId, ctx.workspaceId))
    .orderBy(asc(auditLog.id));
}

async function recomputeRequests(ctx: MutationContext) {
  const rows = await handle.db
    .select({ payload: outbox.payload })
    .from(outbox)
    .where(and(eq(outbox.workspaceId, ctx.workspaceId), eq(outbox.topic, RECOMPUTE_CLIENT)));
  return rows.map((r) => String(r.payload.clientId)).sort();
}

describe('bulkUpdateClients', () => {
  it('adds a tag to the clients that lack it, with a version bump, audit rows and recompute requests', async () => {
    const { ctx } = await seedWorkspace(handle.db);
    const { ctx: other } = await seedWorkspace(handle.db);
    const ids = await seedClients(ctx.workspaceId, 4, (i) => ({ tags: i === 1 ? ['old', 'vip'] : ['old'] }));
    const [foreign] = await seedClients(other.workspaceId, 1);
    const result = await bulkUpdateClients(handle.db, ctx, {
      ids: [...ids.slice(0, 3), foreign!, randomUUID(), ids[0]!],
      action: { type: 'addTag', tag: 'vip' },
      now: NOW,
    });
    expect(result).toEqual({ ok: true, value: { affected: 2 } });
    const rows = await stored(ids);
    expect(rows.map((r) => [r.tags, r.version])).toEqual([
      [['old', 'vip'], 2],
      [['old', 'vip'], 1],
      [['old', 'vip'], 2],
      [['old'], 1],
    ]);
    expect((await stored([foreign!]))[0]).toMatchObject({ tags: [], version: 1 });
    const audit = await auditOf(ctx);
    expect(audit.map((a) => [a.action, a.entity, a.entityId, a.before, a.after])).toEqual(
      [ids[0]!, ids[2]!]
        .sort()
        .map((id) => ['client.update', 'client', id, { tags: ['old'] }, { tags: ['old', 'vip'] }]),
    );
    expect(audit.every((a) => a.actorId === ctx.actor.id && a.requestId === ctx.requestId)).toBe(true);
    expect(await recomputeRequests(ctx)).toEqual([ids[0]!, ids[2]!].sort());
    expect(await auditOf(other)).toEqual([]);
  });

  it('removes a tag, sets or clears the owner and archives, touching only what changes', async () => {
    const { ctx, user } = await seedWorkspace(handle.db);
    const ids = await seedClients(ctx.workspaceId, 3, (i) => ({
      tags: i === 0 ? ['a', 'vip', 'b'] : ['a'],
      ownerId: i === 2 ? user.id : null,
    }));
    const removed = await bulkUpdateClients(handle.db, ctx, {
      ids,
      action: { type: 'removeTag', tag: 'vip' },
      now: NOW,
    });
    expect(removed).toEqual({ ok: true, value: { affected: 1 } });
    const owned = await bulkUpdateClients(handle.db, ctx, {
      ids,
      action: { type: 'setOwner', ownerId: user.id },
      now: NOW,
    });
    expect(owned).toEqual({ ok: true, value: { affected: 2 } });
    const cleared = await bulkUpdateClients(handle.db, ctx, {
      ids: ids.slice(0, 1),
      action: { type: 'setOwner', ownerId: null },
      now: NOW,
    });
    expect(cleared).toEqual({ ok: true, value: { affected: 1 } });
    const archived = await bulkUpdateClients(handle.db, ctx, { ids, action: { type: 'archive' }, now: NOW });
    expect(archived).toEqual({ ok: true, value: { affected: 3 } });
    const again = await bulkUpdateClients(handle.db, ctx, { ids, action: { type: 'archive' }, now: NOW });
    expect(again).toEqual({ ok: true, value: { affected: 0 } });
    const rows = await stored(ids);
    expect(rows.map((r) => [r.tags, r.ownerId, r.stage, r.version])).toEqual([
      [['a', 'b'], null, 'archived', 5],
      [['a'], user.id, 'archived', 3],
      [['a'], user.id, 'archived', 2],
    ]);
    expect(rows.every((r) => r.archivedAt instanceof Date)).toBe(true);
    const audit = await auditOf(ctx);
    expect(audit.map((a) => a.action)).toEqual([
      'client.update',
      'client.update',
      'client.update',
      'client.update',
      'client.archive',
      'client.archive',
      'client.archive',
    ]);
    expect(audit[0]).toMatchObject({ before: { tags: ['a', 'vip', 'b'] }, after: { tags: ['a', 'b'] } });
    expect(audit[3]).toMatchObject({
      entityId: ids[0],
      before: { ownerId: user.id },
      after: { ownerId: null },
    });
    expect(audit[4]).toMatchObject({ before: { archivedAt: null, stage: 'prospect' } });
    expect((audit[4]!.after as { stage: string }).stage).toBe('archived');
  });

  it('touches only the clients of the restricted owner', async () => {
    const { ctx, user } = await seedWorkspace(handle.db);
    const colleague = await createUser(handle.db, {
      email: `colleague-${randomUUID()}@example.com`,
      name: 'Коллега',
    });
    await addMembership(handle.db, { workspaceId: ctx.workspaceId, userId: colleague.id, role: 'manager' });
    const ids = await seedClients(ctx.workspaceId, 4, (i) => ({ ownerId: i < 2 ? colleague.id : user.id }));
    const restricted: MutationContext = { ...ctx, onlyOwnerId: colleague.id };
    const result = await bulkUpdateClients(handle.db, restricted, {
      ids,
      action: { type: 'addTag', tag: 'mine' },
      now: NOW,
    });
    expect(result).toEqual({ ok: true, value: { affected: 2 } });
    expect((await stored(ids)).map((r) => r.tags)).toEqual([['mine'], ['mine'], [], []]);
  });

  it('refuses to add a tag past the limit, and writes nothing', async () => {
    const { ctx } = await seedWorkspace(handle.db);
    const full = Array.from({ length: TAGS_MAX }, (_, i) => `t${i}`);
    const ids = await seedClients(ctx.workspaceId, 3, (i) => ({ tags: i === 2 ? full : [] }));
    const result = await bulkUpdateClients(handle.db, ctx, {
      ids,
      action: { type: 'addTag', tag: 'one more' },
      now: NOW,
    });
    expect(result).toEqual({ ok: false, error: { code: 'tags_full', clientIds: [ids[2]] } });
    expect((await stored(ids)).map((r) => [r.tags.length, r.version])).toEqual([
      [0, 1],
      [0, 1],
      [TAGS_MAX, 1],
    ]);
    expect(await auditOf(ctx)).toEqual([]);
    expect(await recomputeRequests(ctx)).toEqual([]);
  });

  it('adds to a static list through the list, and refuses a rule segment or a list elsewhere', async () => {
    const { ctx } = await seedWorkspace(handle.db);
    const { ctx: other } = await seedWorkspace(handle.db);
    const ids = await seedClients(ctx.workspaceId, 3);
    const list = await createList(handle.db, ctx, { name: 'Звонить' });
    const elsewhere = await createList(handle.db, other, { name: 'Чужой' });
    const added = await bulkUpdateClients(handle.db, ctx, {
      ids,
      action: { type: 'addToList', listId: list.id },
      now: NOW,
    });
    expect(added).toEqual({ ok: true, value: { affected: 3 } });
    const members = await handle.db
      .select({ clientId: segmentMembers.clientId, enteredAt: segmentMembers.enteredAt })
      .from(segmentMembers)
      .where(eq(segmentMembers.segmentId, list.id));
    expect(members.map((m) => m.clientId).sort()).toEqual([...ids].sort());
    expect(members.every((m) => m.enteredAt.getTime() === NOW.getTime())).toBe(true);
    // Membership is the list's: the clients keep their versions.
    expect((await stored(ids)).map((r) => r.version)).toEqual([1, 1, 1]);
    const missing = await bulkUpdateClients(handle.db, ctx, {
      ids,
      action: { type: 'addToList', listId: elsewhere.id },
      now: NOW,
    });
    expect(missing).toEqual({ ok: false, error: { code: 'not_found', entity: 'list', id: elsewhere.id } });
  });

  it('changes a thousand clients in a few statements', async () => {
    const { ctx } = await seedWorkspace(handle.db);
    const ids = await seedClients(ctx.workspaceId, 1000);
    let statements = 0;
    const started = performance.now();
    const result = await bulkUpdateClients(
      countingStatements(handle.db, () => statements++),
      ctx,
      {
        ids,
        action: { type: 'addTag', tag: 'акция' },
        now: NOW,
      },
    );
    const ms = performance.now() - started;
    expect(result).toEqual({ ok: true, value: { affected: 1000 } });
    // The locking read, the update, the audit rows, the recompute requests.
    expect(statements).toBe(4);
    expect(ms).toBeLessThan(30_000);
    expect((await auditOf(ctx)).length).toBe(1000);
    expect((await recomputeRequests(ctx)).length).toBe(1000);
  });
});

/**
 * The executor, counting the statements sent through it (and through the transactions it opens):
 * each `select`, `insert`, `update`, `delete` or `execute` is one statement.
 */
function countingStatements<T extends object>(db: T, count: () => void): T {
  const statements = new Set<PropertyKey>(['select', 'insert', 'update', 'delete', 'execute']);
  return new Proxy(db, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop);
      if (typeof value !== 'function') return value;
      if (prop === 'transaction') {
        return (run: (tx: object) => unknown, ...rest: unknown[]) =>
          value.call(target, (tx: object) => run(countingStatements(tx, count)), ...rest);
      }
      if (statements.has(prop)) {
        return (...args: unknown[]) => {
          count();
          return value.apply(target, args);
        };
      }
      return value.bind(target);
    },
  });
}
