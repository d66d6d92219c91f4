import { fileURLToPath } from 'node:url';
import { createDatabase, DEMO_OWNER_EMAIL, enqueueWorkspaceRecompute, seedDemoWorkspace } from '@cb/db';
import { listDeadLetters, openQueue, redriveDeadLetters, startWorker } from '@cb/worker';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { hashPassword } from './auth/password.ts';
import { EnvError, readEnv } from './env.ts';
import { createLogger } from './log.ts';

/** The demo owner's password: printed at start, it is a demo. */
const DEMO_PASSWORD = 'demo-password';

async function main() {
  const env = readEnv();
  const log = createLogger(env.LOG_LEVEL);
  const database = await createDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.dataDir });
  const publicUrl = env.PUBLIC_URL ?? `http://localhost:${env.PORT}`;

  let demo: { workspaceId: string; created: boolean } | null = null;
  if (env.CB_DEMO) {
    demo = await seedDemoWorkspace(database.db, {
      now: new Date(),
      ownerPasswordHash: await hashPassword(DEMO_PASSWORD),
    });
    // Temperatures, stages and segment members of the seeded base come from the worker's recompute.
    if (demo.created) await enqueueWorkspaceRecompute(database.db, demo.workspaceId);
  }

  // Embedded: the worker lives in this process (on PGlite it must: one process owns the data folder).
  const worker =
    env.CB_WORKER === 'embedded' || database.kind === 'pglite'
      ? await startWorker({ database, logger: log, databaseUrl: env.DATABASE_URL })
      : null;
  const queue = worker ? null : await openQueue({ database, logger: log, databaseUrl: env.DATABASE_URL });
  const boss = (worker ?? queue)!.boss;

  const webDist = env.WEB_DIST_DIR ?? fileURLToPath(new URL('../../web/dist', import.meta.url));
  const app = createApp({
    database,
    log,
    trustProxy: env.TRUST_PROXY,
    importMaxBytes: env.CB_IMPORT_MAX_BYTES,
    webDist: env.NODE_ENV === 'production' ? webDist : null,
    config: { secureCookies: env.NODE_ENV === 'production', sessionDays: env.SESSION_DAYS, publicUrl },
    deadLetters: {
      list: (options) => listDeadLetters(boss, options),
      redrive: (ids) => redriveDeadLetters(boss, { ids }),
    },
  });
  const server = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST }, () => {
    log.info({ port: env.PORT, database: database.kind, worker: Boolean(worker) }, 'listening');
    const where = database.kind === 'pglite' ? `embedded PostgreSQL in ${env.dataDir}` : 'PostgreSQL server';
    console.log(`\nClient Base is running at ${publicUrl} (${where}${worker ? ', worker in process' : ''})`);
    if (demo) {
      console.log(`  Demo workspace: sign in as ${DEMO_OWNER_EMAIL} / ${DEMO_PASSWORD}`);
    }
    console.log(`  Open ${publicUrl} and sign up: the first account creates your workspace and owns it.`);
    console.log(`  API: ${publicUrl}/trpc (e.g. POST ${publicUrl}/trpc/auth.signIn {"email","password"})\n`);
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    server.close();
    await worker?.stop();
    await queue?.stop();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof EnvError ? error.message : error);
  process.exit(1);
});
