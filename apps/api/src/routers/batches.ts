import { listBatches } from '@cb/db';
import { router, workspaceProcedure } from '../trpc/init.ts';
import { toJson } from '../trpc/json.ts';

/** Purchased lists and imports: where a client came from (the import itself is its own issue). */
export const batchesRouter = router({
  list: workspaceProcedure('viewer').query(async ({ ctx }) =>
    toJson({ items: await listBatches(ctx.db, ctx.ws.scope) }),
  ),
});
