import { lazy } from 'react';
import { createBrowserRouter, type RouteObject } from 'react-router';
import { AcceptInvite, SignIn, SignUp } from '../screens/auth/auth-screens.tsx';
import { NotFound, Shell } from './shell.tsx';

/* Each screen is its own chunk: the sign-in page does not download the charts or the rule builder. */
const Dashboard = lazy(() => import('../screens/dashboard/index.tsx'));
const Clients = lazy(() => import('../screens/clients/index.tsx'));
const ClientCard = lazy(() => import('../screens/card/index.tsx'));
const NewClient = lazy(() => import('../screens/card/new-client.tsx'));
const Segments = lazy(() => import('../screens/segments/index.tsx'));
const SegmentEditor = lazy(() => import('../screens/segments/editor.tsx'));
const Settings = lazy(() => import('../screens/settings/index.tsx'));

export const routes: RouteObject[] = [
  { path: '/sign-in', element: <SignIn /> },
  { path: '/sign-up', element: <SignUp /> },
  { path: '/invite', element: <AcceptInvite /> },
  {
    path: '/',
    element: <Shell />,
    children: [
      { index: true, element: <Dashboard /> },
      { path: 'clients', element: <Clients /> },
      { path: 'clients/new', element: <NewClient /> },
      { path: 'clients/:id', element: <ClientCard /> },
      { path: 'segments', element: <Segments /> },
      { path: 'segments/new', element: <SegmentEditor /> },
      { path: 'segments/:id', element: <SegmentEditor /> },
      { path: 'settings/*', element: <Settings /> },
      { path: '*', element: <NotFound /> },
    ],
  },
];

export function createRouter() {
  return createBrowserRouter(routes);
}
