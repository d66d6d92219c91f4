import { type Database, type DatabaseHandle, ZDuplicatePolicy } from '@cb/db';
import { dryRunImport, ImportReadError, ImportRefusedError, removeSpooledFile } from '@cb/worker';
import { z } from 'zod';
import { badRequest } from '../../trpc/errors.ts';
import { workspaceProcedure } from '../../trpc/init.ts';
import { toJson } from '../../trpc/json.ts';
import { dryRunView, importFailure, loadImport } from './shared.ts';

/**
 * The engine's run functions take a database handle but read only its `db`, which is all a
 * request's context has: the handle is never closed from here.
 */
function engineHandle(db: Database): DatabaseHandle {
  return { db } as Pick<DatabaseHandle, 'db'> as DatabaseHandle;
}

/**
 * What the import would do with the first 10,000 rows (same planner as the run), writing only
 * its own report: counts, a preview of rows as they would be stored, and the dry-run errors.
 * By the import's `kind`: clients (created, updated, duplicates by the policy) or purchases
 * (purchases, lines, clients to create, rows rejected and returns skipped; no policy).
 */
export const dryRunImportProcedure = workspaceProcedure('manager')
  .input(z.strictObject({ id: z.uuid(), duplicatePolicy: ZDuplicatePolicy.optional() }))
  .mutation(async ({ ctx, input }) => {
    const row = await loadImport(ctx, input.id);
    try {
      const result = await dryRunImport(engineHandle(ctx.db), ctx.ws.id, input.id, {
        ...(input.duplicatePolicy ? { duplicatePolicy: input.duplicatePolicy } : {}),
        now: ctx.now,
      });
      return toJson(dryRunView(result));
    } catch (error) {
      if (error instanceof ImportRefusedError) throw importFailure(error.failure);
      if (error instanceof ImportReadError) {
        throw badRequest([{ field: 'file', code: error.code, message: error.message }]);
      }
      throw error;
    } finally {
      // The run happens in a worker, maybe on another machine: no copy is left on this one.
      await removeSpooledFile(row.id, row.file.format);
    }
  });
