import { listCustomFields, listImportMappings, setImportMapping } from '@cb/db';
import { parseImportMapping, reuseMapping } from '@cb/domain';
import { z } from 'zod';
import { badRequest, notFound } from '../../trpc/errors.ts';
import { workspaceProcedure } from '../../trpc/init.ts';
import { importFailure, loadImport, viewOf } from './shared.ts';

/** Applies a saved mapping to this file: columns are matched by header, wherever they moved. */
export const applyImportMappingProcedure = workspaceProcedure('manager')
  .input(z.strictObject({ id: z.uuid(), mappingId: z.uuid() }))
  .mutation(async ({ ctx, input }) => {
    const row = await loadImport(ctx, input.id);
    const saved = (await listImportMappings(ctx.db, ctx.ws.id)).find((m) => m.id === input.mappingId);
    if (!saved) throw notFound('import_mapping', input.mappingId);
    const parsed = parseImportMapping(saved.mapping);
    if (!parsed.ok) {
      throw badRequest([
        { field: 'mappingId', code: 'mapping_invalid', message: 'The saved mapping is no longer valid' },
      ]);
    }
    const customFields = (await listCustomFields(ctx.db, ctx.ws.id)).map((f) => ({
      key: f.key,
      label: f.label,
    }));
    const mapping = reuseMapping(parsed.value, row.headers, customFields);
    const result = await setImportMapping(ctx.db, ctx.ws.mutation, input.id, { mapping });
    if (!result.ok) throw importFailure(result.error);
    return viewOf(ctx.db, result.value, ctx.now());
  });
