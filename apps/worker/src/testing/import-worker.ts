/**
 * An import run in a process of its own, for the kill-and-resume test:
 * `import-worker.ts <database url> <import id> [chunk rows] [spool dir]`. Prints one JSON line per
 * committed chunk (`{"rowsDone":…}`) and a last line `{"status":…}`; the test SIGKILLs it mid-run.
 */
import { createDatabase } from '@cb/db';
import { runImport } from '../import/run.ts';

const [databaseUrl, importId, chunkRows, tempDir] = process.argv.slice(2);
if (!databaseUrl || !importId) {
  process.stderr.write('usage: import-worker.ts <database url> <import id> [chunk rows] [spool dir]\n');
  process.exit(2);
}

const database = await createDatabase({ databaseUrl, migrate: false, maxConnections: 3 });
try {
  const outcome = await runImport(database, importId, {
    ...(chunkRows ? { chunkRows: Number(chunkRows) } : {}),
    ...(tempDir ? { tempDir } : {}),
    onProgress: (row) => process.stdout.write(`${JSON.stringify({ rowsDone: row.counts.rowsDone })}\n`),
  });
  process.stdout.write(`${JSON.stringify({ status: outcome.status })}\n`);
} finally {
  await database.close();
}
