import { label } from '@cb/domain/i18n';
import { type Locale, locales } from '@cb/domain/vocabulary';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { toProblem } from '../api/errors.ts';
import { trpc } from '../api/trpc.ts';
import { useLocale } from '../i18n/format.ts';
import { setLocale } from '../i18n/index.ts';
import { ErrorState, Loading } from '../ui/states.tsx';
import { SessionProvider, useMeQuery } from './session.tsx';

export function LanguageSwitch() {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <label className="inline-select">
      <span>{t('language')}</span>
      <select value={locale} onChange={(e) => setLocale(e.target.value as Locale)} data-testid="language">
        {locales.map((l) => (
          <option key={l} value={l}>
            {label('locale', l, l)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The signed-in frame: navigation, workspace switcher, language, sign out; screens load lazily inside. */
export function Shell() {
  const { t } = useTranslation();
  const me = useMeQuery();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const switchWorkspace = useMutation({
    mutationFn: (workspaceId: string) => trpc.auth.switchWorkspace.mutate({ workspaceId }),
    onSuccess: async () => {
      queryClient.clear();
      navigate('/');
    },
  });
  const signOut = useMutation({
    mutationFn: () => trpc.auth.signOut.mutate(),
    onSettled: () => {
      queryClient.clear();
      navigate('/sign-in');
    },
  });

  if (me.isPending) return <Loading />;
  // A failed background refetch (the server busy for a moment) keeps the session it had: only a
  // session that was never loaded, or one the server no longer knows, replaces the app.
  if (me.isError && (me.data === undefined || toProblem(me.error).code === 'UNAUTHORIZED')) {
    if (toProblem(me.error).code === 'UNAUTHORIZED') {
      const next = location.pathname === '/' ? '' : `?next=${encodeURIComponent(location.pathname)}`;
      return <Navigate to={`/sign-in${next}`} replace />;
    }
    return (
      <main id="main" className="centered">
        <ErrorState error={me.error} onRetry={() => void me.refetch()} />
      </main>
    );
  }
  const session = me.data;
  if (session === undefined) return <Loading />;
  return (
    <SessionProvider value={session}>
      <a className="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <header className="topbar">
        <span className="brand">{t('appName')}</span>
        <nav aria-label={t('nav.main')}>
          <ul className="nav">
            <li>
              <NavLink to="/" end>
                {t('nav.dashboard')}
              </NavLink>
            </li>
            <li>
              <NavLink to="/clients">{t('nav.clients')}</NavLink>
            </li>
            <li>
              <NavLink to="/segments">{t('nav.segments')}</NavLink>
            </li>
            <li>
              <NavLink to="/imports">{t('nav.imports')}</NavLink>
            </li>
            <li>
              <NavLink to="/duplicates">{t('nav.duplicates')}</NavLink>
            </li>
            <li>
              <NavLink to="/settings">{t('nav.settings')}</NavLink>
            </li>
          </ul>
        </nav>
        <div className="topbar-tools">
          {session.memberships.length > 0 ? (
            <label className="inline-select">
              <span>{t('workspace')}</span>
              <select
                value={session.workspace?.id ?? ''}
                onChange={(e) => switchWorkspace.mutate(e.target.value)}
                data-testid="workspace-switcher"
              >
                {session.workspace ? null : <option value="">—</option>}
                {session.memberships.map((m) => (
                  <option key={m.workspaceId} value={m.workspaceId}>
                    {m.workspaceName}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          <LanguageSwitch />
          <span className="muted user-name">{t('signedInAs', { name: session.user.name })}</span>
          <button type="button" className="btn" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
            {t('signOut')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {session.workspace ? (
          <Suspense fallback={<Loading />}>
            <Outlet />
          </Suspense>
        ) : (
          <p className="state">{t('noWorkspace')}</p>
        )}
      </main>
    </SessionProvider>
  );
}

export function NotFound() {
  const { t } = useTranslation();
  return (
    <section className="page">
      <h1>{t('notFound')}</h1>
      <p>{t('notFoundHint')}</p>
      <NavLink to="/clients">{t('nav.clients')}</NavLink>
    </section>
  );
}
