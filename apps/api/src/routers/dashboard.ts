import { dashboardSummary } from '@cb/db';
import { z } from 'zod';
import { router, workspaceProcedure } from '../trpc/init.ts';
import { toJson } from '../trpc/json.ts';

export const dashboardRouter = router({
  /**
   * The start page's numbers, for what the caller may read: clients by stage, growth over the last
   * `months` months (the current one last), stored temperatures, sources, the latest activity and
   * the open tasks. "Now" is the request's clock.
   */
  summary: workspaceProcedure('viewer')
    .input(z.strictObject({ months: z.number().int().min(1).max(36).optional() }).optional())
    .query(async ({ ctx, input }) =>
      toJson(await dashboardSummary(ctx.db, ctx.ws.scope, { now: ctx.now(), months: input?.months ?? 12 })),
    ),
});
