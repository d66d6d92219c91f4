import { addPurchase } from '@cb/db';
import { z } from 'zod';
import { orThrow } from '../trpc/errors.ts';
import { router, workspaceProcedure } from '../trpc/init.ts';
import { toJson } from '../trpc/json.ts';
import { ZCurrency, ZInstant, ZRoubles } from './inputs.ts';

/** Purchases: the amount comes in roubles (up to 2 decimals) and is stored in kopecks. */
export const purchasesRouter = router({
  add: workspaceProcedure('manager')
    .input(
      z.strictObject({
        clientId: z.uuid(),
        at: ZInstant,
        amount: ZRoubles,
        currency: ZCurrency,
        note: z.string().trim().max(2000).optional(),
        externalId: z.string().trim().min(1).max(200).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { amount, ...rest } = input;
      return toJson(orThrow(await addPurchase(ctx.db, ctx.ws.mutation, { ...rest, amountKopecks: amount })));
    }),
});
