import type { Role } from '@cb/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, type Caller, openTestApp, signUp, type TestApp } from '../testing/harness.ts';
import type { ProcedureMeta } from '../trpc/init.ts';
import { appRouter } from './index.ts';

/*
 * Every procedure of the router, called by a member of another workspace and by a viewer: the
 * outsider gets FORBIDDEN or NOT_FOUND for anything of workspace A, and never a byte of A's data;
 * the viewer gets FORBIDDEN for everything that needs more than reading. The list of procedures
 * comes from the router, so a new procedure without an entry here fails the first test.
 */

type Procedure = { _def: { type: 'query' | 'mutation' | 'subscription'; meta?: ProcedureMeta } };
const procedures = appRouter._def.procedures as unknown as Record<string, Procedure>;

let t: TestApp;
let ownerA: Caller;
let viewerA: Caller;
let outsider: Caller;
type Ids = {
  workspace: string;
  owner: string;
  client: string;
  segment: string;
  task: string;
  purchase: string;
  token: string;
  list: string;
  view: string;
  import: string;
};
let a: Ids;
const SECRET_NAME = 'Секретова';
let markers: string[];

const now = () => new Date().toISOString();
/** One call per procedure, aimed at workspace A's records wherever the procedure takes an id. */
const calls: Record<string, { input: (ids: Ids) => unknown; targetsA: boolean }> = {
  'auth.signUp': {
    input: () => ({
      email: `x${Math.random()}@example.com`,
      password: 'password 123',
      name: 'X',
      workspaceName: 'X',
    }),
    targetsA: false,
  },
  'auth.signIn': { input: () => ({ email: 'nobody@example.com', password: 'nope' }), targetsA: false },
  'auth.signOut': { input: () => undefined, targetsA: false },
  'auth.me': { input: () => undefined, targetsA: false },
  'auth.switchWorkspace': { input: (ids) => ({ workspaceId: ids.workspace }), targetsA: true },
  'auth.acceptInvite': { input: () => ({ token: 'not-a-token', password: 'password 123' }), targetsA: false },
  'auth.createApiToken': { input: () => ({ name: 'probe' }), targetsA: false },
  'auth.listApiTokens': { input: () => undefined, targetsA: false },
  'auth.revokeApiToken': { input: (ids) => ({ id: ids.token }), targetsA: true },
  'members.list': { input: () => undefined, targetsA: false },
  'members.invite': {
    input: () => ({ email: `probe${Math.random()}@example.com`, role: 'viewer' }),
    targetsA: false,
  },
  'members.setRole': { input: (ids) => ({ userId: ids.owner, role: 'viewer' }), targetsA: true },
  'members.remove': { input: (ids) => ({ userId: ids.owner }), targetsA: true },
  'workspace.getSettings': { input: () => undefined, targetsA: false },
  'workspace.updateSettings': { input: () => ({ lapsedAfterDays: 10 }), targetsA: false },
  'clients.create': {
    input: () => ({ kind: 'person', lastName: 'Проба', firstName: 'Пётр' }),
    targetsA: false,
  },
  'clients.update': { input: (ids) => ({ id: ids.client, kind: 'person', city: 'Взлом' }), targetsA: true },
  'clients.get': { input: (ids) => ({ id: ids.client }), targetsA: true },
  'clients.list': { input: () => ({ filter: { includeArchived: true } }), targetsA: false },
  'clients.search': { input: () => ({ q: SECRET_NAME }), targetsA: false },
  'clients.archive': { input: (ids) => ({ id: ids.client }), targetsA: true },
  'batches.list': { input: () => undefined, targetsA: false },
  'clients.timeline': { input: (ids) => ({ id: ids.client }), targetsA: true },
  // Ids the caller cannot see are skipped, not reported: the card check below proves nothing changed.
  'clients.bulk': { input: (ids) => ({ ids: [ids.client], action: { type: 'archive' } }), targetsA: false },
  'interactions.add': { input: (ids) => ({ clientId: ids.client, kind: 'call', at: now() }), targetsA: true },
  'purchases.add': { input: (ids) => ({ clientId: ids.client, at: now(), amount: 1 }), targetsA: true },
  'payments.add': { input: (ids) => ({ clientId: ids.client, at: now(), amount: 1 }), targetsA: true },
  'tasks.add': { input: (ids) => ({ clientId: ids.client, title: 'probe' }), targetsA: true },
  'tasks.complete': { input: (ids) => ({ id: ids.task }), targetsA: true },
  'tasks.list': { input: (ids) => ({ clientId: ids.client }), targetsA: false },
  'consents.set': {
    input: (ids) => ({
      clientId: ids.client,
      channel: 'email',
      purpose: 'marketing',
      granted: true,
      proof: { kind: 'verbal', managerName: 'X' },
    }),
    targetsA: true,
  },
  'segments.list': { input: () => undefined, targetsA: false },
  'segments.get': { input: (ids) => ({ id: ids.segment }), targetsA: true },
  'segments.create': { input: () => ({ name: 'probe', rule: { type: 'and', rules: [] } }), targetsA: false },
  'segments.update': { input: (ids) => ({ id: ids.segment, name: 'hijacked' }), targetsA: true },
  'segments.preview': {
    input: () => ({ rule: { type: 'and', rules: [] }, sampleSize: 100 }),
    targetsA: false,
  },
  'segments.members': { input: (ids) => ({ id: ids.segment }), targetsA: true },
  'segments.sizeHistory': { input: (ids) => ({ id: ids.segment, days: 30 }), targetsA: true },
  'temperature.getPolicy': { input: () => undefined, targetsA: false },
  'temperature.setPolicy': { input: () => ({ policy: {} }), targetsA: false },
  'temperature.previewPolicy': { input: () => ({ policy: { warmFrom: 30 } }), targetsA: false },
  'dashboard.summary': { input: () => ({ months: 3 }), targetsA: false },
  'fields.list': { input: () => undefined, targetsA: false },
  'fields.define': { input: () => ({ key: 'probe', label: 'Probe', type: 'text' }), targetsA: false },
  'audit.list': { input: () => ({ entity: 'client' }), targetsA: false },
  'deadLetters.list': { input: () => ({}), targetsA: false },
  'deadLetters.redrive': {
    input: () => ({ ids: ['00000000-0000-4000-8000-000000000000'] }),
    targetsA: false,
  },
  'lists.create': { input: () => ({ name: 'probe' }), targetsA: false },
  'lists.addMembers': { input: (ids) => ({ id: ids.list, clientIds: [ids.client] }), targetsA: true },
  'lists.removeMembers': { input: (ids) => ({ id: ids.list, clientIds: [ids.client] }), targetsA: true },
  'views.list': { input: () => undefined, targetsA: false },
  'views.save': { input: (ids) => ({ id: ids.view, name: 'hijacked', state: {} }), targetsA: true },
  'views.remove': { input: (ids) => ({ id: ids.view }), targetsA: true },
  'imports.get': { input: (ids) => ({ id: ids.import }), targetsA: true },
  'imports.status': { input: (ids) => ({ id: ids.import }), targetsA: true },
  'imports.list': { input: () => ({}), targetsA: false },
  'imports.mappings': { input: () => ({}), targetsA: false },
  'imports.setMapping': { input: (ids) => ({ id: ids.import, mapping: [] }), targetsA: true },
  'imports.applyMapping': {
    input: (ids) => ({ id: ids.import, mappingId: '00000000-0000-4000-8000-000000000000' }),
    targetsA: true,
  },
  'imports.dryRun': { input: (ids) => ({ id: ids.import }), targetsA: true },
  'imports.start': {
    input: (ids) => ({ id: ids.import, duplicatePolicy: { matchBy: ['phone'], action: 'skip' } }),
    targetsA: true,
  },
  'imports.undo': { input: (ids) => ({ id: ids.import }), targetsA: true },
  'duplicates.scan': { input: () => ({}), targetsA: false },
  'duplicates.list': { input: () => ({ status: 'open', locale: 'en' }), targetsA: false },
  'duplicates.merges': { input: () => ({}), targetsA: false },
  'duplicates.merge': {
    input: (ids) => ({
      survivorId: ids.client,
      mergedId: '00000000-0000-4000-8000-000000000000',
      expectedVersions: { survivor: 1, merged: 1 },
    }),
    targetsA: true,
  },
  'duplicates.unmerge': {
    input: () => ({ mergeId: '00000000-0000-4000-8000-000000000000' }),
    targetsA: true,
  },
  'duplicates.dismiss': {
    input: (ids) => ({ a: ids.client, b: '00000000-0000-4000-8000-000000000000' }),
    targetsA: true,
  },
};

/** `auth.signOut` ends the caller's session, so it goes last. */
const paths = Object.keys(procedures).sort(
  (x, y) => Number(x === 'auth.signOut') - Number(y === 'auth.signOut') || x.localeCompare(y),
);

function call(caller: Caller, path: string, input: unknown) {
  const type = procedures[path]!._def.type;
  if (type === 'query') {
    const query = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
    return caller.raw('GET', `/trpc/${path}${query}`);
  }
  return caller.raw('POST', `/trpc/${path}`, input === undefined ? undefined : JSON.stringify(input));
}

beforeAll(async () => {
  t = await openTestApp();
  const signedUp = await signUp(t.app, { workspaceName: 'Workspace A' });
  ownerA = signedUp.caller;
  const client = await ownerA.trpc.clients.create.mutate({
    kind: 'person',
    lastName: SECRET_NAME,
    firstName: 'Анна',
    phones: [{ number: '+79990001122' }],
  });
  const purchase = await ownerA.trpc.purchases.add.mutate({ clientId: client.id, at: now(), amount: 500 });
  const task = await ownerA.trpc.tasks.add.mutate({ clientId: client.id, title: 'Секретная задача' });
  const segment = await ownerA.trpc.segments.create.mutate({
    name: 'Секретный сегмент',
    rule: { type: 'and', rules: [] },
  });
  const token = await ownerA.trpc.auth.createApiToken.mutate({ name: 'Секретный токен' });
  const list = await ownerA.trpc.lists.create.mutate({ name: 'Секретный список' });
  await ownerA.trpc.lists.addMembers.mutate({ id: list.id, clientIds: [client.id] });
  const view = await ownerA.trpc.views.save.mutate({
    name: 'Секретный вид',
    state: { q: SECRET_NAME },
    shared: true,
  });
  const uploaded = await ownerA.fetch('http://test.local/api/imports?name=secret.csv', {
    method: 'POST',
    body: `ФИО,Телефон\n${SECRET_NAME} Анна,+79990001122\n`,
  });
  const { importId } = (await uploaded.json()) as { importId: string };
  a = {
    workspace: signedUp.me.workspace!.id,
    owner: signedUp.me.user.id,
    client: client.id,
    segment: segment.id,
    task: task.id,
    purchase: purchase.id,
    token: token.id,
    list: list.id,
    view: view.id,
    import: importId,
  };
  markers = [...Object.values(a), SECRET_NAME, 'Секретн', signedUp.email, '+79990001122', 'Workspace A'];
  viewerA = (await addMember(t.app, ownerA, 'viewer')).caller;
  outsider = (await signUp(t.app, { workspaceName: 'Workspace B' })).caller;
});
afterAll(async () => {
  await t?.close();
});

describe('the access table', () => {
  it('covers every procedure of the router, and nothing else', () => {
    expect(Object.keys(calls).sort()).toEqual(Object.keys(procedures).sort());
  });

  it('says who may call each procedure', () => {
    for (const path of paths) expect(procedures[path]!._def.meta?.access, path).toBeDefined();
  });
});

describe('a member of another workspace', () => {
  it('gets FORBIDDEN or NOT_FOUND for A’s records and never sees A’s data', async () => {
    const auditBefore = (await ownerA.trpc.audit.list.query({ limit: 500 })).items.length;
    const results: string[] = [];
    for (const path of paths) {
      const spec = calls[path]!;
      const res = await call(outsider, path, spec.input(a));
      results.push(`${path} ${res.status}`);
      expect(res.status, `${path}: ${res.text}`).not.toBe(500);
      for (const marker of markers) expect(res.text, `${path} leaks ${marker}`).not.toContain(marker);
      if (spec.targetsA) expect([403, 404], `${path}: ${res.text}`).toContain(res.status);
      if (res.status >= 400) expect(res.text).not.toMatch(/at .*\.ts:\d+|node_modules/);
    }
    const auditAfter = (await ownerA.trpc.audit.list.query({ limit: 500 })).items.length;
    expect(auditAfter).toBe(auditBefore);
    const card = await ownerA.trpc.clients.get.query({ id: a.client });
    expect(card).toMatchObject({ city: null, version: 1, archivedAt: null });
    expect(results.length).toBe(paths.length);
  });
});

describe('a viewer', () => {
  it('gets FORBIDDEN for every procedure that needs more than reading, and changes nothing', async () => {
    const auditBefore = (await ownerA.trpc.audit.list.query({ limit: 500 })).items.length;
    const needsMore = paths.filter((p) => {
      const access = procedures[p]!._def.meta?.access;
      return access === 'manager' || access === 'admin' || access === ('owner' satisfies Role);
    });
    expect(needsMore.length).toBeGreaterThanOrEqual(15);
    for (const path of needsMore) {
      const res = await call(viewerA, path, calls[path]!.input(a));
      expect(res.status, `${path}: ${res.text}`).toBe(403);
      expect(res.json.error?.data.code).toBe('FORBIDDEN');
    }
    const auditAfter = (await ownerA.trpc.audit.list.query({ limit: 500 })).items.length;
    expect(auditAfter).toBe(auditBefore);
  });

  it('can read', async () => {
    const card = await viewerA.trpc.clients.get.query({ id: a.client });
    expect(card.displayName).toContain(SECRET_NAME);
  });
});

describe('no caller at all', () => {
  it('gets UNAUTHORIZED from everything but the public procedures', async () => {
    const anonymous = new (await import('../testing/harness.ts')).Caller(t.app);
    for (const path of paths) {
      if (procedures[path]!._def.meta?.access === 'public') continue;
      const res = await call(anonymous, path, calls[path]!.input(a));
      expect(res.status, path).toBe(401);
    }
  });
});
