import { undoImport } from '@cb/db';
import { workspaceProcedure } from '../../trpc/init.ts';
import { importFailure, viewOf, ZId } from './shared.ts';

/**
 * Queues the undo of a completed import: created clients are removed, updated ones restored,
 * unless edited since (`undoReport` lists those).
 */
export const undoImportProcedure = workspaceProcedure('manager')
  .input(ZId)
  .mutation(async ({ ctx, input }) => {
    const result = await undoImport(ctx.db, ctx.ws.mutation, input.id);
    if (!result.ok) throw importFailure(result.error);
    return viewOf(ctx.db, result.value, ctx.now());
  });
