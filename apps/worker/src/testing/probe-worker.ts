/**
 * A worker process for the multi-worker test: `probe-worker.ts <database url> <name>`. Runs the
 * real `startWorker` with the probe processor only, says "ready" on stdout, stops on SIGTERM.
 */
import { createDatabase } from '@cb/db';
import pino from 'pino';
import { startWorker } from '../worker.ts';
import { probeProcessor } from './probe.ts';

const [databaseUrl, name] = process.argv.slice(2);
if (!databaseUrl || !name) {
  process.stderr.write('usage: probe-worker.ts <database url> <name>\n');
  process.exit(2);
}

const database = await createDatabase({ databaseUrl, migrate: false, maxConnections: 4 });
const worker = await startWorker({
  database,
  databaseUrl,
  logger: pino({ level: 'warn', base: { worker: name } }, pino.destination(2)),
  processors: [probeProcessor(name)],
  relay: false,
  fullRecomputeCron: null,
  outboxPruneCron: null,
  pollIntervalSeconds: 0.5,
  batchSize: 25,
  concurrency: 2,
});
process.stdout.write('ready\n');

process.on('SIGTERM', () => {
  worker
    .stop()
    .then(() => database.close())
    .then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`${String(error)}\n`);
        process.exit(1);
      },
    );
});
