import { defineCustomField, listCustomFields } from '@cb/db';
import { ZCustomFieldDefinition } from '@cb/domain';
import { orThrow } from '../trpc/errors.ts';
import { router, workspaceProcedure } from '../trpc/init.ts';
import { toJson } from '../trpc/json.ts';

/** Custom fields: extra typed fields of the workspace's clients, stored under `custom.<key>`. */
export const fieldsRouter = router({
  list: workspaceProcedure('viewer').query(async ({ ctx }) =>
    toJson({ items: await listCustomFields(ctx.db, ctx.ws.id) }),
  ),

  /** Defines a field, or changes its label, options or required flag (never its type). */
  define: workspaceProcedure('admin')
    .input(ZCustomFieldDefinition)
    .mutation(async ({ ctx, input }) =>
      toJson(orThrow(await defineCustomField(ctx.db, ctx.ws.mutation, input))),
    ),
});
