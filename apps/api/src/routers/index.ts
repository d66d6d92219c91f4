import { router } from '../trpc/init.ts';
import { auditRouter } from './audit.ts';
import { authRouter } from './auth.ts';
import { batchesRouter } from './batches.ts';
import { clientsRouter } from './clients.ts';
import { consentsRouter } from './consents.ts';
import { dashboardRouter } from './dashboard.ts';
import { deadLettersRouter } from './dead-letters.ts';
import { duplicatesRouter } from './duplicates.ts';
import { fieldsRouter } from './fields.ts';
import { importsRouter } from './imports/index.ts';
import { interactionsRouter } from './interactions.ts';
import { listsRouter } from './lists.ts';
import { membersRouter } from './members.ts';
import { paymentsRouter } from './payments.ts';
import { purchasesRouter } from './purchases.ts';
import { segmentsRouter } from './segments.ts';
import { tasksRouter } from './tasks.ts';
import { temperatureRouter } from './temperature.ts';
import { viewsRouter } from './views.ts';
import { workspaceRouter } from './workspace.ts';

/**
 * The whole API. A new entity gets its own router file and a line here; the access test walks
 * every procedure of this router, so a new one cannot go untested for cross-workspace access.
 */
export const appRouter = router({
  auth: authRouter,
  members: membersRouter,
  workspace: workspaceRouter,
  clients: clientsRouter,
  batches: batchesRouter,
  interactions: interactionsRouter,
  purchases: purchasesRouter,
  payments: paymentsRouter,
  tasks: tasksRouter,
  consents: consentsRouter,
  segments: segmentsRouter,
  lists: listsRouter,
  temperature: temperatureRouter,
  fields: fieldsRouter,
  audit: auditRouter,
  deadLetters: deadLettersRouter,
  views: viewsRouter,
  dashboard: dashboardRouter,
  imports: importsRouter,
  duplicates: duplicatesRouter,
});

export type AppRouter = typeof appRouter;
