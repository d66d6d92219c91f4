import { fileURLToPath } from 'node:url';
import { createDatabase } from '@cb/db';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { EnvError, readEnv } from './env.ts';
import { createLogger } from './log.ts';

async function main() {
  const env = readEnv();
  const log = createLogger(env.LOG_LEVEL);
  const database = await createDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.CB_DATA_DIR });
  const publicUrl = env.PUBLIC_URL ?? `http://localhost:${env.PORT}`;
  const webDist = env.WEB_DIST_DIR ?? fileURLToPath(new URL('../../web/dist', import.meta.url));
  const app = createApp({
    database,
    log,
    trustProxy: env.TRUST_PROXY,
    webDist: env.NODE_ENV === 'production' ? webDist : null,
    config: { secureCookies: env.NODE_ENV === 'production', sessionDays: env.SESSION_DAYS, publicUrl },
  });
  const server = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST }, () => {
    log.info({ port: env.PORT, database: database.kind }, 'listening');
    console.log(`\nClient Base is running at ${publicUrl} (${database.kind})`);
    console.log(`  Open ${publicUrl} and sign up: the first account creates your workspace and owns it.`);
    console.log(`  API: ${publicUrl}/trpc (e.g. POST ${publicUrl}/trpc/auth.signIn {"email","password"})\n`);
  });
  const stop = async () => {
    server.close();
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
