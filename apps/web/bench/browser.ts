/**
 * Browser bench: the clients screen on a 100,000-client base, measured inside Chromium.
 *
 * - first rows: from navigation start (the page's time origin) to the first row in the DOM;
 * - search: from typing a query to the first matching row (includes the 200 ms typing debounce);
 * each as p50 over several runs, next to two baselines run in the same process: the same screen on
 * a 1,000-client workspace, and the bare API call made with fetch() from the same page.
 *
 * Runs on PostgreSQL (CB_BENCH_DATABASE_URL) by default, or on embedded PGlite with
 * CB_BENCH_BACKEND=pglite. `CB_BENCH_CLIENTS` for a smaller run.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bulkInsertBase, createDatabase, generateBase, recomputeWorkspace, type SeedData } from '@cb/db';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { z } from 'zod';
import { launchChromium } from '../e2e/support/browser.ts';
import { pickPort, startApi } from '../e2e/support/server.ts';

const env = z
  .object({
    CB_BENCH_CLIENTS: z.coerce.number().int().min(1_000).default(100_000),
    CB_BENCH_RUNS: z.coerce.number().int().min(3).default(9),
    CB_BENCH_BACKEND: z.enum(['postgres', 'pglite']).default('postgres'),
    CB_BENCH_DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/test'),
    CB_BENCH_OUT: z
      .string()
      .default(fileURLToPath(new URL('../../../bench/web-results.md', import.meta.url))),
  })
  .parse(process.env);

const SMALL = 1_000;
const now = new Date();
const log = (message: string) =>
  console.log(`[web bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
};
const ms = (n: number) => `${n.toFixed(0)} ms`;

async function openDatabase(): Promise<{ url?: string; dataDir: string; cleanup: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cb-web-bench-'));
  if (env.CB_BENCH_BACKEND === 'pglite') {
    return { dataDir, cleanup: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const name = `cb_web_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: env.CB_BENCH_DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(env.CB_BENCH_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    dataDir,
    cleanup: async () => {
      rmSync(dataDir, { recursive: true, force: true });
      const drop = new pg.Client({ connectionString: env.CB_BENCH_DATABASE_URL });
      await drop.connect();
      await drop.query(`drop database if exists ${name} with (force)`);
      await drop.end();
    },
  };
}

async function signUp(base: string, email: string, workspaceName: string): Promise<string> {
  const response = await fetch(`${base}/trpc/auth.signUp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'bench-password-1', name: 'Bench', workspaceName }),
  });
  if (!response.ok) throw new Error(`sign-up failed: ${response.status} ${await response.text()}`);
  const cookie = response.headers.getSetCookie()[0]!.split(';')[0]!;
  const me = await fetch(`${base}/trpc/auth.me`, { headers: { cookie } });
  const body = (await me.json()) as { result: { data: { workspace: { id: string } } } };
  return body.result.data.workspace.id;
}

/** Records, from the page's own clock, when the first client row appears. */
const FIRST_ROW_PROBE = `
  new MutationObserver((_, observer) => {
    if (document.querySelector('[data-testid="client-row"]')) {
      window.__firstRow = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
`;

async function firstRows(page: Page, base: string): Promise<number> {
  await page.goto(`${base}/clients`);
  await page.waitForFunction(
    () => (window as unknown as { __firstRow?: number }).__firstRow !== undefined,
    null,
    {
      timeout: 60_000,
    },
  );
  return page.evaluate(() => (window as unknown as { __firstRow: number }).__firstRow);
}

/** The screen's own words while it shows search results (the page is in Russian). */
const SEARCH_HINT = 'Результаты поиска упорядочены по совпадению.';

async function searchResults(page: Page, query: string, expected: string): Promise<number> {
  const box = page.getByTestId('client-search');
  await box.fill('');
  // Back on the plain list: the rows on screen are not search results, so none can be mistaken for one.
  await page.getByText(SEARCH_HINT).waitFor({ state: 'detached' });
  await page.evaluate(() => {
    (window as unknown as { __t0: number }).__t0 = performance.now();
  });
  await box.fill(query);
  const handle = await page.waitForFunction(
    ({ name, hint }) => {
      const showingResults = document.body.textContent?.includes(hint);
      const rows = [...document.querySelectorAll('[data-testid="client-row"]')];
      if (showingResults && rows.some((r) => r.textContent?.includes(name))) {
        return performance.now() - (window as unknown as { __t0: number }).__t0;
      }
      return false;
    },
    { name: expected, hint: SEARCH_HINT },
    { timeout: 60_000, polling: 'raf' },
  );
  return (await handle.jsonValue()) as number;
}

/** The same search as a bare API call from the page: the floor the UI stands on. */
async function apiSearch(page: Page, query: string): Promise<number> {
  return page.evaluate(async (q) => {
    const started = performance.now();
    const response = await fetch(`/trpc/clients.search?input=${encodeURIComponent(JSON.stringify({ q }))}`);
    await response.json();
    return performance.now() - started;
  }, query);
}

async function apiFirstPage(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const started = performance.now();
    const response = await fetch(
      `/trpc/clients.list?input=${encodeURIComponent(JSON.stringify({ limit: 100 }))}`,
    );
    await response.json();
    return performance.now() - started;
  });
}

function queriesFor(data: SeedData, count: number): { q: string; expect: string }[] {
  const people = data.clients.filter((c) => c.kind === 'person' && c.lastName && c.phone);
  const picks: { q: string; expect: string }[] = [];
  for (let i = 0; i < count; i++) {
    const c = people[Math.floor(((i + 0.5) / count) * people.length)]!;
    // Alternate: a surname with its first name, and the phone typed as +7…
    picks.push(
      i % 2 === 0
        ? { q: `${c.lastName} ${c.firstName}`, expect: c.lastName! }
        : { q: c.phone!.e164, expect: c.lastName! },
    );
  }
  return picks;
}

async function main() {
  const db = await openDatabase();
  const port = pickPort(4600);
  log(`starting the API on ${env.CB_BENCH_BACKEND}`);
  const api = await startApi({ dataDir: db.dataDir, port, databaseUrl: db.url, timeoutMs: 300_000 });
  const bigWs = await signUp(api.directUrl, 'big@example.ru', 'Большая база');
  const smallWs = await signUp(api.directUrl, 'small@example.ru', 'Малая база');

  let big: SeedData;
  if (env.CB_BENCH_BACKEND === 'postgres') {
    const handle = await createDatabase({ databaseUrl: db.url!, maxConnections: 4 });
    big = generateBase({ seed: 1, clients: env.CB_BENCH_CLIENTS, now, historyPerClient: 4 });
    const small = generateBase({ seed: 2, clients: SMALL, now, historyPerClient: 4 });
    log(`seeding ${env.CB_BENCH_CLIENTS.toLocaleString('en-US')} + ${SMALL} clients`);
    await bulkInsertBase(handle.db, bigWs, big);
    await bulkInsertBase(handle.db, smallWs, small);
    log('recomputing temperatures and stages');
    await recomputeWorkspace(handle.db, { workspaceId: bigWs, now });
    await recomputeWorkspace(handle.db, { workspaceId: smallWs, now });
    await handle.close();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query('analyze');
    await client.end();
  } else {
    throw new Error(
      'PGlite is owned by the API process: seed it through the API is not supported yet; use postgres',
    );
  }

  const browser = await launchChromium();
  const results: Record<
    string,
    { first: number[]; search: number[]; apiList: number[]; apiSearch: number[] }
  > = {};
  for (const [label, email, data] of [
    ['1,000 clients (baseline)', 'small@example.ru', null],
    [`${env.CB_BENCH_CLIENTS.toLocaleString('en-US')} clients`, 'big@example.ru', big],
  ] as const) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'ru-RU' });
    const signIn = await context.request.post(`${api.url}/trpc/auth.signIn`, {
      data: { email, password: 'bench-password-1' },
    });
    if (!signIn.ok()) throw new Error(`sign-in failed: ${signIn.status()}`);
    await context.addInitScript(FIRST_ROW_PROBE);
    const r = {
      first: [] as number[],
      search: [] as number[],
      apiList: [] as number[],
      apiSearch: [] as number[],
    };
    log(`${label}: ${env.CB_BENCH_RUNS} navigations`);
    for (let i = 0; i < env.CB_BENCH_RUNS; i++) {
      const page = await context.newPage();
      r.first.push(await firstRows(page, api.url));
      r.apiList.push(await apiFirstPage(page));
      await page.close();
    }
    const page = await context.newPage();
    await firstRows(page, api.url);
    const queries = data
      ? queriesFor(data, env.CB_BENCH_RUNS)
      : await (async () => {
          const small = generateBase({ seed: 2, clients: SMALL, now, historyPerClient: 4 });
          return queriesFor(small, env.CB_BENCH_RUNS);
        })();
    log(`${label}: ${queries.length} searches`);
    for (const q of queries) {
      r.search.push(await searchResults(page, q.q, q.expect));
      r.apiSearch.push(await apiSearch(page, q.q));
    }
    await context.close();
    results[label] = r;
  }
  await browser.close();
  await api.stop();
  await db.cleanup();

  const [smallLabel, bigLabel] = Object.keys(results) as [string, string];
  const s = results[smallLabel]!;
  const b = results[bigLabel]!;
  const lines = [
    `# Web app in the browser (${new Date().toISOString().slice(0, 10)})`,
    '',
    `Chromium ${browser.version()} headless, the built app served by the API on ${env.CB_BENCH_BACKEND}; p50 of ${env.CB_BENCH_RUNS} runs.`,
    'First rows: navigation start → first client row in the DOM (page clock). Search: typing → first matching row',
    '(includes the 200 ms typing debounce); queries alternate "Фамилия Имя" and a phone as +7….',
    '',
    `| | ${smallLabel} | ${bigLabel} | ratio |`,
    '|---|---|---|---|',
    `| navigation → first rows (p50) | ${ms(median(s.first))} | ${ms(median(b.first))} | ${(median(b.first) / median(s.first)).toFixed(2)}× |`,
    `| bare clients.list call from the page (p50) | ${ms(median(s.apiList))} | ${ms(median(b.apiList))} | ${(median(b.apiList) / median(s.apiList)).toFixed(2)}× |`,
    `| typing → search results (p50) | ${ms(median(s.search))} | ${ms(median(b.search))} | ${(median(b.search) / median(s.search)).toFixed(2)}× |`,
    `| bare clients.search call from the page (p50) | ${ms(median(s.apiSearch))} | ${ms(median(b.apiSearch))} | ${(median(b.apiSearch) / median(s.apiSearch)).toFixed(2)}× |`,
    '',
    `Raw (${bigLabel}): first rows ${b.first.map((x) => x.toFixed(0)).join(', ')} ms; search ${b.search.map((x) => x.toFixed(0)).join(', ')} ms.`,
    '',
  ];
  const report = lines.join('\n');
  console.log(`\n${report}`);
  mkdirSync(join(env.CB_BENCH_OUT, '..'), { recursive: true });
  writeFileSync(env.CB_BENCH_OUT, report);
  log(`written to ${env.CB_BENCH_OUT}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
