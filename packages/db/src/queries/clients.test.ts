import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../schema/audit-log.ts';
import { batches } from '../schema/batches.ts';
import { outbox } from '../schema/outbox.ts';
import { openTestDatabase, seedWorkspace, type TestDatabase } from '../testing/index.ts';
import { listAudit } from './audit.ts';
import { listClients } from './client-list.ts';
import { archiveClient, type ClientWrite, createClient, getClient, updateClient } from './clients.ts';
import type { MutationContext } from './context.ts';

let handle: TestDatabase;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(async () => {
  await handle?.close();
});

function person(lastName: string, firstName: string, extra: Partial<ClientWrite> = {}): ClientWrite {
  return {
    kind: 'person',
    lastName,
    firstName,
    displayName: `${lastName} ${firstName}`,
    matchKey: `${lastName} ${firstName}`.toLowerCase(),
    ...extra,
  };
}

function unwrap<T>(result: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value;
}

describe('createClient', () => {
  it('stores the client with its contacts, an audit row and a recompute request in one go', async () => {
    const { ctx } = await seedWorkspace(handle.db);
    const client = unwrap(
      await createClient(
        handle.db,
        ctx,
        person('Иванов', 'Иван', {
          city: 'Москва',
          tags: ['vip'],
          phones: [
            { e164: '+79161234567', raw: '8 (916) 123-45-67', type: 'mobile', verifiedAt: null },
            { e164: '+74951234567', raw: '+7 495 123-45-67', type: 'work', verifiedAt: null },
          ],
          emails: [{ address: 'ivan@example.ru', type: 'work', verifiedAt: null }],
          source: { channel: 'walk_in' },
        }),
      ),
    );
    expect(client.phones.map((p) => p.e164)).toEqual(['+79161234567', '+74951234567']);
    expect(client.emails.map((e) => e.address)).toEqual(['ivan@example.ru']);
    expect(client.ownerId).toBe(ctx.actor.id);
    expect(client.stage).toBe('prospect');
    const audit = await handle.db.select().from(auditLog).where(eq(auditLog.entityId, client.id));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'client.create',
      actorId: ctx.actor.id,
      requestId: ctx.requestId,
    });
    const queued = await handle.db.select().from(outbox).where(eq(outbox.workspaceId, ctx.workspaceId));
    expect(queued.map((q) => [q.topic, q.payload]).sort()).toEqual([
      ['client.recompute', { clientId: client.id }],
      ['duplicates.check', { clientIds: [client.id] }],
    ]);
  });

  it('refuses a phone that another client holds when the workspace forbids it, writing nothing', async () => {
    const { ctx } = await seedWorkspace(handle.db, { settings: { uniquePhones: true } });
    const phone = { e164: '+79160000001', raw: '89160000001', type: 'mobile' as const, verifiedAt: null };
    const first = unwrap(await createClient(handle.db, ctx, person('Петров', 'Пётр', { phones: [phone] })));
    const second = await createClient(handle.db, ctx, person('Сидоров', 'Сидор', { phones: [phone] }));
    expect(second).toEqual({
      ok: false,
      error: expect.objectContaining({
        code: 'conflict',
        field: 'phones.0.number',
        other: { entity: 'client', id: first.id, name: 'Петров Пётр' },
      }),
    });
    const { items } = unwrap(await listClients(handle.db, { workspaceId: ctx.workspaceId }));
    expect(items.map((i) => i.id)).toEqual([first.id]);
  });

  it('rejects a batch of another workspace as not found', async () => {
    const a = await seedWorkspace(handle.db);
    const b = await seedWorkspace(handle.db);
    const foreignBatch = await handle.db
      .insert(batches)
      .values({ workspaceId: b.workspace.id, kind: 'purchased_list', name: 'List' })
      .returning();
    const result = await createClient(
      handle.db,
      a.ctx,
      person('Кузнецов', 'Олег', { source: { channel: 'purchased_list', batchId: foreignBatch[0]!.id } }),
    );
    expect(result).toEqual({
      ok: false,
      error: { code: 'not_found', entity: 'batch', id: foreignBatch[0]!.id },
    });
  });
});

describe('updateClient', () => {
  it('changes fields, replaces contacts, bumps the version and audits before and after', async () => {
    const { ctx } = await seedWorkspace(handle.db);
    const created = unwrap(
      await createClient(
        handle.db,
        ctx,
        person('Смирнова', 'Анна', {
          phones: [{ e164: '+79161111111', raw: '+79161111111', type: 'mobile', verifiedAt: null }],
        }),
      ),
    );
    const updated = unwrap(
      await updateClient(
        handle.db,
        ctx,
        created.id,
        {
          city: 'Казань',
          phones: [{ e164: '+79162222222', raw: '8 916 222 22 22', type: 'mobile', verifiedAt: null }],
        },
        1,
      ),
    );
    expect(updated.city).toBe('Казань');
    expect(updated.version).toBe(2);
    expect(updated.phones.map((p) => p.e164)).toEqual(['+79162222222']);
    const { items } = await listAudit(handle.db, {
      workspaceId: ctx.workspaceId,
      entity: 'client',
      entityId: created.id,
    });
    const update = items.find((i) => i.action === 'client.update');
    expect(update?.before).toMatchObject({ city: null, phones: [{ e164: '+79161111111' }] });
    expect(update?.after).toMatchObject({ city: 'Казань', phones: [{ e164: '+79162222222' }] });
  });

  it('refuses a stale version and a client of another workspace', async () => {
    const { ctx } = await seedWorkspace(handle.db);
    const other = await seedWorkspace(handle.db);
    const created = unwrap(await createClient(handle.db, ctx, person('Орлов', 'Илья')));
    const stale = await updateClient(handle.db, ctx, created.id, { city: 'Тверь' }, 7);
    expect(stale).toMatchObject({ ok: false, error: { code: 'stale' } });
    const foreign = await updateClient(handle.db, other.ctx, created.id, { city: 'Тверь' });
    expect(foreign).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect((await getClient(handle.db, { workspaceId: ctx.workspaceId }, created.id))?.city).toBeNull();
  });

  it('limits a manager to own clients when scoped', async () => {
    const { ctx, user } = await seedWorkspace(handle.db);
    const created = unwrap(await createClient(handle.db, ctx, person('Белов', 'Олег', { ownerId: null })));
    expect(created.ownerId).toBeNull();
    const managerCtx: MutationContext = { ...ctx, onlyOwnerId: user.id };
    expect(await updateClient(handle.db, managerCtx, created.id, { city: 'Омск' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });
});

describe('archiveClient', () => {
  it('archives, hides from lists by default, and restores', async () => {
    const { ctx } = await seedWorkspace(handle.db);
    const created = unwrap(await createClient(handle.db, ctx, person('Зайцев', 'Лев')));
    const archived = unwrap(await archiveClient(handle.db, ctx, created.id));
    expect(archived.stage).toBe('archived');
    expect(archived.archivedAt).toBeInstanceOf(Date);
    const visible = unwrap(await listClients(handle.db, { workspaceId: ctx.workspaceId }));
    expect(visible.items).toHaveLength(0);
    const withArchived = unwrap(
      await listClients(handle.db, { workspaceId: ctx.workspaceId }, { filter: { stage: ['archived'] } }),
    );
    expect(withArchived.items.map((i) => i.id)).toEqual([created.id]);
    const restored = unwrap(await archiveClient(handle.db, ctx, created.id, false));
    expect(restored).toMatchObject({ stage: 'prospect', archivedAt: null });
  });
});
