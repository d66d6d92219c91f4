/**
 * The whole-base duplicate scan, timed: a fresh database is seeded with N realistic Russian
 * clients (the seeder's names, +7 mobiles, e-mails) plus planted duplicates (a diminutive or a
 * Latin spelling of the first name, a mistyped surname; sharing a phone, an e-mail or a birthday),
 * then `scanDuplicates` runs three times: the first scan (no blocking keys stored, as after a
 * seed), a rescan of the unchanged base, and the baseline, a rescan by the blocking keys alone
 * without the trigram neighbours of names. Prints seconds, clients/s, candidates, pairs, the planted pairs
 * found and a fingerprint of the stored pairs (equal fingerprints: the same pairs and scores).
 *
 *   pnpm exec tsx bench/scan.ts [clients=10000] [--server URL] [--pglite] [--record-cache N] [--keep]
 *
 * The server back end (default postgres://postgres@127.0.0.1:5432/postgres) gets a scratch
 * database `cb_scan_bench_<pid>`, dropped at the end (`--keep`: `cb_scan_scratch`, left for
 * EXPLAIN ANALYZE and dropped by hand). `--record-cache` sets the scan's `recordCacheSize`.
 */
import { matchKey } from '@cb/domain';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { createDatabase, type DatabaseHandle } from '../src/client.ts';
import { scanDuplicates } from '../src/duplicates/scan.ts';
import { createWorkspace } from '../src/queries/workspaces.ts';
import { queryRows } from '../src/raw.ts';
import { bulkInsertBase, createRng, generateBase, type SeedClient } from '../src/seed/index.ts';
import { withDatabase } from '../src/testing/urls.ts';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const clients = Number(args.find((a) => /^\d+$/.test(a)) ?? 10_000);
const usePglite = args.includes('--pglite');
/** Leaves the scratch database in place (for EXPLAIN ANALYZE); drop it by hand afterwards. */
const keep = args.includes('--keep');
const serverUrl = flag('--server') ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const recordCacheSize = flag('--record-cache') === undefined ? undefined : Number(flag('--record-cache'));

const DIMINUTIVES: Record<string, string> = {
  Александр: 'Саша',
  Дмитрий: 'Дима',
  Михаил: 'Миша',
  Николай: 'Коля',
  Екатерина: 'Катя',
  Елена: 'Лена',
  Мария: 'Маша',
  Татьяна: 'Таня',
  Ольга: 'Оля',
  Сергей: 'Серёжа',
  Владимир: 'Вова',
  Алексей: 'Лёша',
  Иван: 'Ваня',
  Анна: 'Аня',
};
const latin = (word: string) => {
  const key = matchKey(word);
  return key.charAt(0).toUpperCase() + key.slice(1);
};

/** A second record of the same person, as a careless operator or another channel would type it. */
function plantDuplicate(original: SeedClient, rng: ReturnType<typeof createRng>, n: number): SeedClient {
  const first = original.firstName ?? '';
  const last = original.lastName ?? '';
  const variant = rng.int(0, 3);
  let firstName = first;
  let lastName = last;
  if (variant === 0) firstName = DIMINUTIVES[first] ?? first;
  else if (variant === 1) {
    firstName = latin(first);
    lastName = latin(last);
  } else if (variant === 2 && last.length > 4) {
    const i = rng.int(1, last.length - 2);
    lastName = last.slice(0, i) + last[i + 1] + last[i] + last.slice(i + 2);
  }
  const keepPhone = rng.chance(0.6);
  const keepEmail = !keepPhone || rng.chance(0.3);
  return {
    ...original,
    id: rng.uuid(),
    firstName,
    lastName,
    patronymic: rng.chance(0.5) ? original.patronymic : null,
    displayName: `${lastName} ${firstName}`,
    matchKey: matchKey(lastName, firstName),
    phone: keepPhone ? original.phone : null,
    email: keepEmail ? (original.email ?? `dup${n}@example.ru`) : null,
  };
}

async function openBench(): Promise<{ handle: DatabaseHandle; drop: () => Promise<void> }> {
  if (usePglite) {
    const handle = await createDatabase({ dataDir: 'memory://' });
    return { handle, drop: async () => {} };
  }
  const name = keep ? 'cb_scan_scratch' : `cb_scan_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${name}`);
  await admin.query(`create database ${name}`);
  await admin.end();
  // The pool's end resolves before its sockets are closed: the forced drop may still cut one.
  const handle = await createDatabase({
    databaseUrl: withDatabase(serverUrl, name),
    maxConnections: 4,
    onPoolError: () => {},
  });
  return {
    handle,
    drop: async () => {
      if (keep) {
        console.log(`kept database ${name}`);
        return;
      }
      const again = new pg.Client({ connectionString: serverUrl });
      await again.connect();
      await again.query(`drop database if exists ${name} with (force)`);
      await again.end();
    },
  };
}

async function main() {
  const { handle, drop } = await openBench();
  try {
    const { db } = handle;
    const workspace = await createWorkspace(db, { name: 'Scan bench' });
    const data = generateBase({
      seed: 5,
      clients,
      now: new Date('2026-01-01T00:00:00Z'),
      historyPerClient: 0,
    });
    const rng = createRng(11);
    const planted: [string, string][] = [];
    const persons = data.clients.filter((c) => c.kind === 'person');
    for (let i = 0; i < persons.length; i += 20) {
      const dup = plantDuplicate(persons[i]!, rng, i);
      planted.push([persons[i]!.id, dup.id]);
      data.clients.push(dup);
    }
    const seedStarted = performance.now();
    await bulkInsertBase(db, workspace.id, data);
    await db.execute(sql`analyze`);
    const total = data.clients.length;
    console.log(
      `${handle.kind}: ${total} clients (${planted.length} planted duplicates) seeded in ` +
        `${((performance.now() - seedStarted) / 1000).toFixed(1)} s`,
    );

    const plantedFound = async () => {
      const rows = await queryRows<{ a: string; b: string }>(
        db,
        sql`select client_a::text as a, client_b::text as b from duplicate_pairs where workspace_id = ${workspace.id}::uuid`,
      );
      const stored = new Set(rows.map((r) => `${r.a}|${r.b}`));
      return planted.filter(([x, y]) => stored.has(x < y ? `${x}|${y}` : `${y}|${x}`)).length;
    };
    const fingerprint = async () => {
      const [row] = await queryRows<{ n: number; h: string }>(
        db,
        sql`
          select count(*)::int as n, md5(coalesce(string_agg(client_a::text || client_b::text || decision ||
            round(score::numeric, 9)::text, ',' order by client_a, client_b), '')) as h
          from duplicate_pairs where workspace_id = ${workspace.id}::uuid`,
      );
      return `${row?.n} pairs, md5 ${row?.h.slice(0, 12)}`;
    };

    // The baseline last, in the same process: a rescan by the blocking keys alone, without the
    // trigram neighbours of names (what they cost).
    for (const label of ['first scan', 'rescan', 'rescan, keys only (baseline)']) {
      const started = performance.now();
      // Each phase runs from the previous phase's last progress report to its own last one.
      const lastReport: Record<string, number> = {};
      const result = await scanDuplicates(db, workspace.id, {
        ...(recordCacheSize === undefined ? {} : { recordCacheSize }),
        neighbours: !label.includes('baseline'),
        onProgress: (p) => {
          lastReport[p.phase] = performance.now();
        },
      });
      const keysEnd = lastReport.keys ?? started;
      const phases = { keys: keysEnd - started, pairs: (lastReport.pairs ?? keysEnd) - keysEnd };
      const seconds = (performance.now() - started) / 1000;
      const rss = Math.round(process.memoryUsage().rss / 2 ** 20);
      const heap = Math.round(process.memoryUsage().heapUsed / 2 ** 20);
      console.log(
        `${label}: ${seconds.toFixed(1)} s, ${Math.round(total / seconds)} clients/s ` +
          `(${Object.entries(phases)
            .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`)
            .join(', ')}); ${result.candidatePairs} candidates, ${result.pairs} pairs, ` +
          `${result.removed} removed; planted found ${await plantedFound()}/${planted.length}; ` +
          `${await fingerprint()}; rss ${rss} MB, heap ${heap} MB`,
      );
    }
  } finally {
    await handle.close();
    await drop();
  }
}

await main();
