import pino, { type Logger } from 'pino';
import { inject } from 'vitest';

/** True when the suite runs against the PostgreSQL server (CB_TEST_DATABASE_URL), not PGlite. */
export const onServer = inject('cbServerTemplate') !== '';

export function quietLogger(): Logger {
  return pino({ level: 'silent' });
}

/** Polls `probe` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false>,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${options.what ?? 'a condition'}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}
