import { listAudit } from '@cb/db';
import { z } from 'zod';
import { router, workspaceProcedure } from '../trpc/init.ts';
import { toJson } from '../trpc/json.ts';

export const auditRouter = router({
  /** Who did what, newest first; `cursor` is the `nextCursor` of the previous page. */
  list: workspaceProcedure('admin')
    .input(
      z
        .strictObject({
          entity: z.string().trim().min(1).max(100).optional(),
          entityId: z.string().trim().min(1).max(100).optional(),
          cursor: z.number().int().positive().nullish(),
          limit: z.number().int().min(1).max(500).optional(),
        })
        .optional(),
    )
    .query(async ({ ctx, input }) =>
      toJson(
        await listAudit(ctx.db, {
          workspaceId: ctx.ws.id,
          entity: input?.entity,
          entityId: input?.entityId,
          cursor: input?.cursor ?? undefined,
          limit: input?.limit,
        }),
      ),
    ),
});
