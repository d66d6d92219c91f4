import { listImportMappings } from '@cb/db';
import type { ImportMapping } from '@cb/domain';
import { z } from 'zod';
import { workspaceProcedure } from '../../trpc/init.ts';
import { toJson } from '../../trpc/json.ts';

/** The workspace's saved mappings, by name. */
export const listImportMappingsProcedure = workspaceProcedure('viewer')
  .input(z.strictObject({}).optional())
  .query(async ({ ctx }) =>
    toJson(
      (await listImportMappings(ctx.db, ctx.ws.id)).map((m) => ({
        id: m.id,
        kind: m.kind,
        name: m.name,
        headers: m.headers,
        mapping: m.mapping as ImportMapping,
        createdAt: m.createdAt,
        updatedAt: m.updatedAt,
      })),
    ),
  );
