import { addListMembers, createList, type ListFailure, removeListMembers } from '@cb/db';
import type { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { badRequest, failure } from '../trpc/errors.ts';
import { router, workspaceProcedure } from '../trpc/init.ts';
import { toJson } from '../trpc/json.ts';

/** At most this many clients per call, as a bulk action on the clients list. */
const LIST_MEMBERS_MAX = 1000;

const ZMembers = z.strictObject({
  id: z.uuid(),
  clientIds: z.array(z.uuid()).min(1).max(LIST_MEMBERS_MAX),
});

/** A list failure as a tRPC error; `field` is the input field that named the list. */
export function listFailure(f: ListFailure, field: string): TRPCError {
  if (f.code === 'not_static') {
    return badRequest([
      {
        field,
        message: 'This is a rule segment: its members follow its rule and cannot be changed by hand',
        code: 'list_not_static',
      },
    ]);
  }
  return failure(f);
}

/**
 * Static lists: segments whose members are added and removed by hand. They are read like every
 * segment (`segments.list`, `segments.get`, `segments.members`, with `kind: 'static'`).
 */
export const listsRouter = router({
  create: workspaceProcedure('manager')
    .input(z.strictObject({ name: z.string().trim().min(1).max(200) }))
    .mutation(async ({ ctx, input }) =>
      toJson(await createList(ctx.db, ctx.ws.mutation, { name: input.name })),
    ),

  /** Adds the clients the caller can see that are not members yet; `added` counts them. */
  addMembers: workspaceProcedure('manager')
    .input(ZMembers)
    .mutation(async ({ ctx, input }) => {
      const result = await addListMembers(ctx.db, ctx.ws.mutation, {
        listId: input.id,
        clientIds: input.clientIds,
        now: ctx.now(),
      });
      if (!result.ok) throw listFailure(result.error, 'id');
      return { added: result.value.added };
    }),

  /** Removes the clients the caller can see from the list (their spells close now); `removed` counts them. */
  removeMembers: workspaceProcedure('manager')
    .input(ZMembers)
    .mutation(async ({ ctx, input }) => {
      const result = await removeListMembers(ctx.db, ctx.ws.mutation, {
        listId: input.id,
        clientIds: input.clientIds,
        now: ctx.now(),
      });
      if (!result.ok) throw listFailure(result.error, 'id');
      return { removed: result.value.removed };
    }),
});
