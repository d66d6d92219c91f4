import { userInfo } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { type Actor, createDatabase, type DatabaseHandle, listAllWorkspaces } from '@cb/db';

/** A refusal to show the operator: one line, no stack, exit code 2 (bad usage) or 1 (failed). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export type CliIo = {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: Record<string, string | undefined>;
};

/**
 * Who runs the command, for the audit log: an operator, by `CB_OPERATOR` (a shared login such as
 * root can say who sits at it) or else the login on this machine.
 */
export function operatorActor(env: CliIo['env']): Extract<Actor, { kind: 'operator' }> {
  let login: string | null = null;
  try {
    login = userInfo().username || null;
  } catch {
    // No user database entry (a container's numeric user): the audit row names nobody.
  }
  return { kind: 'operator', id: null, name: env.CB_OPERATOR?.trim().slice(0, 100) || login };
}

/** A path as the operator typed it: relative to where `pnpm cb` was run (pnpm sets INIT_CWD). */
export function userPath(path: string, env: CliIo['env']): string {
  return isAbsolute(path) ? path : resolve(env.INIT_CWD ?? process.cwd(), path);
}

/**
 * The app's database: the PostgreSQL server of `DATABASE_URL`, or the embedded data folder
 * (`CB_DATA_DIR`, default `./.data`). An embedded folder belongs to one process: stop the app first.
 */
export async function openCliDatabase(env: CliIo['env']): Promise<DatabaseHandle> {
  const databaseUrl = env.DATABASE_URL || undefined;
  const dataDir = userPath(env.CB_DATA_DIR ?? './.data', env);
  return createDatabase({ databaseUrl, dataDir });
}

/** The workspace to act in: `--workspace` (id or exact name), or the only one there is. */
export async function resolveWorkspace(
  database: DatabaseHandle,
  given: string | undefined,
): Promise<{ id: string; name: string }> {
  const rows = await listAllWorkspaces(database.db);
  if (given) {
    const found = rows.find((w) => w.id === given || w.name === given);
    if (!found) throw new CliError(`--workspace: no workspace "${given}" (there are: ${names(rows)})`);
    return found;
  }
  if (rows.length === 1) return rows[0]!;
  if (rows.length === 0) throw new CliError('There is no workspace yet: sign up in the app first', 1);
  throw new CliError(`--workspace is needed: there are ${rows.length} (${names(rows)})`);
}

function names(rows: { name: string }[]): string {
  return rows
    .slice(0, 10)
    .map((w) => JSON.stringify(w.name))
    .join(', ');
}

/**
 * A progress line: a bar redrawn in place on a terminal, a plain line every 10% otherwise (logs
 * of a CI job or `nohup` stay readable).
 */
export function progressBar(out: CliIo['stderr'], label: string) {
  let lastDecile = -1;
  let drawn = false;
  return {
    update(done: number, total: number | null, extra = '') {
      const fraction = total && total > 0 ? Math.min(1, done / total) : null;
      if (out.isTTY) {
        const width = Math.max(10, Math.min(40, (out.columns ?? 80) - 60));
        const filled = fraction === null ? 0 : Math.round(fraction * width);
        const bar = fraction === null ? '' : `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] `;
        const pct = fraction === null ? '' : `${(fraction * 100).toFixed(1)}% `;
        out.write(`\r${label} ${bar}${pct}${done.toLocaleString('en')} rows ${extra}\u001b[K`);
        drawn = true;
        return;
      }
      const decile = fraction === null ? Math.floor(done / 100_000) : Math.floor(fraction * 10);
      if (decile !== lastDecile) {
        lastDecile = decile;
        const pct = fraction === null ? '' : ` ${(fraction * 100).toFixed(0)}%`;
        out.write(`${label}${pct} ${done.toLocaleString('en')} rows ${extra}\n`);
      }
    },
    done() {
      if (drawn) out.write('\n');
    },
  };
}
