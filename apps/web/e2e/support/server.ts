import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const apiDir = fileURLToPath(new URL('../../../api', import.meta.url));
export const webDist = fileURLToPath(new URL('../../dist', import.meta.url));

export type RunningApi = {
  /** For the browser: `localhost`, the origin its session cookie belongs to. */
  url: string;
  /** For calls from Node: the address the server listens on (`localhost` may resolve to ::1 first). */
  directUrl: string;
  output: () => string;
  stop: () => Promise<void>;
};

/**
 * The product as a person starts it: the real API process in production mode serving the built web
 * app, on embedded PGlite in `dataDir` (or on `databaseUrl`), the worker in process.
 */
export async function startApi(options: {
  dataDir: string;
  port: number;
  databaseUrl?: string;
  demo?: boolean;
  timeoutMs?: number;
}): Promise<RunningApi> {
  if (!existsSync(`${webDist}/index.html`)) {
    throw new Error(`The web app is not built: run \`pnpm --filter @cb/web build\` first (${webDist})`);
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(options.port),
    HOST: '127.0.0.1',
    CB_DATA_DIR: options.dataDir,
    WEB_DIST_DIR: webDist,
    PUBLIC_URL: `http://localhost:${options.port}`,
    // `CB_E2E_LOG_LEVEL=info CB_E2E_LOG_FILE=/tmp/api.log`: every request and job of the server,
    // with its time, kept in a file (how a failure on a loaded machine was read).
    LOG_LEVEL: process.env.CB_E2E_LOG_LEVEL ?? 'warn',
  };
  delete env.DATABASE_URL;
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  if (options.demo) env.CB_DEMO = '1';
  // Node itself with tsx as a loader, so SIGTERM reaches the server's own shutdown.
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: apiDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    if (process.env.CB_E2E_LOG_FILE) appendFileSync(process.env.CB_E2E_LOG_FILE, chunk);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  while (Date.now() < deadline) {
    if (output.includes('Client Base is running at')) {
      return {
        url: `http://localhost:${options.port}`,
        directUrl: `http://127.0.0.1:${options.port}`,
        output: () => output,
        stop,
      };
    }
    if (child.exitCode !== null) throw new Error(`The API did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stop();
  throw new Error(`The API did not start in time:\n${output}`);
}

/** A free-enough port per run, away from the developer's 3000 and the API tests' range. */
export function pickPort(base: number): number {
  return base + Math.floor(Math.random() * 400);
}
