/**
 * The card's reading of API errors: field issues with their stable codes (so the UI can say them in
 * the reader's language), and a CONFLICT's other record (a duplicate phone names its client; a
 * stale version asks for a reload).
 */
import type { TFunction } from 'i18next';
import { type FieldErrors, toProblem } from '../../api/errors.ts';
import { isTrpcError } from '../../api/trpc.ts';

export type Issue = { field: string; code?: string | undefined; message: string };

export type CardProblem = {
  code: string;
  message: string;
  issues: Issue[];
  conflict: { field: string | null; other: { entity: string; id: string; name: string } | null } | null;
};

type WireData = {
  code?: string;
  issues?: { field?: string; message?: string; code?: string }[];
  conflict?: { field?: string | null; other?: { entity: string; id: string; name: string } | null };
};

export function readProblem(error: unknown): CardProblem | null {
  if (!error) return null;
  const base = toProblem(error);
  const data = (isTrpcError(error) ? error.data : undefined) as WireData | undefined;
  const issues: Issue[] = (data?.issues ?? [])
    .filter((i): i is { field: string; message: string; code?: string } => !!i.field && !!i.message)
    .map((i) => ({ field: i.field, code: i.code, message: i.message }));
  const conflict = data?.conflict
    ? { field: data.conflict.field ?? null, other: data.conflict.other ?? null }
    : null;
  return { code: base.code, message: base.message, issues, conflict };
}

/** A stale `expectedVersion`: someone else saved the client in between. */
export function isStale(problem: CardProblem | null): boolean {
  return problem?.code === 'CONFLICT' && problem.conflict?.field === 'expectedVersion';
}

/** A domain or schema issue in the reader's language when its code is known, else the API's text. */
export function issueText(t: TFunction, issue: Pick<Issue, 'code' | 'message'> & { field?: string }): string {
  if (!issue.code) return issue.message;
  // A field's own wording first (`amount` + zod's `custom`), then the code's, then the API's text.
  const own =
    issue.field && /^[a-zA-Z]+$/.test(issue.field) ? [`card:issues.${issue.field}_${issue.code}`] : [];
  return t([...own, `card:issues.${issue.code}`], { defaultValue: issue.message });
}

/**
 * Field errors keyed by path, translated, for `fieldError` / `rowError`. A CONFLICT on a field
 * (duplicate phone) is put there too, in words naming the other client.
 */
export function translatedFields(t: TFunction, problem: CardProblem | null): FieldErrors {
  const fields: FieldErrors = {};
  if (!problem) return fields;
  for (const issue of problem.issues) {
    if (!(issue.field in fields)) fields[issue.field] = issueText(t, issue);
  }
  const c = problem.conflict;
  if (c?.field && c.field !== 'expectedVersion' && !(c.field in fields)) {
    fields[c.field] = c.other ? t('card:conflictWith', { name: c.other.name }) : problem.message;
  }
  return fields;
}

/**
 * The issues of a failed save that no field of the form shows (a path the form has no field
 * for, e.g. the whole input): they go into the form's general error line.
 */
export function unplacedIssues(problem: CardProblem | null, shownFields: readonly string[]): Issue[] {
  if (!problem) return [];
  return problem.issues.filter((i) => !shownFields.some((f) => i.field === f || i.field.startsWith(`${f}.`)));
}
