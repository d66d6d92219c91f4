import { addPayment } from '@cb/db';
import { z } from 'zod';
import { orThrow } from '../trpc/errors.ts';
import { router, workspaceProcedure } from '../trpc/init.ts';
import { toJson } from '../trpc/json.ts';
import { ZCurrency, ZInstant, ZRoubles } from './inputs.ts';

export const paymentsRouter = router({
  add: workspaceProcedure('manager')
    .input(
      z.strictObject({
        clientId: z.uuid(),
        purchaseId: z.uuid().optional(),
        at: ZInstant,
        amount: ZRoubles,
        currency: ZCurrency,
        method: z.string().trim().min(1).max(100).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { amount, ...rest } = input;
      return toJson(orThrow(await addPayment(ctx.db, ctx.ws.mutation, { ...rest, amountKopecks: amount })));
    }),
});
