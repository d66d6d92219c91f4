import { isTrpcError } from './trpc.ts';

export type FieldErrors = Record<string, string>;

export type WireIssue = { field?: string; message?: string; code?: string };
export type ConflictInfo = {
  field?: string | null;
  other?: { entity: string; id: string; name: string } | null;
};

/** What the UI needs from a failed call: a message to show and the field errors to put by their fields. */
export type ApiProblem = {
  code: string;
  message: string;
  fields: FieldErrors;
  /** The issues as sent, with their codes, for a screen that words them itself. */
  issues: WireIssue[];
  /** For a CONFLICT: the field and the other record holding the value. */
  conflict: ConflictInfo | null;
};

/**
 * Reads the API's error shape (`data.issues[{field, code, message}]`) into field errors keyed by
 * field path (`phones.0.number`); anything that is not a tRPC error becomes a network problem.
 */
export function toProblem(error: unknown): ApiProblem {
  if (isTrpcError(error)) {
    const data = error.data as { code?: string; issues?: WireIssue[]; conflict?: ConflictInfo } | undefined;
    const fields: FieldErrors = {};
    for (const issue of data?.issues ?? []) {
      if (issue.field && issue.message && !(issue.field in fields)) fields[issue.field] = issue.message;
    }
    const conflictField = data?.conflict?.field;
    if (conflictField && !(conflictField in fields)) fields[conflictField] = error.message;
    return {
      code: data?.code ?? 'UNKNOWN',
      message: error.message,
      fields,
      issues: data?.issues ?? [],
      conflict: data?.conflict ?? null,
    };
  }
  return {
    code: 'NETWORK',
    message: error instanceof Error ? error.message : String(error),
    fields: {},
    issues: [],
    conflict: null,
  };
}

/** The error for one field, also matching nested paths (`phones` matches `phones.0.number`). */
export function fieldError(fields: FieldErrors, name: string): string | undefined {
  if (fields[name]) return fields[name];
  const nested = Object.keys(fields).find((k) => k.startsWith(`${name}.`));
  return nested ? fields[nested] : undefined;
}
