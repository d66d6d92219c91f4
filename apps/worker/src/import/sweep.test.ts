import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execute, getImportById, type MutationContext, startImport, undoImport } from '@cb/db';
import { openTestDatabase, seedWorkspace, type TestDatabase } from '@cb/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quietLogger, waitFor } from '../testing/helpers.ts';
import { startWorker, type Worker } from '../worker.ts';
import { registerImport } from './inspect.ts';
import { sweepImports } from './sweep.ts';

/** The import jobs end to end in a real worker: outbox → relay → `import.run` / `import.undo`, and the stall sweep. */
describe('worker: import jobs', () => {
  let database: TestDatabase;
  let worker: Worker;
  let ctx: MutationContext;
  let dir = '';

  beforeAll(async () => {
    database = await openTestDatabase();
    dir = await mkdtemp(join(tmpdir(), 'cb-import-sweep-'));
    ({ ctx } = await seedWorkspace(database.db, { settings: { defaultRegion: 'RU' } }));
    worker = await startWorker({
      database,
      logger: quietLogger(),
      pollIntervalSeconds: 0.5,
      relay: { intervalMs: 100 },
      fullRecomputeCron: null,
      outboxPruneCron: null,
      // The test sweeps by hand, so it knows when.
      importSweepSeconds: null,
    });
  });

  afterAll(async () => {
    await worker?.stop();
    await database?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function uploaded(lines: string[]) {
    const path = join(dir, `${lines.length}-${Math.random().toString(36).slice(2)}.csv`);
    await writeFile(path, `ID,ФИО,Телефон\n${lines.join('\n')}\n`);
    return registerImport(database, ctx, { path, fileName: 'list.csv' });
  }

  const statusOf = async (id: string, status: string) => {
    const row = await getImportById(database.db, id);
    return row?.status === status && row;
  };

  it('runs a started import and undoes it through the queue', async () => {
    const row = await uploaded(['J1,Джобов Иван,+79161110001', 'J2,Джобова Анна,+79161110002']);
    const started = await startImport(database.db, ctx, row.id, { matchBy: ['externalId'], action: 'skip' });
    expect(started.ok).toBe(true);
    worker.wake();
    const done = await waitFor(() => statusOf(row.id, 'completed'), { what: 'the import to complete' });
    expect(done.counts).toMatchObject({ rowsDone: 2, created: 2 });

    const asked = await undoImport(database.db, ctx, row.id);
    expect(asked.ok).toBe(true);
    worker.wake();
    const undone = await waitFor(() => statusOf(row.id, 'undone'), { what: 'the undo' });
    expect(undone.undoReport).toMatchObject({ deleted: 2, kept: [] });
    const { rows } = await execute(
      database,
      'select count(*)::int as n from clients where workspace_id = $1',
      [ctx.workspaceId],
    );
    expect(rows[0]).toEqual({ n: 0 });
  });

  it('the sweep gives a stalled import a new job, which resumes it', async () => {
    const row = await uploaded(['S1,Стоялов Пётр,+79161110003']);
    // Started with no outbox row relayed: as if its job was lost and its worker died mid-run.
    await startImport(database.db, ctx, row.id, { matchBy: ['externalId'], action: 'skip' });
    await execute(database, `update outbox set relayed_at = now() where payload->>'importId' = $1`, [row.id]);
    await execute(
      database,
      `update imports set status = 'running', heartbeat_at = now() - interval '1 hour',
         run_token = gen_random_uuid() where id = $1`,
      [row.id],
    );
    expect(await sweepImports(database, worker.boss, { stallSeconds: 30 })).toBe(1);
    const done = await waitFor(() => statusOf(row.id, 'completed'), { what: 'the swept import' });
    expect(done.counts).toMatchObject({ rowsDone: 1, created: 1 });
    // Nothing left to sweep.
    expect(await sweepImports(database, worker.boss, { stallSeconds: 30 })).toBe(0);
  });
});
