import { startImport, ZDuplicatePolicy } from '@cb/db';
import { z } from 'zod';
import { workspaceProcedure } from '../../trpc/init.ts';
import { importFailure, viewOf } from './shared.ts';

/**
 * Queues the import; a worker runs it (`status` shows the progress). A client import needs its
 * duplicate policy (refused by `duplicatePolicy` without one); a purchase import has none.
 */
export const startImportProcedure = workspaceProcedure('manager')
  .input(z.strictObject({ id: z.uuid(), duplicatePolicy: ZDuplicatePolicy.optional() }))
  .mutation(async ({ ctx, input }) => {
    const result = await startImport(ctx.db, ctx.ws.mutation, input.id, input.duplicatePolicy);
    if (!result.ok) throw importFailure(result.error);
    return viewOf(ctx.db, result.value, ctx.now());
  });
