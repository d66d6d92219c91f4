import {
  type Executor,
  type ImportMappingRow,
  type ImportRow,
  listCustomFields,
  listImportMappings,
  setImportMapping,
} from '@cb/db';
import {
  type FieldIssue,
  ok,
  parseImportMapping,
  parsePurchaseMapping,
  type Result,
  reuseMapping,
  reusePurchaseMapping,
} from '@cb/domain';
import type { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { badRequest, notFound } from '../../trpc/errors.ts';
import { workspaceProcedure } from '../../trpc/init.ts';
import { importFailure, loadImport, viewOf } from './shared.ts';

const kindNames = { clients: 'client', purchases: 'purchase' } as const;

/** The saved mapping refused, by the input field that chose it. */
const refused = (code: string, message: string): TRPCError =>
  badRequest([{ field: 'mappingId', code, message }]);

/** The saved mapping's columns matched by header to this file's, by the kind both are of. */
async function reuseSaved(
  db: Executor,
  saved: ImportMappingRow,
  row: ImportRow,
): Promise<Result<unknown[], FieldIssue[]>> {
  switch (saved.kind) {
    case 'clients': {
      const parsed = parseImportMapping(saved.mapping);
      if (!parsed.ok) return parsed;
      const customFields = (await listCustomFields(db, row.workspaceId)).map((f) => ({
        key: f.key,
        label: f.label,
      }));
      return ok(reuseMapping(parsed.value, row.headers, customFields, row.sample));
    }
    case 'purchases': {
      const parsed = parsePurchaseMapping(saved.mapping);
      return parsed.ok ? ok(reusePurchaseMapping(parsed.value, row.headers, row.sample)) : parsed;
    }
    default: {
      const never: never = saved.kind;
      return never;
    }
  }
}

/**
 * Applies a saved mapping to this file: columns are matched by header, wherever they moved. The
 * import is set up as `kind` (default: its kind now), and only a mapping saved for that kind
 * applies; one of the other kind is refused by `mappingId`.
 */
export const applyImportMappingProcedure = workspaceProcedure('manager')
  .input(
    z.strictObject({
      id: z.uuid(),
      mappingId: z.uuid(),
      /** What the file holds, as in `setMapping`: the import takes this kind with the mapping. */
      kind: z.enum(['clients', 'purchases']).optional(),
    }),
  )
  .mutation(async ({ ctx, input }) => {
    const row = await loadImport(ctx, input.id);
    const saved = (await listImportMappings(ctx.db, ctx.ws.id)).find((m) => m.id === input.mappingId);
    if (!saved) throw notFound('import_mapping', input.mappingId);
    const kind = input.kind ?? row.kind;
    if (saved.kind !== kind) {
      throw refused(
        'mapping_kind',
        `“${saved.name}” is a ${kindNames[saved.kind]} mapping: it does not apply to a ${kindNames[kind]} file`,
      );
    }
    const mapping = await reuseSaved(ctx.db, saved, row);
    if (!mapping.ok) throw refused('mapping_invalid', 'The saved mapping is no longer valid');
    const result = await setImportMapping(ctx.db, ctx.ws.mutation, input.id, {
      mapping: mapping.value,
      kind,
    });
    if (!result.ok) {
      // The columns this file lacks (a purchase file without a date column): said of the choice.
      throw result.error.code === 'invalid'
        ? badRequest(
            result.error.issues.map((i) => ({
              ...i,
              field: 'mappingId',
              message: `“${saved.name}” does not fit this file: ${i.message}`,
            })),
          )
        : importFailure(result.error);
    }
    return viewOf(ctx.db, result.value, ctx.now());
  });
