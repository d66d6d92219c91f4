import { saveImportMapping, setImportMapping, ZImportSource } from '@cb/db';
import { IMPORT_COLUMNS_MAX } from '@cb/domain';
import { z } from 'zod';
import { badRequest, failure } from '../../trpc/errors.ts';
import { workspaceProcedure } from '../../trpc/init.ts';
import { importFailure, viewOf } from './shared.ts';

/**
 * Sets the mapping (and the source, partial rows) of an import not started yet; `saveAs` also
 * saves the mapping under that name for the next file of the same shape.
 */
export const setImportMappingProcedure = workspaceProcedure('manager')
  .input(
    z.strictObject({
      id: z.uuid(),
      // Checked column by column by the engine, so each problem names its `mapping.N.…` path.
      mapping: z.array(z.unknown()).max(IMPORT_COLUMNS_MAX),
      source: ZImportSource.optional(),
      allowPartialRows: z.boolean().optional(),
      saveAs: z.string().trim().min(1).max(200).optional(),
      /** What the file holds: clients (default: as uploaded) or purchases, with the mapping of that kind. */
      kind: z.enum(['clients', 'purchases']).optional(),
    }),
  )
  .mutation(async ({ ctx, input }) => {
    const result = await setImportMapping(ctx.db, ctx.ws.mutation, input.id, {
      mapping: input.mapping,
      ...(input.source ? { source: input.source } : {}),
      ...(input.allowPartialRows !== undefined ? { allowPartialRows: input.allowPartialRows } : {}),
      ...(input.kind ? { kind: input.kind } : {}),
    });
    if (!result.ok) throw importFailure(result.error);
    if (input.saveAs) {
      const saved = await saveImportMapping(ctx.db, ctx.ws.mutation, {
        name: input.saveAs,
        headers: result.value.headers,
        mapping: result.value.mapping,
        kind: result.value.kind,
      });
      if (!saved.ok) {
        throw saved.error.code === 'invalid'
          ? badRequest(
              saved.error.issues.map((i) => ({ ...i, field: i.field === 'name' ? 'saveAs' : i.field })),
            )
          : failure(saved.error);
      }
    }
    return viewOf(ctx.db, result.value, ctx.now());
  });
