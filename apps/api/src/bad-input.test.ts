import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caller, openTestApp, signUp, type TestApp } from './testing/harness.ts';

/** Hostile and clumsy input: always a 4xx with a clear message, never a 500 or a stack trace. */

let t: TestApp;
let owner: Caller;
beforeAll(async () => {
  t = await openTestApp();
  ({ caller: owner } = await signUp(t.app));
});
afterAll(async () => {
  await t?.close();
});

const noInternals = (text: string) => {
  expect(text).not.toMatch(/\.ts:\d+|node_modules|stack|Drizzle|postgres|ZodError/i);
};

describe('bad input over HTTP', () => {
  it.each([
    ['malformed JSON body', 'POST', '/trpc/clients.create', '{"kind": "person", ', 400],
    ['an array instead of an object', 'POST', '/trpc/clients.create', '[1,2,3]', 400],
    ['null body', 'POST', '/trpc/clients.create', 'null', 400],
    [
      'wrong types',
      'POST',
      '/trpc/clients.create',
      JSON.stringify({ kind: 'person', lastName: 5, firstName: ['x'] }),
      400,
    ],
    ['an unknown kind', 'POST', '/trpc/clients.create', JSON.stringify({ kind: 'robot' }), 400],
    [
      'an unknown key',
      'POST',
      '/trpc/clients.create',
      JSON.stringify({ kind: 'person', lastName: 'A', firstName: 'B', legalName: 'C' }),
      400,
    ],
    [
      'a non-uuid id',
      'GET',
      `/trpc/clients.get?input=${encodeURIComponent(JSON.stringify({ id: "1' or 1=1 --" }))}`,
      undefined,
      400,
    ],
    ['malformed JSON in a query', 'GET', '/trpc/clients.get?input=%7Bnot-json', undefined, 400],
    [
      'a number where a date goes',
      'POST',
      '/trpc/interactions.add',
      JSON.stringify({ clientId: '00000000-0000-4000-8000-000000000000', kind: 'call', at: 12 }),
      400,
    ],
    [
      'a date without an offset',
      'POST',
      '/trpc/tasks.add',
      JSON.stringify({ title: 'x', dueAt: '2026-01-01 10:00' }),
      400,
    ],
    [
      'a huge limit',
      'GET',
      `/trpc/clients.list?input=${encodeURIComponent(JSON.stringify({ limit: 1e9 }))}`,
      undefined,
      400,
    ],
    [
      'NaN-like amount',
      'POST',
      '/trpc/purchases.add',
      JSON.stringify({
        clientId: '00000000-0000-4000-8000-000000000000',
        at: '2026-01-01T00:00:00Z',
        amount: '1e400',
      }),
      400,
    ],
    ['a mutation over GET', 'GET', '/trpc/clients.create', undefined, 405],
    ['an unknown procedure', 'POST', '/trpc/clients.hack', '{}', 404],
  ] as const)('%s → %i', async (_name, method, path, body, status) => {
    const res = await owner.raw(method, path, body);
    expect(res.status, res.text).toBe(status);
    expect(res.json.error?.message).toEqual(expect.any(String));
    noInternals(res.text);
  });

  it('names each field with its problem', async () => {
    const res = await owner.raw(
      'POST',
      '/trpc/clients.create',
      JSON.stringify({
        kind: 'person',
        lastName: '',
        firstName: 7,
        phones: [{ number: 'abc', type: 'pager' }],
      }),
    );
    expect(res.status).toBe(400);
    expect(res.json.error?.data).toMatchObject({
      code: 'BAD_REQUEST',
      httpStatus: 400,
      path: 'clients.create',
    });
    expect(res.json.error?.data.issues?.map((i) => i.field)).toEqual([
      'lastName',
      'firstName',
      'phones.0.type',
    ]);
    expect(res.json.error?.message).toMatch(/^lastName: /);
  });

  it('refuses huge strings by their field, and a huge body as a whole', async () => {
    const long = 'Я'.repeat(100_000);
    const res = await owner.raw(
      'POST',
      '/trpc/clients.create',
      JSON.stringify({ kind: 'person', lastName: long, firstName: 'A' }),
    );
    expect(res.status).toBe(400);
    expect(res.json.error?.data.issues?.map((i) => i.field)).toEqual(['lastName']);
    expect(res.text.length).toBeLessThan(2000);

    const huge = await owner.raw(
      'POST',
      '/trpc/clients.create',
      JSON.stringify({ kind: 'person', lastName: 'x'.repeat(3_000_000) }),
    );
    expect(huge.status).toBe(413);
    expect(huge.json.error?.data.code).toBe('PAYLOAD_TOO_LARGE');
    const search = await owner.raw(
      'GET',
      `/trpc/clients.search?input=${encodeURIComponent(JSON.stringify({ q: 'x'.repeat(5000) }))}`,
    );
    expect(search.status).toBe(400);
  });

  it('echoes the request id, and makes one when none (or a bad one) is given', async () => {
    const given = await owner.fetch('http://test.local/trpc/auth.me', {
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(given.headers.get('x-request-id')).toBe('abc-123');
    const made = await owner.fetch('http://test.local/trpc/auth.me', {
      headers: { 'x-request-id': 'bad id\n' },
    });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const failed = await owner.raw('POST', '/trpc/clients.create', '{', { 'x-request-id': 'req-42' });
    expect(failed.json.error?.data.requestId).toBe('req-42');
  });

  it('takes plain JSON without a transformer: dates are ISO strings', async () => {
    const res = await owner.raw(
      'POST',
      '/trpc/clients.create',
      JSON.stringify({ kind: 'person', lastName: 'Простой', firstName: 'Джейсон' }),
    );
    expect(res.status).toBe(200);
    const data = res.json.result?.data as { id: string; createdAt: string };
    expect(data.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const got = await owner.raw(
      'GET',
      `/trpc/clients.get?input=${encodeURIComponent(JSON.stringify({ id: data.id }))}`,
    );
    expect(got.status).toBe(200);
    expect(got.json.result?.data).toMatchObject({ id: data.id });
  });
});
