import { type BulkFailure, bulkUpdateClients } from '@cb/db';
import { normalizeTags, TAG_MAX_LENGTH, TAGS_MAX } from '@cb/domain';
import type { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { checkOwner } from '../clients/write.ts';
import { badRequest } from '../trpc/errors.ts';
import { workspaceProcedure } from '../trpc/init.ts';
import { listFailure } from './lists.ts';

/** At most this many clients per call: a page of selection in the web app, a few statements here. */
const BULK_MAX = 1000;

/** A tag as clients store it: whitespace trimmed and collapsed (`@cb/domain` normalizeTags). */
const ZTag = z
  .string()
  .trim()
  .min(1)
  .max(TAG_MAX_LENGTH)
  .transform((tag) => normalizeTags([tag])[0] ?? tag);

const ZBulkAction = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('addTag'), tag: ZTag }),
  z.strictObject({ type: z.literal('removeTag'), tag: ZTag }),
  z.strictObject({ type: z.literal('setOwner'), ownerId: z.uuid().nullable() }),
  z.strictObject({ type: z.literal('addToList'), listId: z.uuid() }),
  z.strictObject({ type: z.literal('archive') }),
]);

const ZBulkInput = z.strictObject({
  ids: z.array(z.uuid()).min(1).max(BULK_MAX),
  action: ZBulkAction,
});

function bulkFailure(f: BulkFailure): TRPCError {
  if (f.code === 'tags_full') {
    return badRequest([
      {
        field: 'action.tag',
        message: `${f.clientIds.length} of the selected clients already have ${TAGS_MAX} tags`,
        code: 'tags_too_many',
      },
    ]);
  }
  return listFailure(f, 'action.listId');
}

/**
 * `clients.bulk`: one action over many clients, in one transaction. Only clients the caller can
 * see are touched, and only those the action really changes; `affected` counts them. Ids of
 * clients elsewhere (another workspace, another manager's) are skipped without a word.
 */
export const bulk = workspaceProcedure('manager')
  .input(ZBulkInput)
  .mutation(async ({ ctx, input }) => {
    if (input.action.type === 'setOwner') {
      await checkOwner(ctx.db, ctx.ws, input.action.ownerId, 'action.ownerId');
    }
    const result = await bulkUpdateClients(ctx.db, ctx.ws.mutation, {
      ids: input.ids,
      action: input.action,
      now: ctx.now(),
    });
    if (!result.ok) throw bulkFailure(result.error);
    return { affected: result.value.affected };
  });
