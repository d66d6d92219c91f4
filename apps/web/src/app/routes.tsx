import { createBrowserRouter, type RouteObject } from 'react-router';
import { AcceptInvite, SignIn, SignUp } from '../screens/auth/auth-screens.tsx';
import { NotFound, Shell } from './shell.tsx';

/**
 * Each screen is its own chunk: the sign-in page does not download the charts or the rule builder.
 * The router loads a screen's chunk before it renders the route (route `lazy`), instead of a
 * component suspending inside the page: React holds a revealed Suspense boundary back for up to
 * 300 ms, which the first rows of the list should not wait for.
 */
const screen = (load: () => Promise<{ default: React.ComponentType }>) => async () => ({
  Component: (await load()).default,
});

export const routes: RouteObject[] = [
  { path: '/sign-in', element: <SignIn /> },
  { path: '/sign-up', element: <SignUp /> },
  { path: '/invite', element: <AcceptInvite /> },
  {
    path: '/',
    element: <Shell />,
    children: [
      { index: true, lazy: screen(() => import('../screens/dashboard/index.tsx')) },
      { path: 'clients', lazy: screen(() => import('../screens/clients/index.tsx')) },
      { path: 'clients/new', lazy: screen(() => import('../screens/card/new-client.tsx')) },
      { path: 'clients/:id', lazy: screen(() => import('../screens/card/index.tsx')) },
      { path: 'segments', lazy: screen(() => import('../screens/segments/index.tsx')) },
      { path: 'segments/new', lazy: screen(() => import('../screens/segments/editor.tsx')) },
      { path: 'segments/:id', lazy: screen(() => import('../screens/segments/editor.tsx')) },
      { path: 'imports', lazy: screen(() => import('../screens/imports/index.tsx')) },
      { path: 'imports/new', lazy: screen(() => import('../screens/imports/new.tsx')) },
      { path: 'imports/:id', lazy: screen(() => import('../screens/imports/detail.tsx')) },
      { path: 'duplicates', lazy: screen(() => import('../screens/duplicates/index.tsx')) },
      { path: 'settings/*', lazy: screen(() => import('../screens/settings/index.tsx')) },
      { path: '*', element: <NotFound /> },
    ],
  },
];

export function createRouter() {
  return createBrowserRouter(routes);
}
