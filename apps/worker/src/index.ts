/** Jobs on a PostgreSQL-backed queue (pg-boss): recompute of temperatures and segments. Grows in the API/worker issue. */
export const workerQueues = ['client.recompute'] as const;
