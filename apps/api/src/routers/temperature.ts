import { getTemperaturePolicy, previewTemperaturePolicy, setTemperaturePolicy } from '@cb/db';
import { defaultTemperaturePolicy, parseTemperaturePolicy } from '@cb/domain';
import { z } from 'zod';
import { workspacePolicy } from '../clients/card.ts';
import { issuesOrThrow } from '../trpc/errors.ts';
import { router, workspaceProcedure } from '../trpc/init.ts';

export const temperatureRouter = router({
  /** The workspace's policy with every default filled in, and whether it is the default one. */
  getPolicy: workspaceProcedure('viewer').query(async ({ ctx }) => {
    const stored = await getTemperaturePolicy(ctx.db, ctx.ws.id);
    return {
      policy: await workspacePolicy(ctx.db, ctx.ws.id),
      isDefault: stored === null,
      defaults: defaultTemperaturePolicy,
    };
  }),

  /**
   * Replaces the policy (fields left out take their defaults). An invalid policy is a BAD_REQUEST
   * naming each field, e.g. `policy.warmFrom`. Every client is then reassessed by the worker.
   */
  setPolicy: workspaceProcedure('admin')
    .input(z.strictObject({ policy: z.unknown() }))
    .mutation(async ({ ctx, input }) => {
      const policy = issuesOrThrow(parseTemperaturePolicy(input.policy ?? {}), 'policy');
      await setTemperaturePolicy(ctx.db, ctx.ws.mutation, policy);
      return { policy, isDefault: false };
    }),

  /**
   * What replacing the policy would do to the levels of the live clients the caller may read, both
   * assessed now: counts per level before and after, `moves[from][to]`, and how many change. Counted
   * in the database, whatever the size of the base. A bad policy is refused as in `setPolicy`.
   */
  previewPolicy: workspaceProcedure('viewer')
    .input(z.strictObject({ policy: z.unknown() }))
    .query(async ({ ctx, input }) => {
      const to = issuesOrThrow(parseTemperaturePolicy(input.policy ?? {}), 'policy');
      const from = await workspacePolicy(ctx.db, ctx.ws.id);
      return previewTemperaturePolicy(ctx.db, { scope: ctx.ws.scope, from, to, now: ctx.now() });
    }),
});
