import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTestDatabase, type TestDatabase } from '@cb/db/testing';
import type { TRPCError } from '@trpc/server';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { readEnv } from './env.ts';
import { appRouter } from './routers/index.ts';
import { defaultApiConfig } from './trpc/context.ts';
import { createCallerFactory } from './trpc/init.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

describe('GET /health', () => {
  it('answers with the database kind', async () => {
    const response = await createApp({ database }).request('/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', database: database.kind });
  });
});

describe('readEnv', () => {
  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
    [{ TRUST_PROXY: 'maybe' }, 'TRUST_PROXY'],
  ])('names the bad variable in %j', (env, name) => {
    expect(() => readEnv(env)).toThrow(new RegExp(`${name}:`));
  });

  it('has defaults for a zero set-up start', () => {
    expect(readEnv({})).toMatchObject({
      PORT: 3000,
      CB_DATA_DIR: './.data',
      TRUST_PROXY: false,
      SESSION_DAYS: 30,
    });
  });
});

describe('the built web app', () => {
  it('is served at / with a fallback to index.html for client-side routes, but not over /trpc', async () => {
    const dist = mkdtempSync(join(tmpdir(), 'cb-web-'));
    try {
      mkdirSync(join(dist, 'assets'));
      writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Client Base</title>');
      writeFileSync(join(dist, 'assets', 'app.js'), 'console.log(1)');
      const app = createApp({ database, webDist: dist });
      const index = await app.request('/');
      expect(index.status).toBe(200);
      expect(await index.text()).toContain('Client Base');
      const asset = await app.request('/assets/app.js');
      expect(await asset.text()).toBe('console.log(1)');
      const route = await app.request('/clients/123');
      expect(await route.text()).toContain('Client Base');
      expect((await app.request('/trpc/nope')).status).toBe(404);
      expect((await app.request('/health')).status).toBe(200);
    } finally {
      rmSync(dist, { recursive: true, force: true });
    }
  });

  it('is skipped when the folder does not exist', async () => {
    const app = createApp({ database, webDist: join(tmpdir(), 'no-such-folder-cb') });
    expect((await app.request('/')).status).toBe(404);
  });
});

describe('the tRPC caller', () => {
  it('runs procedures without HTTP, with the same checks', async () => {
    const createCaller = createCallerFactory(appRouter);
    const ctx = {
      db: database.db,
      config: defaultApiConfig,
      requestId: 'caller-test',
      log: pino({ level: 'silent' }),
      ip: '127.0.0.1',
      resHeaders: new Headers(),
      now: () => new Date(),
      auth: null,
      deadLetters: null,
    };
    const anonymous = createCaller(ctx);
    await expect(anonymous.clients.list()).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    } satisfies Partial<TRPCError>);
    const me = await anonymous.auth.signUp({
      email: 'caller@example.com',
      password: 'caller password',
      name: 'Caller',
      workspaceName: 'Caller Inc',
    });
    expect(ctx.resHeaders.get('set-cookie')).toMatch(/^cb_session=/);
    const signedIn = createCaller({
      ...ctx,
      auth: { kind: 'session', user: me.user, tokenHash: 'unused', workspaceId: me.workspace!.id },
    });
    const client = await signedIn.clients.create({ kind: 'person', lastName: 'Вызов', firstName: 'Виктор' });
    expect(client.displayName).toBe('Вызов Виктор');
    await expect(
      signedIn.clients.create({ kind: 'person', lastName: '', firstName: 'x' }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });
});
