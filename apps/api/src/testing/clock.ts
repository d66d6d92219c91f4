import { openTestDatabase } from '@cb/db/testing';
import { createApp } from '../app.ts';
import type { TestApp } from './harness.ts';

/** A settable clock for the app under test: `ctx.now()` answers `clock.now` until it is set again. */
export type TestClock = { now: Date };

/**
 * Like `openTestApp`, with the request clock pinned: what a procedure calls "now" (months, days,
 * overdue tasks) is `clock.now`, so the answers do not depend on the day the suite runs.
 */
export async function openTestAppAt(clock: TestClock): Promise<TestApp> {
  const database = await openTestDatabase();
  const app = createApp({ database, trustProxy: true, now: () => clock.now });
  return { database, app, close: () => database.close() };
}
