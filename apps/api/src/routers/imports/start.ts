import { startImport, ZDuplicatePolicy } from '@cb/db';
import { z } from 'zod';
import { workspaceProcedure } from '../../trpc/init.ts';
import { importFailure, viewOf } from './shared.ts';

/** Queues the import with its duplicate policy; a worker runs it (`status` shows the progress). */
export const startImportProcedure = workspaceProcedure('manager')
  .input(z.strictObject({ id: z.uuid(), duplicatePolicy: ZDuplicatePolicy }))
  .mutation(async ({ ctx, input }) => {
    const result = await startImport(ctx.db, ctx.ws.mutation, input.id, input.duplicatePolicy);
    if (!result.ok) throw importFailure(result.error);
    return viewOf(ctx.db, result.value, ctx.now());
  });
