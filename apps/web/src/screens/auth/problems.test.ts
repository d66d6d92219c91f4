import { describe, expect, it } from 'vitest';
import type { ApiProblem } from '../../api/errors.ts';
import { i18next } from '../../i18n/index.ts';
import { authFieldErrors, authFormError } from './problems.ts';

const problem = (patch: Partial<ApiProblem>): ApiProblem => ({
  code: 'BAD_REQUEST',
  message: 'password: at least 8 characters',
  fields: {},
  issues: [],
  conflict: null,
  ...patch,
});

describe('sign-in errors in the reader’s language', () => {
  const t = i18next.getFixedT('ru');

  it('words known field issues by their code and keeps unknown ones as the API said them', () => {
    expect(
      authFieldErrors(
        problem({
          issues: [
            { field: 'password', code: 'too_small', message: 'at least 8 characters' },
            { field: 'email', code: 'email_invalid', message: 'Not an e-mail address' },
            { field: 'name', code: 'too_small', message: 'Too small' },
            { field: 'workspaceName', code: 'custom', message: 'Something specific' },
          ],
        }),
        t,
      ),
    ).toEqual({
      password: 'Пароль — не меньше 8 символов',
      email: 'Проверьте адрес эл. почты',
      name: 'Заполните поле',
      workspaceName: 'Something specific',
    });
  });

  it('puts a taken e-mail by the e-mail field', () => {
    const taken = problem({
      code: 'CONFLICT',
      message: 'This e-mail is already registered: sign in',
      conflict: { field: 'email' },
    });
    expect(authFieldErrors(taken, t)).toEqual({ email: 'Этот адрес уже зарегистрирован — войдите' });
  });

  it('words a wrong password and too many attempts, in English too', () => {
    expect(authFormError(problem({ code: 'UNAUTHORIZED', message: 'Wrong e-mail or password' }), t)).toBe(
      'Неверная почта или пароль',
    );
    const en = i18next.getFixedT('en');
    expect(authFormError(problem({ code: 'TOO_MANY_REQUESTS', message: 'Too many' }), en)).toBe(
      'Too many failed sign-ins. Try again later.',
    );
    expect(authFormError(problem({ code: 'INTERNAL_SERVER_ERROR', message: 'Oops' }), t)).toBe('Oops');
    expect(authFormError(null, t)).toBeNull();
  });
});
