import { saveImportMapping, setImportMapping, ZImportSource } from '@cb/db';
import { type DateOrder, IMPORT_COLUMNS_MAX, withDateOrder, ZDateOrder } from '@cb/domain';
import { z } from 'zod';
import { badRequest, failure } from '../../trpc/errors.ts';
import { workspaceProcedure } from '../../trpc/init.ts';
import { importFailure, viewOf } from './shared.ts';

/**
 * The columns as sent, each reading dates in `order` when one is given; entries that are not
 * objects are left for the engine to refuse by their path.
 */
function datedColumns(mapping: unknown[], order: DateOrder | undefined): unknown[] {
  if (order === undefined) return mapping;
  return mapping.map((c) =>
    typeof c === 'object' && c !== null && !Array.isArray(c) ? withDateOrder([c], order)[0] : c,
  );
}

/**
 * Sets the mapping (and the source, partial rows, the date order) of an import not started yet;
 * `saveAs` also saves the mapping under that name for the next file of the same shape.
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
      /**
       * How the file's slash and dot dates are read: `dmy` (`13/12/2010`) or `mdy` (`12/13/2010`);
       * set on every column of the mapping. Absent: as the columns say (`dmy` when they do not).
       */
      dateOrder: ZDateOrder.optional(),
    }),
  )
  .mutation(async ({ ctx, input }) => {
    const result = await setImportMapping(ctx.db, ctx.ws.mutation, input.id, {
      mapping: datedColumns(input.mapping, input.dateOrder),
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
