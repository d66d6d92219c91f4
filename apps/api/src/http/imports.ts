import type { Hono } from 'hono';
import type { HttpDeps, Vars } from './common.ts';

/** `POST /api/imports` (upload) and `GET /api/imports/:id/errors.csv`. */
export function importRoutes(_app: Hono<Vars>, _deps: HttpDeps): void {}
