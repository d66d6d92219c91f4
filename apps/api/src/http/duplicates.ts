import type { Hono } from 'hono';
import type { HttpDeps, Vars } from './common.ts';

/** `GET /api/duplicates.csv`: every candidate pair with both external ids and the score. */
export function duplicateRoutes(_app: Hono<Vars>, _deps: HttpDeps): void {}
