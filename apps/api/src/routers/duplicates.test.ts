import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DUPLICATES_CSV_HEADER } from '../http/duplicates.ts';
import { addMember, type Caller, failure, openTestApp, signUp, type TestApp } from '../testing/harness.ts';

let t: TestApp;
let owner: Caller;
let viewer: Caller;
let outsider: Caller;
beforeAll(async () => {
  t = await openTestApp();
  ({ caller: owner } = await signUp(t.app, { workspaceName: 'Дубли' }));
  viewer = (await addMember(t.app, owner, 'viewer')).caller;
  ({ caller: outsider } = await signUp(t.app, { workspaceName: 'Чужие' }));
});
afterAll(async () => {
  await t?.close();
});

async function person(caller: Caller, input: Record<string, unknown>) {
  return caller.trpc.clients.create.mutate({ kind: 'person', ...input } as Parameters<
    typeof caller.trpc.clients.create.mutate
  >[0]);
}

async function csvOf(caller: Caller) {
  const res = await caller.fetch('http://test.local/api/duplicates.csv');
  const bytes = new Uint8Array(await res.arrayBuffer());
  // Kept with `ignoreBOM`, so the test sees the byte-order mark Excel needs.
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes),
  };
}

describe('duplicates API', () => {
  it('scans, lists pairs explained in the reader’s language, merges, unmerges and dismisses', async () => {
    const ru = await person(owner, {
      lastName: 'Фёдоров',
      firstName: 'Дмитрий',
      phones: [{ number: '8 (916) 123-45-67' }],
      externalId: '=HYPERLINK("http://evil")',
    });
    const en = await person(owner, {
      lastName: 'Fedorov',
      firstName: 'Dmitry',
      phones: [{ number: '+7 916 1234567' }],
      externalId: '1C-7',
    });
    const other = await person(owner, {
      lastName: 'Кузнецова',
      firstName: 'Ольга',
      phones: [{ number: '+79035550000' }],
    });

    expect(await owner.trpc.duplicates.scan.mutate({})).toEqual({
      status: 'done',
      clientsScanned: 3,
      pairs: 1,
    });

    const listed = await viewer.trpc.duplicates.list.query({ locale: 'en' });
    expect(listed.items).toHaveLength(1);
    const [pair] = listed.items;
    expect(new Set([pair!.a.id, pair!.b.id])).toEqual(new Set([ru.id, en.id]));
    expect(pair).toMatchObject({
      decision: 'duplicate',
      status: 'open',
      clusterId: [ru.id, en.id].sort()[0],
    });
    expect(pair!.score).toBeGreaterThan(0.95);
    expect(pair!.explanation[0]).toMatch(/^Duplicate: probability \d+%$/);
    expect(pair!.explanation.some((line) => line.startsWith('Phone matches'))).toBe(true);
    expect([pair!.a.externalId, pair!.b.externalId].sort()).toEqual(['1C-7', '=HYPERLINK("http://evil")']);
    const inRussian = await owner.trpc.duplicates.list.query({});
    expect(inRussian.items[0]!.explanation[0]).toMatch(/^Дубликат: вероятность/);
    expect((await owner.trpc.duplicates.list.query({ minScore: 0.999999 })).items).toEqual([]);

    const csv = await csvOf(viewer);
    expect(csv.status).toBe(200);
    expect(csv.type).toBe('text/csv; charset=utf-8');
    expect(csv.text.startsWith('\uFEFF')).toBe(true);
    const lines = csv.text.slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe(DUPLICATES_CSV_HEADER.join(','));
    expect(lines).toHaveLength(2);
    // The formula-looking external id is kept as text: an apostrophe in front, quotes doubled.
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(lines[1]).toContain('1C-7');
    expect(lines[1]).toMatch(/,duplicate,open$/);

    const stale = await failure(
      owner.trpc.duplicates.merge.mutate({
        survivorId: ru.id,
        mergedId: en.id,
        expectedVersions: { survivor: ru.version, merged: en.version + 5 },
      }),
      'CONFLICT',
    );
    expect(stale.message).toContain('changed by someone else');
    const merged = await owner.trpc.duplicates.merge.mutate({
      survivorId: ru.id,
      mergedId: en.id,
      expectedVersions: { survivor: ru.version, merged: en.version },
      pick: { externalId: 'merged' },
    });
    expect(merged.survivor).toMatchObject({ id: ru.id, externalId: '1C-7' });
    const clients = await owner.trpc.clients.list.query({});
    expect(clients.items.map((c) => c.id).sort()).toEqual([ru.id, other.id].sort());
    const history = await viewer.trpc.duplicates.merges.query({});
    expect(history.items.map((m) => [m.id, m.survivor.id, m.merged.id])).toEqual([
      [merged.mergeId, ru.id, en.id],
    ]);
    expect((await owner.trpc.duplicates.list.query({ status: 'merged' })).items).toHaveLength(1);

    expect(await owner.trpc.duplicates.unmerge.mutate({ mergeId: merged.mergeId })).toEqual({
      survivorId: ru.id,
      restoredId: en.id,
    });
    const restored = await owner.trpc.clients.get.query({ id: en.id });
    expect(restored).toMatchObject({ externalId: '1C-7', archivedAt: null });
    expect((await owner.trpc.clients.get.query({ id: ru.id })).externalId).toBe('=HYPERLINK("http://evil")');

    expect(await owner.trpc.duplicates.dismiss.mutate({ a: en.id, b: ru.id })).toEqual({ ok: true });
    expect((await owner.trpc.duplicates.list.query({})).items).toEqual([]);
    await owner.trpc.duplicates.scan.mutate({});
    const dismissed = await owner.trpc.duplicates.list.query({ status: 'dismissed' });
    expect(dismissed.items.map((i) => i.status)).toEqual(['dismissed']);
  });

  it('keeps each workspace’s pairs to itself and lets viewers only read', async () => {
    const a = await person(owner, {
      lastName: 'Секретов',
      firstName: 'Павел',
      phones: [{ number: '+79267770011' }],
    });
    const b = await person(owner, {
      lastName: 'Sekretov',
      firstName: 'Pavel',
      phones: [{ number: '+79267770011' }],
    });
    await owner.trpc.duplicates.scan.mutate({});
    expect((await outsider.trpc.duplicates.list.query({})).items).toEqual([]);
    const outsiderCsv = await csvOf(outsider);
    expect(outsiderCsv.text).not.toContain('Секретов');
    expect(outsiderCsv.text.slice(1).trimEnd().split('\r\n')).toHaveLength(1);
    await failure(
      outsider.trpc.duplicates.merge.mutate({
        survivorId: a.id,
        mergedId: b.id,
        expectedVersions: { survivor: a.version, merged: b.version },
      }),
      'NOT_FOUND',
    );
    await failure(outsider.trpc.duplicates.dismiss.mutate({ a: a.id, b: b.id }), 'NOT_FOUND');
    await failure(viewer.trpc.duplicates.scan.mutate({}), 'FORBIDDEN');
    await failure(viewer.trpc.duplicates.dismiss.mutate({ a: a.id, b: b.id }), 'FORBIDDEN');
    const anonymous = await t.app.request('http://test.local/api/duplicates.csv');
    expect(anonymous.status).toBe(401);
  });

  it('names the field of bad input, never a 500', async () => {
    const badCursor = await failure(
      owner.trpc.duplicates.list.query({ cursor: 'not-a-cursor' }),
      'BAD_REQUEST',
    );
    expect(badCursor.issues?.map((i) => i.field)).toEqual(['cursor']);
    const res = await owner.raw(
      'POST',
      '/trpc/duplicates.merge',
      JSON.stringify({ survivorId: 'x', mergedId: 'y', expectedVersions: { survivor: 0 } }),
    );
    expect(res.status).toBe(400);
    expect(res.text).not.toMatch(/at .*\.ts:\d+/);
    const same = await person(owner, { lastName: 'Один', firstName: 'Единственный' });
    const self = await failure(
      owner.trpc.duplicates.merge.mutate({
        survivorId: same.id,
        mergedId: same.id,
        expectedVersions: { survivor: 1, merged: 1 },
      }),
      'CONFLICT',
    );
    expect(self.message).toContain('itself');
    const csvParam = await owner.fetch('http://test.local/api/duplicates.csv?evil=1');
    expect(csvParam.status).toBe(400);
    // Paging is the server's own business: a page size given is refused, not silently ignored.
    const pageSize = await owner.fetch('http://test.local/api/duplicates.csv?pageSize=5');
    expect(pageSize.status).toBe(400);
  });
});
