import { recordConsent } from '@cb/db';
import { consentPurposes, contactChannels, ZConsentProof } from '@cb/domain';
import { z } from 'zod';
import { orThrow } from '../trpc/errors.ts';
import { router, workspaceProcedure } from '../trpc/init.ts';
import { toJson } from '../trpc/json.ts';
import { ZInstant } from './inputs.ts';

/** The consent ledger: grants and withdrawals with their proof; the latest one in force wins. */
export const consentsRouter = router({
  /** Appends a grant or a withdrawal to the ledger; `at` defaults to now. */
  set: workspaceProcedure('manager')
    .input(
      z.strictObject({
        clientId: z.uuid(),
        channel: z.enum(contactChannels),
        purpose: z.enum(consentPurposes),
        granted: z.boolean(),
        proof: ZConsentProof,
        at: ZInstant.optional(),
      }),
    )
    .mutation(async ({ ctx, input }) =>
      toJson(orThrow(await recordConsent(ctx.db, ctx.ws.mutation, { ...input, at: input.at ?? ctx.now() }))),
    ),
});
