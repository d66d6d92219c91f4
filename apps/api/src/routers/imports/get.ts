import { workspaceProcedure } from '../../trpc/init.ts';
import { loadImport, viewOf, ZId } from './shared.ts';

/** The import: detected format, headers, sample rows, the (suggested) mapping, progress, counts. */
export const getImportProcedure = workspaceProcedure('viewer')
  .input(ZId)
  .query(async ({ ctx, input }) => viewOf(ctx.db, await loadImport(ctx, input.id), ctx.now()));
