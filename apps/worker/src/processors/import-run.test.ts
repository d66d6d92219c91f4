import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execute, getImportById, startImport } from '@cb/db';
import { openTestDatabase, seedWorkspace, type TestDatabase } from '@cb/db/testing';
import type { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { registerImport } from '../import/inspect.ts';
import { quietLogger, waitFor } from '../testing/helpers.ts';
import { startWorker } from '../worker.ts';
import { importRunProcessor } from './import-run.ts';
import { defineProcessor, type ProcessorContext } from './processor.ts';

let database: TestDatabase;
let dir = '';

beforeAll(async () => {
  database = await openTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'cb-import-run-processor-'));
});
afterAll(async () => {
  await database?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A queued import of two clients whose run is marked as held by another worker, heartbeat 60 s old. */
async function importHeldElsewhere() {
  const { ctx } = await seedWorkspace(database.db, { settings: { defaultRegion: 'RU' } });
  const path = join(dir, `${crypto.randomUUID()}.csv`);
  await writeFile(path, 'ID;ФИО\nP1;Первый Клиент\nP2;Второй Клиент\n');
  const row = await registerImport(database, ctx, { path, fileName: 'clients.csv' });
  const started = await startImport(database.db, ctx, row.id, { matchBy: ['externalId'], action: 'skip' });
  expect(started.ok).toBe(true);
  const token = crypto.randomUUID();
  await execute(
    database,
    `update imports set status = 'running', run_token = $2::uuid, heartbeat_at = now() - interval '60 seconds'
     where id = $1::uuid`,
    [row.id, token],
  );
  return { importId: row.id, token };
}

/** The processor's context: the handle and a logger; the pg-boss instance only keys its stop signals. */
const context = (importStallSeconds: number | undefined): ProcessorContext => ({
  database,
  boss: {} as PgBoss,
  logger: quietLogger(),
  now: () => new Date(),
  importStallSeconds,
});

describe('importRunProcessor', () => {
  it.each([
    { stall: 120, taken: false },
    { stall: 30, taken: true },
    // Unset: the engine's default of 30 seconds.
    { stall: undefined, taken: true },
  ])(
    'with a stall setting of $stall s, a run silent for 60 s is taken over: $taken',
    async ({ stall, taken }) => {
      const { importId, token } = await importHeldElsewhere();
      await importRunProcessor.handle([{ id: 'job-1', data: { importId } }], context(stall));
      const row = await getImportById(database.db, importId);
      if (taken) {
        expect(row).toMatchObject({ status: 'completed', counts: { rowsDone: 2, created: 2 } });
        expect(row?.runToken).not.toBe(token);
      } else {
        expect(row).toMatchObject({ status: 'running', runToken: token, counts: { rowsDone: 0 } });
      }
    },
  );
});

describe('startWorker', () => {
  it("gives processors the worker's import stall setting", async () => {
    const seen: (number | undefined)[] = [];
    const probe = defineProcessor({
      queue: 'test.import-stall-probe',
      payload: z.strictObject({}),
      async handle(_jobs, ctx) {
        seen.push(ctx.importStallSeconds);
      },
    });
    const worker = await startWorker({
      database,
      logger: quietLogger(),
      pollIntervalSeconds: 0.5,
      relay: false,
      fullRecomputeCron: null,
      outboxPruneCron: null,
      duplicatesScanCron: null,
      importSweepSeconds: null,
      importStallSeconds: 95,
      processors: [probe],
    });
    try {
      await worker.boss.send('test.import-stall-probe', {});
      await waitFor(async () => seen.length > 0, { what: 'the probe job' });
      expect(seen).toEqual([95]);
    } finally {
      await worker.stop();
    }
  });
});
