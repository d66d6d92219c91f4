import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { createQueryClient } from './app/query.ts';
import { createRouter } from './app/routes.tsx';
import { meQuery } from './app/session.tsx';
import { initI18n } from './i18n/index.ts';
import './styles.css';

initI18n();
const queryClient = createQueryClient();
// Who is signed in is asked at once, while the router loads the screen's chunk.
void queryClient.prefetchQuery(meQuery);
const router = createRouter();

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </StrictMode>,
  );
}
