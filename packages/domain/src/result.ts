/**
 * Domain failures are values, not exceptions. A failure names the field it concerns with a path
 * (`phones.0.number`, `inn`) so that the API can hand it to the user next to that field.
 */
export type FieldIssue = {
  /** Dotted path of the offending field, e.g. `phones.1.number`. */
  field: string;
  /** Stable machine code, e.g. `phone_invalid`, `inn_checksum`. */
  code: string;
  /** English sentence for logs and API clients; the UI translates by `code`. */
  message: string;
};

export type Result<T, E = FieldIssue[]> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const fail = <E>(error: E): { ok: false; error: E } => ({ ok: false, error });

export function issue(field: string, code: string, message: string): FieldIssue {
  return { field, code, message };
}

/** Prefixes every issue's field path, for nesting a validator inside a bigger record. */
export function prefixIssues(prefix: string, issues: FieldIssue[]): FieldIssue[] {
  return issues.map((i) => ({ ...i, field: i.field ? `${prefix}.${i.field}` : prefix }));
}
