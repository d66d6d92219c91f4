import { addInteraction } from '@cb/db';
import { interactionDirections, interactionKinds } from '@cb/domain';
import { z } from 'zod';
import { orThrow } from '../trpc/errors.ts';
import { router, workspaceProcedure } from '../trpc/init.ts';
import { toJson } from '../trpc/json.ts';
import { ZInstant } from './inputs.ts';

/** Calls, meetings, negotiations, notes, messages: one transaction each, with audit and recompute. */
export const interactionsRouter = router({
  add: workspaceProcedure('manager')
    .input(
      z.strictObject({
        clientId: z.uuid(),
        kind: z.enum(interactionKinds),
        at: ZInstant,
        summary: z.string().trim().max(10_000).optional(),
        direction: z.enum(interactionDirections).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) =>
      toJson(orThrow(await addInteraction(ctx.db, ctx.ws.mutation, input))),
    ),
});
