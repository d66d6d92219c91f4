import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, inject, it } from 'vitest';

/*
 * The start process as a person runs it: embedded PGlite in a data folder, the worker in process,
 * the demo seeded with CB_DEMO=1. Started, used over HTTP, stopped, started again on the same folder.
 * (Server mode is covered by the suite running on PostgreSQL; this one is about the zero set-up start.)
 */
const apiDir = fileURLToPath(new URL('..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'cb-start-'));
const port = 3400 + Math.floor(Math.random() * 500);
const base = `http://127.0.0.1:${port}`;
let child: ChildProcess | null = null;

async function start(): Promise<string> {
  // Node itself with tsx as a loader (not npx), so SIGTERM reaches the server's own shutdown.
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: apiDir,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      CB_DATA_DIR: dataDir,
      CB_DEMO: '1',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  let output = '';
  proc.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  proc.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  for (let i = 0; i < 240; i++) {
    if (output.includes('Client Base is running at')) return output;
    if (proc.exitCode !== null) throw new Error(`start-up failed:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no start-up within 60 s:\n${output}`);
}

async function stop(): Promise<number | null> {
  const proc = child;
  if (!proc || proc.exitCode !== null) return proc?.exitCode ?? null;
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  proc.kill('SIGTERM');
  const code = await exited;
  child = null;
  return code;
}

async function call<T>(path: string, cookie: string, input?: unknown): Promise<T> {
  const url =
    input === undefined
      ? `${base}/trpc/${path}`
      : `${base}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`;
  const response = await fetch(url, { headers: { cookie } });
  const body = (await response.json()) as { result: { data: T } };
  return body.result.data;
}

async function signIn(): Promise<string> {
  const response = await fetch(`${base}/trpc/auth.signIn`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'demo@clientbase.local', password: 'demo-password' }),
  });
  expect(response.status).toBe(200);
  return response.headers.getSetCookie()[0]!.split(';')[0]!;
}

afterAll(async () => {
  await stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe.runIf(!inject('cbServerTemplate'))('the start process on embedded PGlite', () => {
  it('starts, seeds the demo, keeps it current with the worker, and keeps the data across a restart', async () => {
    const output = await start();
    expect(output).toContain('sign in as demo@clientbase.local / demo-password');
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: 'ok', database: 'pglite' });

    const cookie = await signIn();
    // The worker in the process assesses the seeded base: wait for the first temperatures.
    let hot = 0;
    for (let i = 0; i < 120 && hot === 0; i++) {
      const page = await call<{ items: unknown[] }>('clients.list', cookie, {
        filter: { temperature: ['hot', 'warm'] },
        limit: 5,
      });
      hot = page.items.length;
      if (hot === 0) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(hot).toBeGreaterThan(0);
    const created = await fetch(`${base}/trpc/clients.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({
        kind: 'person',
        lastName: 'Перезапусков',
        firstName: 'Иван',
        phones: [{ number: '8 (916) 555-44-33' }],
      }),
    });
    expect(created.status).toBe(200);
    expect(await stop()).toBe(0);

    await start();
    const again = await signIn();
    const found = await call<{ items: { displayName: string }[] }>('clients.search', again, {
      q: '+79165554433',
    });
    expect(found.items.map((c) => c.displayName)).toEqual(['Перезапусков Иван']);
    // The demo is seeded once: the second start finds it rather than adding another 2,000 clients.
    const segments = await call<{ items: unknown[] }>('segments.list', again);
    expect(segments.items).toHaveLength(5);
  });
});
