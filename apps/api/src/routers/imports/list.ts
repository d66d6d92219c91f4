import { importCounts, importProgress, listImports } from '@cb/db';
import { z } from 'zod';
import { workspaceProcedure } from '../../trpc/init.ts';
import { toJson } from '../../trpc/json.ts';
import { importFailure } from './shared.ts';

/** The workspace's imports, newest first. */
export const listImportsProcedure = workspaceProcedure('viewer')
  .input(
    z
      .strictObject({
        cursor: z.string().max(500).nullish(),
        limit: z.number().int().min(1).max(200).optional(),
      })
      .optional(),
  )
  .query(async ({ ctx, input }) => {
    const result = await listImports(ctx.db, ctx.ws.id, { cursor: input?.cursor, limit: input?.limit });
    if (!result.ok) throw importFailure(result.error);
    const now = ctx.now();
    return toJson({
      items: result.value.items.map((row) => ({
        id: row.id,
        kind: row.kind,
        fileName: row.fileName,
        fileSize: row.fileSize,
        status: row.status,
        counts: importCounts(row.counts),
        progress: importProgress(row, now),
        source: row.source ?? null,
        batchId: row.batchId ?? null,
        totalRows: row.totalRows ?? null,
        error: row.error ?? null,
        createdAt: row.createdAt,
        startedAt: row.startedAt ?? null,
        finishedAt: row.finishedAt ?? null,
      })),
      nextCursor: result.value.nextCursor,
    });
  });
