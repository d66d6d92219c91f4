/**
 * `pnpm bench`: the client base at 100,000 clients and ~1,000,000 history rows, on PGlite and on
 * PostgreSQL. Every figure is printed beside the same work done by hand-written SQL (or a bare
 * Hono route) in the same run, so the ratio is the result; the results land in bench/results.md.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  baselineTemperatureSql,
  bulkInsertBase,
  createDatabase,
  type DatabaseHandle,
  generateBase,
  queryRows,
  recomputeWorkspace,
  type SeedData,
  schema,
} from '@cb/db';
import { matchKey, type SegmentRule } from '@cb/domain';
import { serve } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import pg from 'pg';
import { z } from 'zod';
import { createApp } from '../src/app.ts';
import { type Http, trpcMutation, trpcQuery } from './http.ts';
import { fmt, summarize, timed } from './stats.ts';

const env = z
  .object({
    CB_BENCH_CLIENTS: z.coerce.number().int().min(1_000).default(100_000),
    CB_BENCH_HISTORY: z.coerce.number().min(1).default(10),
    CB_BENCH_REQUESTS: z.coerce.number().int().min(20).default(300),
    CB_BENCH_DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/test'),
    CB_BENCH_BACKENDS: z.string().default('pglite,postgres'),
    CB_BENCH_OUT: z.string().default(new URL('../../../bench/results.md', import.meta.url).pathname),
  })
  .parse(process.env);

const now = new Date('2026-11-01T12:00:00Z');

const benchSegments: {
  name: string;
  rule: SegmentRule;
  handWritten: (ws: string) => ReturnType<typeof sql>;
}[] = [
  {
    name: 'hot',
    rule: { type: 'condition', field: 'temperature', op: 'in', values: ['hot'] },
    handWritten: (ws) => sql`select id from clients where workspace_id = ${ws} and temperature_level = 'hot'`,
  },
  {
    name: 'lapsing customers',
    rule: {
      type: 'and',
      rules: [
        { type: 'condition', field: 'stage', op: 'in', values: ['customer', 'lapsed'] },
        { type: 'condition', metric: 'daysSinceLastPurchase', op: 'gte', value: 90 },
      ],
    },
    handWritten: (
      ws,
    ) => sql`select c.id from clients c where c.workspace_id = ${ws} and c.stage in ('customer', 'lapsed')
      and (select max(p.at) from purchases p where p.client_id = c.id and p.at <= ${now.toISOString()}::timestamptz)
          <= ${new Date(now.getTime() - 90 * 86_400_000).toISOString()}::timestamptz`,
  },
  {
    name: 'bought 100k ₽ in a year',
    rule: { type: 'condition', metric: 'purchaseSum', windowDays: 365, op: 'gte', value: 100_000 },
    handWritten: (ws) => sql`select c.id from clients c where c.workspace_id = ${ws}
      and (select coalesce(sum(p.amount_kopecks), 0) from purchases p where p.client_id = c.id
           and p.at > ${new Date(now.getTime() - 365 * 86_400_000).toISOString()}::timestamptz
           and p.at <= ${now.toISOString()}::timestamptz) >= 10000000`,
  },
];

type BackendResult = {
  backend: string;
  rows: number;
  seedMs: number;
  seedBaselineMs: number;
  recomputeMs: number;
  recomputeAgainMs: number;
  recomputeBaselineMs: number;
  recomputed: { temperatureChanged: number; segmentsEntered: number };
  list: ReturnType<typeof summarize>;
  listBaseline: ReturnType<typeof summarize>;
  search: ReturnType<typeof summarize>;
  searchBaseline: ReturnType<typeof summarize>;
  rssMb: number;
};

function log(message: string) {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

async function openBackend(kind: string): Promise<{ handle: DatabaseHandle; cleanup: () => Promise<void> }> {
  if (kind === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'cb-bench-'));
    const handle = await createDatabase({ dataDir: dir });
    return { handle, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `cb_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: env.CB_BENCH_DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(env.CB_BENCH_DATABASE_URL);
  url.pathname = `/${name}`;
  const handle = await createDatabase({ databaseUrl: url.toString(), maxConnections: 10 });
  return {
    handle,
    cleanup: async () => {
      const drop = new pg.Client({ connectionString: env.CB_BENCH_DATABASE_URL });
      await drop.connect();
      await drop.query(`drop database if exists ${name} with (force)`);
      await drop.end();
    },
  };
}

function rowCount(data: SeedData): number {
  const phones = data.clients.filter((c) => c.phone).length;
  const emails = data.clients.filter((c) => c.email).length;
  return (
    data.clients.length +
    phones +
    emails +
    data.purchases.length +
    data.payments.length +
    data.interactions.length +
    data.tasks.length
  );
}

/** The baseline for seeding: the same number of rows into the same tables, generated inside SQL. */
async function seedBaseline(handle: DatabaseHandle, workspaceId: string, data: SeedData): Promise<number> {
  const db = handle.db;
  const n = data.clients.length;
  const count = (rows: number) => sql`${rows}::int`;
  const { ms } = await timed(async () => {
    await db.execute(sql`insert into clients (id, workspace_id, kind, last_name, first_name, patronymic, display_name,
        match_key, city, tags, source_channel, created_at, updated_at)
      select gen_random_uuid(), ${workspaceId}::uuid, 'person', 'Фамилия' || g, 'Имя', 'Отчество',
        'Фамилия' || g || ' Имя Отчество', 'familiia' || g || ' imia', 'Москва', '{}', 'walk_in',
        ${now.toISOString()}::timestamptz - (g % 400) * interval '1 day', ${now.toISOString()}::timestamptz
      from generate_series(1, ${count(n)}) g`);
    const numbered = sql`(select id, (row_number() over (order by id)) - 1 as rn from clients where workspace_id = ${workspaceId}::uuid)`;
    const phones = data.clients.filter((c) => c.phone).length;
    const emails = data.clients.filter((c) => c.email).length;
    await db.execute(sql`insert into client_phones (workspace_id, client_id, e164, raw, type)
      select ${workspaceId}::uuid, c.id, '+7999' || lpad(c.rn::text, 7, '0'), '8999' || lpad(c.rn::text, 7, '0'), 'mobile'
      from ${numbered} c where c.rn < ${count(phones)}`);
    await db.execute(sql`insert into client_emails (workspace_id, client_id, address, type)
      select ${workspaceId}::uuid, c.id, 'b' || c.rn || '@example.ru', 'personal' from ${numbered} c where c.rn < ${count(emails)}`);
    await db.execute(sql`insert into purchases (workspace_id, client_id, at, amount_kopecks)
      select ${workspaceId}::uuid, c.id, ${now.toISOString()}::timestamptz - (g % 365) * interval '1 day', (g % 2000) * 10000
      from generate_series(0, ${count(data.purchases.length - 1)}) g join ${numbered} c on c.rn = g % ${count(n)}`);
    await db.execute(sql`insert into payments (workspace_id, client_id, at, amount_kopecks, method)
      select ${workspaceId}::uuid, c.id, ${now.toISOString()}::timestamptz - (g % 365) * interval '1 day', (g % 2000) * 10000, 'card'
      from generate_series(0, ${count(data.payments.length - 1)}) g join ${numbered} c on c.rn = g % ${count(n)}`);
    await db.execute(sql`insert into interactions (workspace_id, client_id, kind, direction, at, summary)
      select ${workspaceId}::uuid, c.id, (array['call','meeting','message','note'])[1 + g % 4], 'outbound',
        ${now.toISOString()}::timestamptz - (g % 365) * interval '1 day', 'Звонок'
      from generate_series(0, ${count(data.interactions.length - 1)}) g join ${numbered} c on c.rn = g % ${count(n)}`);
    await db.execute(sql`insert into tasks (workspace_id, client_id, title, due_at, created_at)
      select ${workspaceId}::uuid, c.id, 'Перезвонить', ${now.toISOString()}::timestamptz + (g % 14) * interval '1 day',
        ${now.toISOString()}::timestamptz
      from generate_series(0, ${count(data.tasks.length - 1)}) g join ${numbered} c on c.rn = g % ${count(n)}`);
  });
  return ms;
}

/** A bare Hono app with the same reads written by hand: the yardstick for the HTTP figures. */
function bareApp(handle: DatabaseHandle, workspaceId: string) {
  const app = new Hono();
  app.get('/bare/list', async (c) => {
    // The same three orders the measured requests use, each on its index, first page.
    const order =
      {
        createdAt: sql`created_at desc, id desc`,
        displayName: sql`display_name asc, id asc`,
        temperatureScore: sql`coalesce(temperature_score, -1) desc, id desc`,
      }[c.req.query('sort') ?? 'createdAt'] ?? sql`created_at desc, id desc`;
    const rows = await queryRows(
      handle.db,
      sql`select id, kind, display_name, city, stage, temperature_level, temperature_score, tags, owner_id, source_channel,
            (select p.e164 from client_phones p where p.client_id = clients.id order by p.position limit 1) as phone,
            (select e.address from client_emails e where e.client_id = clients.id order by e.position limit 1) as email,
            created_at, updated_at
          from clients where workspace_id = ${workspaceId}::uuid and archived_at is null
          order by ${order} limit 50`,
    );
    return c.json({ items: rows });
  });
  app.get('/bare/search', async (c) => {
    // The same plan as clients.search, written by hand without the API around it: a phone is an
    // exact lookup, an e-mail a prefix on its pattern index, a name goes through the lexicon.
    const q = c.req.query('q') ?? '';
    const digits = q.replace(/\D/g, '');
    const rows = await handle.db.transaction(async (tx) => {
      if (digits.length === 11 && !/[a-zа-яё]/i.test(q)) {
        return queryRows(
          tx,
          sql`select c.id, c.display_name from client_phones p join clients c on c.id = p.client_id
              where p.workspace_id = ${workspaceId}::uuid and p.e164 = ${`+7${digits.slice(1)}`} limit 20`,
        );
      }
      if (q.includes('@')) {
        return queryRows(
          tx,
          sql`select c.id, c.display_name from client_emails e join clients c on c.id = e.client_id
              where e.workspace_id = ${workspaceId}::uuid and e.address like ${`${q.toLowerCase()}%`} limit 20`,
        );
      }
      const key = matchKey(q);
      const tokens = key.split(' ').slice(0, 4);
      await tx.execute(sql`select set_config('pg_trgm.similarity_threshold', '0.3', true)`);
      const sets = await queryRows<{ words: string[] }>(
        tx,
        sql`select array_agg(word) as words from unnest(${sql.param(tokens)}::text[]) with ordinality t(token, i)
            cross join lateral (select word from name_words where workspace_id = ${workspaceId}::uuid
              and (word % t.token or starts_with(word, t.token))
              order by similarity(word, t.token) desc limit 3) w group by t.i`,
      );
      if (sets.length === 0) return [];
      const every = sql.join(
        sets.map((set) => sql`name_tokens && ${sql.param(set.words)}::text[]`),
        sql` and `,
      );
      return queryRows(
        tx,
        sql`select id, display_name from clients where workspace_id = ${workspaceId}::uuid and ${every} limit 20`,
      );
    });
    return c.json({ items: rows });
  });
  return app;
}

function listen(
  fetch: (request: Request) => Response | Promise<Response>,
): Promise<{ base: string; close: () => void }> {
  return new Promise((resolve) => {
    const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      resolve({ base: `http://127.0.0.1:${info.port}`, close: () => server.close() });
    });
    // Seeding and recompute keep the client idle for long; a longer keep-alive than Node's 5 s
    // avoids a reused socket being reset under the first measured request.
    if ('keepAliveTimeout' in server) server.keepAliveTimeout = 120_000;
  });
}

async function measure(
  requests: number,
  send: (i: number) => Promise<unknown>,
): Promise<ReturnType<typeof summarize>> {
  for (let i = 0; i < Math.min(20, requests); i++) await send(i);
  const samples: number[] = [];
  for (let i = 0; i < requests; i++) {
    const { ms } = await timed(() => send(i));
    samples.push(ms);
  }
  return summarize(samples);
}

function searchQueries(data: SeedData): string[] {
  const queries: string[] = [];
  const people = data.clients.filter((c) => c.kind === 'person');
  for (let i = 0; queries.length < 400; i++) {
    const c = people[(i * 7919) % people.length]!;
    switch (i % 5) {
      case 0: // a surname with a typo (one letter dropped)
        queries.push(c.lastName!.slice(0, 3) + c.lastName!.slice(4));
        break;
      case 1: // surname and first name as typed
        queries.push(`${c.lastName} ${c.firstName}`);
        break;
      case 2: // Latin spelling
        queries.push(c.matchKey.split(' ')[0]!);
        break;
      case 3:
        if (c.phone) queries.push(c.phone.raw);
        break;
      case 4:
        if (c.email) queries.push(c.email);
        break;
    }
  }
  return queries;
}

async function runBackend(kind: string, data: SeedData): Promise<BackendResult> {
  log(`${kind}: opening a fresh database`);
  const { handle, cleanup } = await openBackend(kind);
  try {
    // The API server for the sign-up is closed before the long seeding and recompute, and a new one
    // serves the measured requests: no keep-alive socket sits idle for minutes in between.
    const signUpServer = await listen(createApp({ database: handle }).fetch);
    const signUp = await trpcMutation<unknown>({ base: signUpServer.base, cookie: '' }, 'auth.signUp', {
      email: 'bench@example.ru',
      password: 'bench-password-1',
      name: 'Bench',
      workspaceName: 'Бенчмарк',
    });
    const cookie = (signUp.setCookie ?? '').split(';')[0]!;
    const me = await trpcQuery<{ workspace: { id: string } }>(
      { base: signUpServer.base, cookie },
      'auth.me',
      null,
    );
    const workspaceId = me.workspace.id;
    signUpServer.close();

    log(`${kind}: seeding ${fmt(rowCount(data), 0)} rows`);
    const seed = await timed(() => bulkInsertBase(handle.db, workspaceId, data));
    const [baselineWs] = await handle.db.insert(schema.workspaces).values({ name: 'baseline' }).returning();
    const seedBaselineMs = await seedBaseline(handle, baselineWs!.id, data);
    log(`${kind}: seeded in ${fmt(seed.ms / 1000)} s (hand-written SQL ${fmt(seedBaselineMs / 1000)} s)`);
    await handle.db.execute(sql`analyze`);

    await handle.db
      .insert(schema.segments)
      .values(benchSegments.map((s) => ({ workspaceId, name: s.name, rule: s.rule })));
    log(`${kind}: full recompute`);
    const first = await timed(() => recomputeWorkspace(handle.db, { workspaceId, now }));
    const again = await timed(() => recomputeWorkspace(handle.db, { workspaceId, now }));
    const baseline = await timed(async () => {
      await handle.db.transaction(async (tx) => {
        await tx.execute(sql`update clients set temperature_level = null, temperature_score = null,
          temperature_reasons = null, temperature_at = null where workspace_id = ${workspaceId}::uuid`);
      });
      await handle.db.transaction(async (tx) => {
        await tx.execute(baselineTemperatureSql({ workspaceId, now }));
        await tx.execute(
          sql`create temporary table if not exists bench_members (segment int, client_id uuid) on commit drop`,
        );
        for (const [index, segment] of benchSegments.entries()) {
          await tx.execute(
            sql`insert into bench_members select ${index}, id from (${segment.handWritten(workspaceId)}) s`,
          );
        }
      });
    });
    log(
      `${kind}: recompute ${fmt(first.ms)} ms (again ${fmt(again.ms)} ms; hand-written ${fmt(baseline.ms)} ms)`,
    );

    const api = await listen(createApp({ database: handle }).fetch);
    const http: Http = { base: api.base, cookie };
    const bare = await listen(bareApp(handle, workspaceId).fetch);
    const sorts = [
      { field: 'createdAt', direction: 'desc' },
      { field: 'displayName', direction: 'asc' },
      { field: 'temperatureScore', direction: 'desc' },
    ];
    let cursor: string | null = null;
    const list = await measure(env.CB_BENCH_REQUESTS, async (i) => {
      const page: { nextCursor: string | null } = await trpcQuery(http, 'clients.list', {
        sort: sorts[i % sorts.length],
        limit: 50,
        ...(i % sorts.length === 0 && cursor ? { cursor } : {}),
      });
      if (i % sorts.length === 0) cursor = page.nextCursor;
    });
    const listBaseline = await measure(env.CB_BENCH_REQUESTS, () =>
      fetch(`${bare.base}/bare/list`).then((r) => r.json()),
    );
    const queries = searchQueries(data);
    const search = await measure(env.CB_BENCH_REQUESTS, (i) =>
      trpcQuery(http, 'clients.search', { q: queries[i % queries.length], limit: 20 }),
    );
    const searchBaseline = await measure(env.CB_BENCH_REQUESTS, (i) =>
      fetch(`${bare.base}/bare/search?q=${encodeURIComponent(queries[i % queries.length]!)}`).then((r) =>
        r.json(),
      ),
    );
    api.close();
    bare.close();
    log(`${kind}: list p95 ${fmt(list.p95)} ms, search p95 ${fmt(search.p95)} ms`);
    return {
      backend: kind,
      rows: rowCount(data),
      seedMs: seed.ms,
      seedBaselineMs,
      recomputeMs: first.ms,
      recomputeAgainMs: again.ms,
      recomputeBaselineMs: baseline.ms,
      recomputed: {
        temperatureChanged: first.value.temperatureChanged,
        segmentsEntered: first.value.segmentsEntered,
      },
      list,
      listBaseline,
      search,
      searchBaseline,
      rssMb: process.memoryUsage().rss / 1024 / 1024,
    };
  } finally {
    await handle.close();
    await cleanup();
  }
}

function report(results: BackendResult[], generateMs: number): string {
  const ratio = (a: number, b: number) => `${fmt(a / b, 2)}×`;
  const lines = [
    '# Benchmark results',
    '',
    `Run ${new Date().toISOString()} · Node ${process.version} · ${cpus().length} cores · ${fmt(env.CB_BENCH_CLIENTS, 0)} clients,`,
    `${fmt(results[0]?.rows ?? 0, 0)} rows in all (clients, phones, e-mails, purchases, payments, interactions, tasks).`,
    `Generating the data set in JS took ${fmt(generateMs / 1000)} s (not counted below).`,
    'Each figure stands beside the same work done by hand-written SQL (or a bare Hono route) in the same run;',
    'the ratio is the figure that matters. `pnpm bench` writes this file.',
    '',
    '| backend | measure | ours | hand-written | ratio |',
    '|---|---|---|---|---|',
  ];
  for (const r of results) {
    lines.push(
      `| ${r.backend} | seeding, rows/s | ${fmt(r.rows / (r.seedMs / 1000), 0)} | ${fmt(r.rows / (r.seedBaselineMs / 1000), 0)} | ${ratio(r.seedBaselineMs, r.seedMs)} of SQL speed |`,
      `| ${r.backend} | full recompute (temperature + stage + ${benchSegments.length} segments), ms | ${fmt(r.recomputeMs, 0)} | ${fmt(r.recomputeBaselineMs, 0)} | ${ratio(r.recomputeMs, r.recomputeBaselineMs)} the time |`,
      `| ${r.backend} | recompute again, nothing changed, ms | ${fmt(r.recomputeAgainMs, 0)} | | |`,
      `| ${r.backend} | clients.list over HTTP, p50 / p95 ms | ${fmt(r.list.p50)} / ${fmt(r.list.p95)} | ${fmt(r.listBaseline.p50)} / ${fmt(r.listBaseline.p95)} | ${ratio(r.list.p95, r.listBaseline.p95)} (p95) |`,
      `| ${r.backend} | clients.search over HTTP, p50 / p95 ms | ${fmt(r.search.p50)} / ${fmt(r.search.p95)} | ${fmt(r.searchBaseline.p50)} / ${fmt(r.searchBaseline.p95)} | ${ratio(r.search.p95, r.searchBaseline.p95)} (p95) |`,
    );
  }
  lines.push(
    '',
    `Recompute assessed ${results.map((r) => `${fmt(r.recomputed.temperatureChanged, 0)} temperatures and opened ${fmt(r.recomputed.segmentsEntered, 0)} segment spells (${r.backend})`).join('; ')}.`,
    `Peak resident memory of the bench process: ${fmt(Math.max(...results.map((r) => r.rssMb)), 0)} MB.`,
    'Targets (issue 3): search p95 under 50 ms on PostgreSQL at 100k clients; recompute within 2× of hand-written SQL.',
    '',
  );
  return lines.join('\n');
}

async function main() {
  log(`generating ${fmt(env.CB_BENCH_CLIENTS, 0)} clients`);
  const generated = await timed(async () =>
    generateBase({ seed: 1, clients: env.CB_BENCH_CLIENTS, now, historyPerClient: env.CB_BENCH_HISTORY }),
  );
  const results: BackendResult[] = [];
  for (const backend of env.CB_BENCH_BACKENDS.split(',').map((b) => b.trim())) {
    results.push(await runBackend(backend, generated.value));
  }
  const text = report(results, generated.ms);
  writeFileSync(env.CB_BENCH_OUT, text);
  console.log(`\n${text}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
