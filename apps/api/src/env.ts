import { resolve } from 'node:path';
import { z } from 'zod';

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** The API's whole configuration, read and validated here and nowhere else. */
const ZEnv = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  /** A PostgreSQL server; when unset the API runs on embedded PGlite in CB_DATA_DIR. */
  DATABASE_URL: z.string().url().optional(),
  /** PGlite's data folder; relative paths are taken from where the command was run (INIT_CWD). */
  CB_DATA_DIR: z.string().min(1).default('./.data'),
  /** pnpm and npm set this to the folder the user ran `pnpm start` in. */
  INIT_CWD: z.string().min(1).optional(),
  /** Seed the demo workspace (~2,000 clients with a year of history) on start, once. */
  CB_DEMO: flag.default(false),
  /**
   * `embedded`: this process also runs the background worker (always right for PGlite). `off`: only
   * the API — with a PostgreSQL server, run workers apart with `pnpm --filter @cb/worker start`.
   */
  CB_WORKER: z.enum(['embedded', 'off']).default('embedded'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The address people open in a browser; invite links and the start-up message use it. */
  PUBLIC_URL: z.string().url().optional(),
  /** Behind a reverse proxy: take the client's IP (for sign-in rate limits) from X-Forwarded-For. */
  TRUST_PROXY: flag.default(false),
  /** The built web app served at `/` in production; default `apps/web/dist` of this repository. */
  WEB_DIST_DIR: z.string().min(1).optional(),
  /** Largest import file accepted by `POST /api/imports`, in bytes (2 GiB). */
  CB_IMPORT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(2 * 1024 ** 3),
  /** Session cookies live this many days. */
  SESSION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
});
export type Env = z.infer<typeof ZEnv> & { dataDir: string };

/** Parses the environment; a bad value stops start-up with a message naming the variable. */
export function readEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = ZEnv.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new EnvError(`Invalid environment:\n${lines.join('\n')}`);
  }
  return { ...parsed.data, dataDir: resolve(parsed.data.INIT_CWD ?? process.cwd(), parsed.data.CB_DATA_DIR) };
}

export class EnvError extends Error {}
