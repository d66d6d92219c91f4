import type { TFunction } from 'i18next';
import type { ApiProblem, FieldErrors } from '../../api/errors.ts';

/**
 * The sign-in screens' errors in the reader's language: known answers by their code (wrong
 * password, too many attempts, e-mail taken, too short), anything else as the API said it.
 */
export function authFieldErrors(problem: ApiProblem | null, t: TFunction): FieldErrors {
  if (!problem) return {};
  const fields: FieldErrors = {};
  for (const issue of problem.issues) {
    if (!issue.field || fields[issue.field]) continue;
    const code = issue.code ?? '';
    if (issue.field === 'password' && code === 'too_small') fields.password = t('auth:errors.passwordShort');
    else if (issue.field === 'email' && code !== 'too_small') fields.email = t('auth:errors.emailInvalid');
    else if (code === 'too_small') fields[issue.field] = t('auth:errors.required');
    else fields[issue.field] = issue.message ?? problem.message;
  }
  if (problem.code === 'CONFLICT' && problem.conflict?.field === 'email')
    fields.email = t('auth:errors.emailTaken');
  return fields;
}

export function authFormError(problem: ApiProblem | null, t: TFunction): string | null {
  if (!problem) return null;
  if (problem.code === 'UNAUTHORIZED') return t('auth:errors.wrongCredentials');
  if (problem.code === 'TOO_MANY_REQUESTS') return t('auth:errors.tooMany');
  if (problem.code === 'NETWORK') return t('common:errorNetwork');
  return problem.message || t('common:errorGeneric');
}
