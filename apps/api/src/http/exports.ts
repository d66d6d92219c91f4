import type { Hono } from 'hono';
import type { HttpDeps, Vars } from './common.ts';

/** `GET /api/exports/…`: a list view, segment or static list as CSV or XLSX, streamed and audited. */
export function exportRoutes(_app: Hono<Vars>, _deps: HttpDeps): void {}
