import type { DbFailure, MemberFailure } from '@cb/db';
import type { FieldIssue, Result } from '@cb/domain';
import { TRPCError } from '@trpc/server';

/*
 * The one place where failures become tRPC errors. Handlers call `orThrow` / `issuesOrThrow` /
 * `failure`; the error formatter (`formatError`) turns what these carry into `data.issues` and
 * `data.conflict` on the wire.
 */

export type WireIssue = { field: string; message: string; code?: string };

/** Carried as the cause of a BAD_REQUEST: the field-level problems to show next to each field. */
export class FieldIssuesError extends Error {
  constructor(readonly issues: WireIssue[]) {
    super(issues.map((i) => `${i.field || '(input)'}: ${i.message}`).join('; '));
    this.name = 'FieldIssuesError';
  }
}

/** Carried as the cause of a CONFLICT: the other record holding the value. */
export class ConflictError extends Error {
  constructor(
    message: string,
    readonly field: string | null,
    readonly other: { entity: string; id: string; name: string } | null,
  ) {
    super(message);
    this.name = 'ConflictError';
  }
}

export function badRequest(issues: WireIssue[]): TRPCError {
  const cause = new FieldIssuesError(issues);
  return new TRPCError({ code: 'BAD_REQUEST', message: cause.message, cause });
}

export function prefixed(prefix: string, issues: FieldIssue[]): FieldIssue[] {
  return issues.map((i) => ({ ...i, field: i.field ? `${prefix}.${i.field}` : prefix }));
}

export type ApiFailure = DbFailure | MemberFailure | { code: 'bad_cursor' };

export function failure(f: ApiFailure): TRPCError {
  switch (f.code) {
    case 'not_found':
      // The id is not echoed: the caller sent it, and a message without it is the same for
      // "does not exist" and "is in another workspace".
      return new TRPCError({ code: 'NOT_FOUND', message: `No such ${f.entity.replace('_', ' ')}` });
    case 'conflict': {
      const cause = new ConflictError(f.message, f.field, f.other ?? null);
      return new TRPCError({ code: 'CONFLICT', message: f.message, cause });
    }
    case 'stale':
      return new TRPCError({
        code: 'CONFLICT',
        message: f.message,
        cause: new ConflictError(f.message, 'expectedVersion', null),
      });
    case 'forbidden':
      return new TRPCError({ code: 'FORBIDDEN', message: f.message });
    case 'bad_cursor':
      return badRequest([{ field: 'cursor', message: 'The cursor is not valid', code: 'cursor_invalid' }]);
  }
}

export function orThrow<T>(result: Result<T, ApiFailure>): T {
  if (!result.ok) throw failure(result.error);
  return result.value;
}

export function issuesOrThrow<T>(result: Result<T, FieldIssue[]>, prefix?: string): T {
  if (!result.ok) throw badRequest(prefix ? prefixed(prefix, result.error) : result.error);
  return result.value;
}

export function notFound(entity: string, id: string): TRPCError {
  return failure({ code: 'not_found', entity, id });
}

/** Issues of a failed input parse: zod's own error, or a Standard Schema error. */
function schemaIssues(cause: unknown): WireIssue[] | null {
  if (cause instanceof FieldIssuesError) return cause.issues;
  if (typeof cause !== 'object' || cause === null || !('issues' in cause)) return null;
  const issues = (cause as { issues: unknown }).issues;
  if (!Array.isArray(issues)) return null;
  return issues.map((raw) => {
    const i = raw as { path?: readonly unknown[]; message?: unknown; code?: unknown };
    const field = (i.path ?? [])
      .map((p) =>
        typeof p === 'object' && p !== null && 'key' in p ? String((p as { key: unknown }).key) : String(p),
      )
      .join('.');
    return {
      field,
      message: typeof i.message === 'string' ? i.message : 'Invalid value',
      ...(typeof i.code === 'string' ? { code: i.code } : {}),
    };
  });
}

export type ErrorData = {
  code: string;
  httpStatus: number;
  path: string | null;
  requestId: string | null;
  /** Every problem with the input, each naming its field (`phones.0.number`, `custom.size`). */
  issues?: WireIssue[];
  /** For CONFLICT: the field, and the other record that holds the value. */
  conflict?: { field: string | null; other: { entity: string; id: string; name: string } | null };
};

type Shape = { message: string; code: number; data: { code: string; httpStatus: number; path?: string } };

/**
 * The error formatter: no stack, no internal message, and the details a client needs to show the
 * problem next to the field. Internal errors say only that they happened (and the request id).
 */
export function formatError(shape: Shape, error: TRPCError, requestId: string | null) {
  const data: ErrorData = {
    code: shape.data.code,
    httpStatus: shape.data.httpStatus,
    path: shape.data.path ?? null,
    requestId,
  };
  let message = shape.message;
  if (error.code === 'INTERNAL_SERVER_ERROR') {
    message = 'Internal server error';
  } else if (error.code === 'BAD_REQUEST') {
    const issues = schemaIssues(error.cause);
    if (issues) {
      data.issues = issues;
      message = new FieldIssuesError(issues).message;
    }
  } else if (error.code === 'CONFLICT' && error.cause instanceof ConflictError) {
    data.conflict = { field: error.cause.field, other: error.cause.other };
  } else if (error.code === 'PARSE_ERROR') {
    message = 'The request body or input is not valid JSON';
  }
  return { message, code: shape.code, data };
}
