import { z } from 'zod';

const CRON_FIELD = /^[\d*/,?#LW-]+$|^[A-Za-z]{3}(-[A-Za-z]{3})?$/;
const ZCron = z
  .string()
  .trim()
  .refine(
    (value) => {
      if (value === 'off') return true;
      const fields = value.split(/\s+/);
      return (fields.length === 5 || fields.length === 6) && fields.every((field) => CRON_FIELD.test(field));
    },
    { message: 'expected a cron expression (5 or 6 fields) or "off"' },
  );

const ZBoolean = z.enum(['true', 'false']).transform((value) => value === 'true');

/** The standalone worker's whole configuration, read and validated here and nowhere else. */
const ZEnv = z.object({
  /** The PostgreSQL server the API uses (required: the embedded mode runs inside the API). */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Idle polling interval of the queues, seconds (NOTIFY wakes them sooner). */
  CB_WORKER_POLL_INTERVAL_SECONDS: z.coerce.number().min(0.5).max(600).default(2),
  /** Jobs fetched per poll. */
  CB_WORKER_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(20),
  /** Fetch loops per queue in this process. */
  CB_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  /** Connections of the app pool this process opens (recompute runs on it). */
  CB_WORKER_DB_CONNECTIONS: z.coerce.number().int().min(1).max(200).default(6),
  /** Outbox rows relayed per transaction. */
  CB_RELAY_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(1000),
  /** Runs the outbox relay in this process. */
  CB_RELAY: ZBoolean.default(true),
  /** Cron (UTC) of the full recompute of every workspace, or "off". */
  CB_FULL_RECOMPUTE_CRON: ZCron.default('0 * * * *'),
  /** Retries of a failing job before it is dead-lettered. */
  /** How often this worker looks for imports whose worker died (seconds). */
  CB_IMPORT_SWEEP_SECONDS: z.coerce.number().int().min(1).max(3600).default(15),
  /** An import running with no progress for this long is taken over by another worker (seconds). */
  CB_IMPORT_STALL_SECONDS: z.coerce.number().int().min(5).max(3600).default(30),
  CB_JOB_RETRY_LIMIT: z.coerce.number().int().min(0).max(100).default(5),
  /** First retry delay, seconds; doubled on each retry. */
  CB_JOB_RETRY_DELAY_SECONDS: z.coerce.number().int().min(0).max(3600).default(5),
});
export type Env = z.infer<typeof ZEnv>;

export class EnvError extends Error {}

/** Parses the environment; a bad value stops start-up with a message naming the variable. */
export function readEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = ZEnv.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new EnvError(`Invalid environment:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
