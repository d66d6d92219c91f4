import type { SqlExecutor } from '@cb/db';
import type { Db as BossDb } from 'pg-boss';

/** pg-boss's executor interface over a transaction from `@cb/db` `inTransaction`. */
export function bossExecutor(execute: SqlExecutor): BossDb {
  return { executeSql: execute };
}
