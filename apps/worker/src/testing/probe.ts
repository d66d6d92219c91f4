import type { DatabaseHandle } from '@cb/db';
import { execute } from '@cb/db';
import { z } from 'zod';
import { defineProcessor } from '../processors/index.ts';

/** A test queue whose processor records each job it completes, to count duplicates and losses. */
export const PROBE_QUEUE = 'test.probe';

export async function createProbeTables(database: DatabaseHandle): Promise<void> {
  await execute(database, 'create table probe_attempt (job_id uuid not null, worker text not null)');
  await execute(
    database,
    'create table probe_done (job_id uuid primary key, worker text not null, done_at timestamptz not null default now())',
  );
}

/** Records every attempt, then the job id under a unique key: a job done twice fails loudly. */
export function probeProcessor(worker: string) {
  return defineProcessor({
    queue: PROBE_QUEUE,
    payload: z.object({ n: z.number().int() }),
    // The whole fetched batch in one call.
    groupKey: () => 'batch',
    async handle(jobs, { database }) {
      // A little work per batch, so that a backlog is shared between workers instead of one
      // worker draining it before the other's next fetch.
      await new Promise((resolve) => setTimeout(resolve, 20));
      const ids = jobs.map((job) => job.id);
      await execute(database, 'insert into probe_attempt (job_id, worker) select unnest($1::uuid[]), $2', [
        ids,
        worker,
      ]);
      await execute(database, 'insert into probe_done (job_id, worker) select unnest($1::uuid[]), $2', [
        ids,
        worker,
      ]);
    },
  });
}
