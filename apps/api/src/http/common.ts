import type { DatabaseHandle } from '@cb/db';
import type { Role } from '@cb/domain';
import { TRPCError } from '@trpc/server';
import type { Context as HonoContext } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from '../log.ts';
import { type Auth, resolveAuth } from '../trpc/context.ts';
import { type WorkspaceContext, workspaceAccess } from '../trpc/init.ts';

/** Per-request values every route can read. */
export type Vars = { Variables: { requestId: string; log: Logger } };
export type Ctx = HonoContext<Vars>;

/** What the plain HTTP routes (`/api/…`: uploads and downloads) get from `createApp`. */
export type HttpDeps = {
  database: DatabaseHandle;
  now: () => Date;
  /** Where uploads may be spooled (defaults to the OS temp folder). */
  tempDir?: string;
};

export type WireIssue = { field: string; message: string; code?: string };

const TRPC_CODES: Record<number, { code: string; rpc: number }> = {
  400: { code: 'BAD_REQUEST', rpc: -32600 },
  401: { code: 'UNAUTHORIZED', rpc: -32001 },
  403: { code: 'FORBIDDEN', rpc: -32003 },
  404: { code: 'NOT_FOUND', rpc: -32004 },
  409: { code: 'CONFLICT', rpc: -32009 },
  413: { code: 'PAYLOAD_TOO_LARGE', rpc: -32013 },
  415: { code: 'UNSUPPORTED_MEDIA_TYPE', rpc: -32015 },
  500: { code: 'INTERNAL_SERVER_ERROR', rpc: -32603 },
};

/**
 * The error envelope of the plain HTTP routes: the same shape as a tRPC error, so the web app reads
 * both with one function — `error.message`, `error.data.code`, `error.data.issues` by field.
 */
export function errorBody(httpStatus: number, message: string, requestId: string, issues?: WireIssue[]) {
  const known = TRPC_CODES[httpStatus] ?? TRPC_CODES[500]!;
  return {
    error: {
      message,
      code: known.rpc,
      data: { code: known.code, httpStatus, path: null, requestId, ...(issues ? { issues } : {}) },
    },
  };
}

export function problem(c: Ctx, httpStatus: ContentfulStatusCode, message: string, issues?: WireIssue[]) {
  return c.json(errorBody(httpStatus, message, c.get('requestId'), issues), httpStatus);
}

const STATUS_OF: Partial<Record<TRPCError['code'], ContentfulStatusCode>> = {
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_REQUEST: 400,
  CONFLICT: 409,
};

/**
 * The caller's workspace for a plain HTTP route, with the same rules as a tRPC procedure of
 * `minRole`; a refusal comes back as the response to return.
 */
export async function httpWorkspace(
  c: Ctx,
  deps: HttpDeps,
  minRole: Role,
): Promise<{ auth: Auth; ws: WorkspaceContext } | Response> {
  const db = deps.database.db;
  const auth = await resolveAuth(db, c.req.raw.headers, deps.now());
  try {
    return await workspaceAccess({ auth, db, requestId: c.get('requestId') }, minRole);
  } catch (error) {
    if (error instanceof TRPCError) return problem(c, STATUS_OF[error.code] ?? 403, error.message);
    throw error;
  }
}
