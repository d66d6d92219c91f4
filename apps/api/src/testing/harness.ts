import { openTestDatabase, type TestDatabase } from '@cb/db/testing';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import { expect } from 'vitest';
import { createApp } from '../app.ts';
import type { Logger } from '../log.ts';
import type { AppRouter } from '../routers/index.ts';
import type { ApiConfig } from '../trpc/context.ts';
import type { ErrorData } from '../trpc/errors.ts';

/*
 * Test harness: the real app on a real (per-file) database, driven through HTTP (`app.request`)
 * by a typed tRPC client. Each `Caller` keeps its own cookie jar and IP, like a browser would.
 */

export type TestApp = { database: TestDatabase; app: ReturnType<typeof createApp>; close(): Promise<void> };

export async function openTestApp(config: Partial<ApiConfig> = {}, log?: Logger): Promise<TestApp> {
  const database = await openTestDatabase();
  const app = createApp({ database, config, trustProxy: true, ...(log ? { log } : {}) });
  return { database, app, close: () => database.close() };
}

let ipCounter = 0;

export class Caller {
  cookie: string | null = null;
  bearer: string | null = null;
  readonly ip: string;
  /** The `Set-Cookie` headers of the last response. */
  lastSetCookies: string[] = [];
  readonly trpc;

  constructor(
    readonly app: TestApp['app'],
    options: { ip?: string } = {},
  ) {
    ipCounter += 1;
    this.ip = options.ip ?? `10.0.${Math.floor(ipCounter / 250)}.${ipCounter % 250}`;
    this.trpc = createTRPCClient<AppRouter>({
      links: [httpLink({ url: 'http://test.local/trpc', fetch: (input, init) => this.fetch(input, init) })],
    });
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return {
      'x-forwarded-for': this.ip,
      ...(this.cookie ? { cookie: `cb_session=${this.cookie}` } : {}),
      ...(this.bearer ? { authorization: `Bearer ${this.bearer}` } : {}),
      ...extra,
    };
  }

  async fetch(input: Request | URL | string, init?: RequestInit): Promise<Response> {
    const headers = new Headers(init?.headers);
    for (const [k, v] of Object.entries(this.headers())) headers.set(k, v);
    const response = await this.app.request(String(input instanceof Request ? input.url : input), {
      ...init,
      headers,
    });
    this.lastSetCookies = response.headers.getSetCookie();
    for (const line of this.lastSetCookies) {
      const match = /^cb_session=([^;]*)/.exec(line);
      if (match) this.cookie = match[1] ? decodeURIComponent(match[1]) : null;
    }
    return response;
  }

  /** A raw HTTP call, for what a typed client cannot send (bad JSON, wrong types). */
  async raw(method: 'GET' | 'POST', path: string, body?: string, headers: Record<string, string> = {}) {
    const response = await this.fetch(`http://test.local${path}`, {
      method,
      ...(body !== undefined
        ? { body, headers: { 'content-type': 'application/json', ...headers } }
        : { headers }),
    });
    const text = await response.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    return {
      status: response.status,
      text,
      json: json as { result?: { data: unknown }; error?: { message: string; data: ErrorData } },
    };
  }
}

let userCounter = 0;

/** Signs up a new user with a new workspace (as its owner) and returns the signed-in caller. */
export async function signUp(app: TestApp['app'], options: { workspaceName?: string; email?: string } = {}) {
  userCounter += 1;
  const caller = new Caller(app);
  const email = options.email ?? `owner${userCounter}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const password = `correct horse ${userCounter}`;
  const me = await caller.trpc.auth.signUp.mutate({
    email,
    password,
    name: `Owner ${userCounter}`,
    workspaceName: options.workspaceName ?? `Workspace ${userCounter}`,
  });
  return { caller, me, email, password };
}

/** Invites a new member with a role and signs them in through the invitation. */
export async function addMember(app: TestApp['app'], owner: Caller, role: 'admin' | 'manager' | 'viewer') {
  userCounter += 1;
  const email = `${role}${userCounter}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const invited = await owner.trpc.members.invite.mutate({ email, role });
  const caller = new Caller(app);
  const password = `member password ${userCounter}`;
  const me = await caller.trpc.auth.acceptInvite.mutate({ token: invited.invite!.token, password });
  return { caller, me, email, password, userId: invited.userId };
}

/** Awaits a call expected to fail and returns the error's `data` (code, issues, conflict…). */
export async function failure(
  call: Promise<unknown>,
  code?: string,
): Promise<ErrorData & { message: string }> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof TRPCClientError)) throw error;
    const data = error.data as ErrorData;
    if (code) expect(data.code, error.message).toBe(code);
    return { ...data, message: error.message };
  }
  throw new Error(`expected the call to fail${code ? ` with ${code}` : ''}`);
}
