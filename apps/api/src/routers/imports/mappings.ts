import { listImportMappings } from '@cb/db';
import { z } from 'zod';
import { workspaceProcedure } from '../../trpc/init.ts';
import { toJson } from '../../trpc/json.ts';
import { savedColumns } from './shared.ts';

/** The workspace's saved mappings, by name; each one's columns are of its kind. */
export const listImportMappingsProcedure = workspaceProcedure('viewer')
  .input(z.strictObject({}).optional())
  .query(async ({ ctx }) =>
    toJson(
      (await listImportMappings(ctx.db, ctx.ws.id)).map((m) => ({
        ...savedColumns(m),
        id: m.id,
        name: m.name,
        headers: m.headers,
        createdAt: m.createdAt,
        updatedAt: m.updatedAt,
      })),
    ),
  );
