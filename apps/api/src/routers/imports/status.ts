import { workspaceProcedure } from '../../trpc/init.ts';
import { loadImport, statusView, ZId } from './shared.ts';

/** Progress and counts only: the web app polls it every second while a worker is busy. */
export const importStatusProcedure = workspaceProcedure('viewer')
  .input(ZId)
  .query(async ({ ctx, input }) => statusView(await loadImport(ctx, input.id), ctx.now()));
