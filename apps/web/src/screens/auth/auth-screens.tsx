import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { fieldError, toProblem } from '../../api/errors.ts';
import { trpc } from '../../api/trpc.ts';
import { LanguageSwitch } from '../../app/shell.tsx';
import { TextField } from '../../ui/field.tsx';
import { authFieldErrors, authFormError } from './problems.ts';

function FormMessage({ text }: { text: string | null }) {
  return text ? (
    <p className="form-error" role="alert">
      {text}
    </p>
  ) : null;
}

function AuthFrame({ title, children }: { title: string; children: React.ReactNode }) {
  const { t } = useTranslation();
  useEffect(() => {
    document.title = `${title} · ${t('appName')}`;
  }, [title, t]);
  return (
    <main id="main" className="auth">
      <div className="auth-card">
        <div className="auth-top">
          <span className="brand">{t('appName')}</span>
          <LanguageSwitch />
        </div>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}

/** Where to go after signing in: the page that sent us here, but only a path of this app. */
function useNext(): string {
  const [params] = useSearchParams();
  const next = params.get('next') ?? '/';
  return next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function SignIn() {
  const { t } = useTranslation('auth');
  const navigate = useNavigate();
  const next = useNext();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useMutation({
    mutationFn: () => trpc.auth.signIn.mutate({ email, password }),
    onSuccess: () => {
      queryClient.clear();
      navigate(next, { replace: true });
    },
  });
  const problem = signIn.error ? toProblem(signIn.error) : null;
  const fields = authFieldErrors(problem, t);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate();
  };
  return (
    <AuthFrame title={t('signInTitle')}>
      <form onSubmit={submit} noValidate>
        <TextField
          label={t('email')}
          type="email"
          autoComplete="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={fieldError(fields, 'email')}
          required
        />
        <TextField
          label={t('password')}
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={fieldError(fields, 'password')}
          required
        />
        {problem && Object.keys(fields).length === 0 ? (
          <FormMessage text={authFormError(problem, t)} />
        ) : null}
        <button type="submit" className="btn btn-primary" disabled={signIn.isPending}>
          {t('signIn')}
        </button>
      </form>
      <p>
        {t('noAccount')} <Link to="/sign-up">{t('signUp')}</Link>
      </p>
    </AuthFrame>
  );
}

export function SignUp() {
  const { t } = useTranslation('auth');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [form, setForm] = useState({ name: '', email: '', password: '', workspaceName: '' });
  const signUp = useMutation({
    mutationFn: () => trpc.auth.signUp.mutate(form),
    onSuccess: () => {
      queryClient.clear();
      navigate('/', { replace: true });
    },
  });
  const problem = signUp.error ? toProblem(signUp.error) : null;
  const fields = authFieldErrors(problem, t);
  const set = (key: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setForm((f) => ({ ...f, [key]: e.target.value }));
  return (
    <AuthFrame title={t('signUpTitle')}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          signUp.mutate();
        }}
        noValidate
      >
        <TextField
          label={t('name')}
          autoComplete="name"
          value={form.name}
          onChange={set('name')}
          error={fieldError(fields, 'name')}
          required
        />
        <TextField
          label={t('workspaceName')}
          autoComplete="organization"
          value={form.workspaceName}
          onChange={set('workspaceName')}
          error={fieldError(fields, 'workspaceName')}
          required
        />
        <TextField
          label={t('email')}
          type="email"
          autoComplete="email"
          value={form.email}
          onChange={set('email')}
          error={fieldError(fields, 'email')}
          required
        />
        <TextField
          label={t('password')}
          type="password"
          autoComplete="new-password"
          value={form.password}
          onChange={set('password')}
          hint={t('passwordHint')}
          error={fieldError(fields, 'password')}
          required
        />
        {problem && Object.keys(fields).length === 0 ? (
          <FormMessage text={authFormError(problem, t)} />
        ) : null}
        <button type="submit" className="btn btn-primary" disabled={signUp.isPending}>
          {t('signUp')}
        </button>
      </form>
      <p>
        {t('haveAccount')} <Link to="/sign-in">{t('signIn')}</Link>
      </p>
    </AuthFrame>
  );
}

/** The invite link carries its token after `#`, so it never reaches a server log. */
export function AcceptInvite() {
  const { t } = useTranslation('auth');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const accept = useMutation({
    mutationFn: () => trpc.auth.acceptInvite.mutate({ token, password, ...(name ? { name } : {}) }),
    onSuccess: () => {
      queryClient.clear();
      navigate('/', { replace: true });
    },
  });
  const problem = accept.error ? toProblem(accept.error) : null;
  const fields = authFieldErrors(problem, t);
  return (
    <AuthFrame title={t('acceptInviteTitle')}>
      {token ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            accept.mutate();
          }}
          noValidate
        >
          <TextField
            label={t('name')}
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={fieldError(fields, 'name')}
          />
          <TextField
            label={t('password')}
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            hint={t('passwordHint')}
            error={fieldError(fields, 'password')}
            required
          />
          {problem && Object.keys(fields).length === 0 ? (
            <FormMessage text={authFormError(problem, t)} />
          ) : null}
          <button type="submit" className="btn btn-primary" disabled={accept.isPending}>
            {t('acceptInvite')}
          </button>
        </form>
      ) : (
        <p role="alert">{t('inviteMissing')}</p>
      )}
    </AuthFrame>
  );
}
