/**
 * Export throughput and memory on a generated base (not a test: no timing is asserted anywhere).
 *
 *   NODE_OPTIONS=--expose-gc pnpm --filter @cb/worker exec tsx src/export/bench.ts [clients=100000] [postgres://…/db]
 *
 * Without a URL the base is an in-memory PGlite; with one, a scratch database is created next to
 * the one named and dropped afterwards. Prints rows/s and peak RSS / heap for CSV (UTF-8 and
 * Windows-1251) and XLSX, each written to a sink that only counts bytes.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { bulkInsertBase, createDatabase, createUser, createWorkspace, generateBase } from '@cb/db';
import { exportColumnKeys } from '@cb/domain';
import pg from 'pg';
import { type ExportRequest, exportClients, prepareExport } from './export-clients.ts';

const clients = Number(process.argv[2] ?? 100_000);
const serverUrl = process.argv[3];

async function scratchDatabase(): Promise<{ url?: string; drop(): Promise<void> }> {
  if (!serverUrl) return { drop: async () => {} };
  const name = `cb_export_bench_${randomUUID().slice(0, 8)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const again = new pg.Client({ connectionString: serverUrl });
      await again.connect();
      await again.query(`drop database if exists ${name} with (force)`);
      await again.end();
    },
  };
}

function countingSink() {
  let bytes = 0;
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      callback();
    },
  });
  return { out, bytes: () => bytes };
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;

async function main() {
  const scratch = await scratchDatabase();
  const database = await createDatabase(
    scratch.url ? { databaseUrl: scratch.url } : { dataDir: 'memory://' },
  );
  try {
    const workspace = await createWorkspace(database.db, { name: 'Bench', settings: {} });
    const user = await createUser(database.db, { email: `bench-${workspace.id}@example.com`, name: 'Bench' });
    const seedStart = performance.now();
    // In a function, so the generated rows are garbage before the exports are measured.
    const seed = async () => {
      const data = generateBase({
        seed: 7,
        clients,
        now: new Date('2026-11-01T00:00:00Z'),
        historyPerClient: 0,
        ownerIds: [user.id],
      });
      await bulkInsertBase(database.db, workspace.id, data);
    };
    await seed();
    // A live base has statistics (autovacuum); a freshly bulk-loaded one gets them here.
    await database.db.execute('analyze');
    const seeded = ((performance.now() - seedStart) / 1000).toFixed(1);
    console.log(`${database.kind}: ${clients.toLocaleString('en')} clients seeded in ${seeded} s`);
    const ctx = { workspaceId: workspace.id, actor: { kind: 'system' as const, id: null } };
    const runs: [string, Partial<ExportRequest>][] = [
      ['csv utf8', { format: 'csv', encoding: 'utf8' }],
      ['csv cp1251', { format: 'csv', encoding: 'cp1251' }],
      ['xlsx', { format: 'xlsx' }],
    ];
    for (const [label, request] of runs) {
      global.gc?.();
      const prepared = await prepareExport(
        database.db,
        { workspaceId: workspace.id },
        {
          source: { kind: 'all' },
          format: 'csv',
          encoding: 'utf8',
          lang: 'ru',
          columns: [...exportColumnKeys],
          ...request,
        },
      );
      if (!prepared.ok) throw new Error(JSON.stringify(prepared.error));
      const baseRss = process.memoryUsage().rss;
      let peakRss = baseRss;
      let peakHeap = process.memoryUsage().heapUsed;
      const sampler = setInterval(() => {
        const m = process.memoryUsage();
        peakRss = Math.max(peakRss, m.rss);
        peakHeap = Math.max(peakHeap, m.heapUsed);
      }, 20);
      const sink = countingSink();
      const started = performance.now();
      const result = await exportClients(database.db, ctx, prepared.value, sink.out);
      const seconds = (performance.now() - started) / 1000;
      clearInterval(sampler);
      console.log(
        `${database.kind} ${label}: ${result.rows.toLocaleString('en')} rows, ${mb(sink.bytes())} in ${seconds.toFixed(1)} s` +
          ` = ${Math.round(result.rows / seconds).toLocaleString('en')} rows/s;` +
          ` peak RSS ${mb(peakRss)} (+${mb(peakRss - baseRss)} over the start), peak heap ${mb(peakHeap)}`,
      );
    }
  } finally {
    await database.close();
    await scratch.drop();
  }
}

await main();
