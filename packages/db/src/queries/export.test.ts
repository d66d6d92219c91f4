import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clients } from '../schema/index.ts';
import { openTestDatabase, seedWorkspace, type TestDatabase } from '../testing/index.ts';
import type { ClientSort } from './client-list.ts';
import type { MutationContext } from './context.ts';
import { type ExportClientRow, readExportPages, resolveExportSource } from './export.ts';
import { saveView } from './saved-views.ts';
import { addMembership, createUser } from './workspaces.ts';

let handle: TestDatabase;
let ctx: MutationContext;
let ownerId: string;

beforeAll(async () => {
  handle = await openTestDatabase();
  const seeded = await seedWorkspace(handle.db);
  ctx = seeded.ctx;
  ownerId = seeded.user.id;
  // Ties on every sort key, so the keyset has to fall back on the id.
  await handle.db.insert(clients).values(
    Array.from({ length: 25 }, (_, i) => ({
      workspaceId: ctx.workspaceId,
      kind: 'person' as const,
      displayName: `Клиент ${i % 3}`,
      matchKey: `klient ${i % 3}`,
      externalId: `E-${String(i).padStart(2, '0')}`,
      temperatureScore: i % 4 === 0 ? null : i % 5,
      createdAt: new Date(Date.UTC(2026, 0, 1 + (i % 4))),
      updatedAt: new Date(Date.UTC(2026, 1, 1, 0, 0, 0, i % 2)),
      birthday: i === 0 ? '1990-02-03' : null,
      ownerId: i < 5 ? ownerId : null,
    })),
  );
}, 120_000);

afterAll(async () => {
  await handle?.close();
});

async function readAll(sort: ClientSort, pageSize: number, onlyOwnerId?: string) {
  const pages: ExportClientRow[][] = [];
  for await (const page of readExportPages(
    handle.db,
    { workspaceId: ctx.workspaceId, onlyOwnerId },
    { filter: {}, sort, q: null },
    { pageSize },
  )) {
    pages.push(page);
  }
  return pages;
}

describe('readExportPages', () => {
  it.each([
    ['createdAt', 'asc'],
    ['createdAt', 'desc'],
    ['updatedAt', 'desc'],
    ['displayName', 'asc'],
    ['temperatureScore', 'desc'],
    ['temperatureScore', 'asc'],
  ] as const)('reads every client once, in order, page by page (%s %s)', async (field, direction) => {
    const sort = { field, direction };
    const [whole] = await readAll(sort, 1000);
    const pages = await readAll(sort, 4);
    expect(pages.map((p) => p.length)).toEqual([4, 4, 4, 4, 4, 4, 1]);
    expect(pages.flat().map((r) => r.id)).toEqual(whole!.map((r) => r.id));
    expect(new Set(whole!.map((r) => r.externalId)).size).toBe(25);
  });

  it('formats dates, keeps lists as arrays, and respects the owner scope', async () => {
    const [rows] = await readAll({ field: 'createdAt', direction: 'asc' }, 100, ownerId);
    expect(rows).toHaveLength(5);
    const first = rows!.find((r) => r.externalId === 'E-00')!;
    expect(first).toMatchObject({
      birthday: '1990-02-03',
      createdAt: '2026-01-01 00:00',
      updatedAt: '2026-02-01 00:00',
      phones: [],
      emails: [],
      tags: [],
      custom: {},
      temperatureScore: null,
    });
  });
});

describe('resolveExportSource', () => {
  it('finds own and shared views for a member, any view for the operator, none of another workspace', async () => {
    const colleague = await createUser(handle.db, {
      email: `colleague-${ctx.workspaceId}@example.com`,
      name: 'C',
    });
    await addMembership(handle.db, { workspaceId: ctx.workspaceId, userId: colleague.id, role: 'viewer' });
    const colleagueCtx: MutationContext = {
      workspaceId: ctx.workspaceId,
      actor: { kind: 'user', id: colleague.id },
    };
    const owner = { workspaceId: ctx.workspaceId, userId: colleague.id };
    const save = async (name: string, shared: boolean) => {
      const saved = await saveView(handle.db, colleagueCtx, owner, {
        name,
        shared,
        state: {
          q: ' Иван ',
          filter: { tags: ['vip'] },
          sort: { field: 'nope', direction: 'asc' },
          columns: ['name'],
        },
      });
      if (!saved.ok) throw new Error('not saved');
      return saved.value.id;
    };
    const privateView = await save('Мой', false);
    const sharedView = await save('Общий', true);
    const me = { workspaceId: ctx.workspaceId, userId: ownerId };
    expect(await resolveExportSource(handle.db, me, { kind: 'view', viewId: privateView })).toEqual({
      ok: false,
      error: { code: 'not_found', entity: 'view', id: privateView },
    });
    expect(await resolveExportSource(handle.db, me, { kind: 'view', viewId: sharedView })).toEqual({
      ok: true,
      value: {
        filter: { tags: ['vip'] },
        // A sort the list no longer knows falls back to the default.
        sort: { field: 'createdAt', direction: 'desc' },
        q: 'Иван',
        viewColumns: ['name'],
        name: 'Общий',
      },
    });
    const operator = { workspaceId: ctx.workspaceId };
    expect((await resolveExportSource(handle.db, operator, { kind: 'view', viewId: privateView })).ok).toBe(
      true,
    );
    const other = await seedWorkspace(handle.db);
    const elsewhere = { workspaceId: other.workspace.id };
    expect((await resolveExportSource(handle.db, elsewhere, { kind: 'view', viewId: sharedView })).ok).toBe(
      false,
    );
  });
});
