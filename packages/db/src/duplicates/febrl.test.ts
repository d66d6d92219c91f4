import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { matchKey, pairQuality, parseIsoDate, personDisplayName } from '@cb/domain';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrayParam } from '../raw.ts';
import { duplicatePairs } from '../schema/index.ts';
import { openTestDatabase, seedWorkspace, type TestDatabase } from '../testing/index.ts';
import { scanDuplicates } from './scan.ts';

/**
 * Quality through the database path: FEBRL records (known duplicates: `rec-N-org` and its
 * `rec-N-dup-K`) are stored as clients, `scanDuplicates` finds the pairs by SQL blocking, and the
 * pairs decided 'duplicate' are compared with the truth. The data lives outside the repository
 * (`shared/data/febrl`), found as the domain's test finds it.
 */
function locateFebrl(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'data', 'febrl');
    if (existsSync(join(candidate, 'dataset1.csv'))) return candidate;
    if (dirname(dir) === dir) break;
  }
  for (const shared of [process.env.CB_SHARED_DIR, '/work/shared'].filter(Boolean) as string[]) {
    const candidate = join(shared, 'data', 'febrl');
    if (existsSync(join(candidate, 'dataset1.csv'))) return candidate;
  }
  throw new Error(`FEBRL data not found above ${start}, in CB_SHARED_DIR or in /work/shared`);
}

type FebrlRow = {
  recId: string;
  entity: string;
  id: string;
  firstName: string | null;
  lastName: string | null;
  birthday: string | null;
  inn: string | null;
  city: string | null;
  address: string | null;
  postcode: string | null;
};

function readFebrl(file: string): FebrlRow[] {
  const [header, ...lines] = readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const columns = header!.split(',').map((c) => c.trim());
  return lines.map((line) => {
    const cells = line.split(',').map((c) => c.trim());
    const get = (name: string) => {
      const value = cells[columns.indexOf(name)];
      return value === undefined || value === '' ? null : value;
    };
    const recId = get('rec_id')!;
    const dob = get('date_of_birth');
    const iso =
      dob && /^\d{8}$/.test(dob) ? `${dob.slice(0, 4)}-${dob.slice(4, 6)}-${dob.slice(6, 8)}` : null;
    return {
      recId,
      entity: recId.replace(/-(org|dup-\d+)$/, ''),
      id: randomUUID(),
      firstName: get('given_name'),
      lastName: get('surname'),
      // The date column holds real dates only; a mistyped one (31 February) is stored empty.
      birthday: iso && parseIsoDate(iso) ? iso : null,
      inn: get('soc_sec_id'),
      city: get('suburb'),
      address:
        [get('street_number'), get('address_1'), get('address_2')].filter((p) => p !== null).join(' ') ||
        null,
      postcode: get('postcode'),
    };
  });
}

let handle: TestDatabase;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(async () => {
  await handle?.close();
});

describe('duplicate detection quality on FEBRL through the database', () => {
  const dir = locateFebrl();

  it.each(['dataset1.csv', 'dataset2.csv'])(
    '%s: F1 of stored pairs decided duplicate ≥ 0.95',
    async (file) => {
      const rows = readFebrl(join(dir, file));
      const { ctx } = await seedWorkspace(handle.db);
      const col = <T>(pick: (r: FebrlRow) => T) => rows.map(pick);
      await handle.db.execute(sql`
        insert into clients (id, workspace_id, kind, first_name, last_name, birthday, inn, city, address, custom,
          display_name, match_key)
        select id, ${ctx.workspaceId}::uuid, 'person', first_name, last_name, birthday, inn, city, address,
          case when postcode is null then '{}'::jsonb else jsonb_build_object('postcode', postcode) end,
          display_name, match_key
        from unnest(${arrayParam(
          col((r) => r.id),
          'uuid',
        )}, ${arrayParam(
          col((r) => r.firstName),
          'text',
        )}, ${arrayParam(
          col((r) => r.lastName),
          'text',
        )}, ${arrayParam(
          col((r) => r.birthday),
          'date',
        )}, ${arrayParam(
          col((r) => r.inn),
          'text',
        )}, ${arrayParam(
          col((r) => r.city),
          'text',
        )}, ${arrayParam(
          col((r) => r.address),
          'text',
        )}, ${arrayParam(
          col((r) => r.postcode),
          'text',
        )}, ${arrayParam(
          col(
            (r) =>
              personDisplayName({ lastName: r.lastName ?? undefined, firstName: r.firstName ?? undefined }) ||
              r.recId,
          ),
          'text',
        )}, ${arrayParam(
          col((r) => matchKey(r.lastName, r.firstName)),
          'text',
        )}) as t(id, first_name, last_name, birthday, inn, city, address, postcode, display_name, match_key)`);

      const result = await scanDuplicates(handle.db, ctx.workspaceId);
      expect(result.clientsScanned).toBe(rows.length);

      const recOf = new Map(rows.map((r) => [r.id, r]));
      const found = (
        await handle.db
          .select({ a: duplicatePairs.clientA, b: duplicatePairs.clientB })
          .from(duplicatePairs)
          .where(
            and(eq(duplicatePairs.workspaceId, ctx.workspaceId), eq(duplicatePairs.decision, 'duplicate')),
          )
      ).map(({ a, b }): [string, string] => [recOf.get(a)!.recId, recOf.get(b)!.recId]);
      const byEntity = new Map<string, string[]>();
      for (const r of rows) byEntity.set(r.entity, [...(byEntity.get(r.entity) ?? []), r.recId]);
      const truth = [...byEntity.values()].flatMap((ids) =>
        ids.flatMap((a, i) => ids.slice(i + 1).map((b): [string, string] => [a, b])),
      );
      const q = pairQuality(found, truth);
      console.log(
        `${file} via the database: ${rows.length} clients, ${result.candidatePairs} candidates, ` +
          `${result.pairs} pairs stored; precision ${q.precision.toFixed(4)}, recall ${q.recall.toFixed(4)}, ` +
          `F1 ${q.f1.toFixed(4)} (tp ${q.tp}, fp ${q.fp}, fn ${q.fn})`,
      );
      expect(q.f1).toBeGreaterThanOrEqual(0.95);
    },
    180_000,
  );
});
