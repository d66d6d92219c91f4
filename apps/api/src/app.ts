import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { DatabaseHandle } from '@cb/db';
import { getConnInfo } from '@hono/node-server/conninfo';
import { serveStatic } from '@hono/node-server/serve-static';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { errorBody, type Vars } from './http/common.ts';
import { duplicateRoutes } from './http/duplicates.ts';
import { exportRoutes } from './http/exports.ts';
import { importRoutes } from './http/imports.ts';
import { createLogger, type Logger } from './log.ts';
import { appRouter } from './routers/index.ts';
import { type ApiConfig, type DeadLetterStore, defaultApiConfig, resolveAuth } from './trpc/context.ts';

export type AppDeps = {
  database: DatabaseHandle;
  config?: Partial<ApiConfig>;
  log?: Logger;
  /** Take the client's IP from X-Forwarded-For (behind a trusted reverse proxy). */
  trustProxy?: boolean;
  /** The built web app to serve at `/` (production); skipped when the folder does not exist. */
  webDist?: string | null;
  /** The clock, replaceable in tests. */
  now?: () => Date;
  /** Largest import upload in bytes (default 2 GiB). */
  importMaxBytes?: number;
  /** The job queue's dead letters (the worker's queue); none when the process runs no queue. */
  deadLetters?: DeadLetterStore | null;
};

/** Largest request body: generous for a client card, far below anything that strains the server. */
const MAX_BODY_BYTES = 1024 * 1024;
const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The HTTP application: health, tRPC at /trpc, and (in production) the built web app. */
export function createApp(deps: AppDeps) {
  const config: ApiConfig = { ...defaultApiConfig, ...deps.config };
  const rootLog = deps.log ?? createLogger('silent');
  const now = deps.now ?? (() => new Date());
  const app = new Hono<Vars>();

  // One request id per request: the caller's (if sane) or a new one, echoed and logged.
  app.use(async (c, next) => {
    const given = c.req.header('x-request-id');
    const requestId = given && REQUEST_ID.test(given) ? given : randomUUID();
    const log = rootLog.child({ requestId });
    c.set('requestId', requestId);
    c.set('log', log);
    const started = performance.now();
    await next();
    c.header('x-request-id', requestId);
    log.info(
      {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
      },
      'request',
    );
  });

  app.onError((error, c) => {
    c.get('log')?.error({ err: error }, 'unhandled error');
    return c.json(errorBody(500, 'Internal server error', c.get('requestId') ?? ''), 500);
  });

  app.get('/health', async (c) => {
    await deps.database.db.execute('select 1');
    return c.json({ status: 'ok', database: deps.database.kind });
  });

  app.use(
    '/trpc/*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) =>
        c.json(errorBody(413, 'The request body is larger than 1 MiB', c.get('requestId')), 413),
    }),
  );

  app.all('/trpc/*', (c) => {
    const requestId = c.get('requestId');
    const log = c.get('log');
    return fetchRequestHandler({
      endpoint: '/trpc',
      req: c.req.raw,
      router: appRouter,
      createContext: async ({ req, resHeaders }) => ({
        db: deps.database.db,
        config,
        requestId,
        log,
        ip: clientIp(c, deps.trustProxy ?? false),
        resHeaders,
        now,
        auth: await resolveAuth(deps.database.db, req.headers, now()),
        deadLetters: deps.deadLetters ?? null,
      }),
      onError: ({ error, path, type }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR')
          log.error({ err: error.cause ?? error, path, type }, 'procedure failed');
        else log.debug({ code: error.code, path, type, message: error.message }, 'procedure refused');
      },
    });
  });

  // Plain HTTP for what tRPC's JSON does not carry: file uploads and downloads.
  const httpDeps = { database: deps.database, now };
  importRoutes(app, { ...httpDeps, importMaxBytes: deps.importMaxBytes });
  duplicateRoutes(app, httpDeps);
  exportRoutes(app, httpDeps);

  if (deps.webDist && existsSync(join(deps.webDist, 'index.html'))) serveWebApp(app, deps.webDist);
  return app;
}

/** Static files of the built web app, and its index.html for every other GET (client-side routes). */
function serveWebApp(app: Hono<Vars>, webDist: string) {
  const index = readFileSync(join(webDist, 'index.html'), 'utf8');
  app.use('/*', serveStatic({ root: relative(process.cwd(), webDist) || '.' }));
  app.get('*', (c) => (/^\/(trpc|api)(\/|$)/.test(c.req.path) ? c.notFound() : c.html(index)));
}

function clientIp(c: Parameters<typeof getConnInfo>[0], trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded.slice(0, 64);
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // `app.request` in tests has no socket.
    return 'unknown';
  }
}
