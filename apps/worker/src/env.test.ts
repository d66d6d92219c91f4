import { describe, expect, it } from 'vitest';
import { EnvError, readEnv } from './env.ts';

const url = 'postgres://cb@db:5432/cb';

describe('readEnv', () => {
  it('applies the defaults', () => {
    expect(readEnv({ DATABASE_URL: url })).toEqual({
      DATABASE_URL: url,
      LOG_LEVEL: 'info',
      CB_WORKER_POLL_INTERVAL_SECONDS: 2,
      CB_WORKER_BATCH_SIZE: 20,
      CB_WORKER_CONCURRENCY: 2,
      CB_WORKER_DB_CONNECTIONS: 6,
      CB_RELAY_BATCH_SIZE: 1000,
      CB_RELAY: true,
      CB_FULL_RECOMPUTE_CRON: '0 * * * *',
      CB_IMPORT_SWEEP_SECONDS: 15,
      CB_IMPORT_STALL_SECONDS: 30,
      CB_JOB_RETRY_LIMIT: 5,
      CB_JOB_RETRY_DELAY_SECONDS: 5,
    });
  });

  it.each([
    { env: {}, variable: 'DATABASE_URL' },
    { env: { DATABASE_URL: url, CB_IMPORT_STALL_SECONDS: '1' }, variable: 'CB_IMPORT_STALL_SECONDS' },
    { env: { DATABASE_URL: 'mysql://db/cb' }, variable: 'DATABASE_URL' },
    {
      env: { DATABASE_URL: url, CB_WORKER_POLL_INTERVAL_SECONDS: '0.1' },
      variable: 'CB_WORKER_POLL_INTERVAL_SECONDS',
    },
    { env: { DATABASE_URL: url, CB_WORKER_BATCH_SIZE: 'many' }, variable: 'CB_WORKER_BATCH_SIZE' },
    { env: { DATABASE_URL: url, CB_RELAY: 'yes' }, variable: 'CB_RELAY' },
    { env: { DATABASE_URL: url, CB_FULL_RECOMPUTE_CRON: 'hourly' }, variable: 'CB_FULL_RECOMPUTE_CRON' },
    {
      env: { DATABASE_URL: url, CB_FULL_RECOMPUTE_CRON: 'every one hour ok then' },
      variable: 'CB_FULL_RECOMPUTE_CRON',
    },
    { env: { DATABASE_URL: url, LOG_LEVEL: 'loud' }, variable: 'LOG_LEVEL' },
  ])('stops on a bad $variable, naming it', ({ env, variable }) => {
    expect(() => readEnv(env)).toThrow(EnvError);
    expect(() => readEnv(env)).toThrow(new RegExp(`${variable}:`));
  });

  it.each([
    { value: 'off', expected: 'off' },
    { value: '*/15 * * * *', expected: '*/15 * * * *' },
    { value: ' 0 3 * * MON-FRI ', expected: '0 3 * * MON-FRI' },
  ])('accepts the full recompute cron "$value"', ({ value, expected }) => {
    expect(readEnv({ DATABASE_URL: url, CB_FULL_RECOMPUTE_CRON: value }).CB_FULL_RECOMPUTE_CRON).toBe(
      expected,
    );
  });
});
