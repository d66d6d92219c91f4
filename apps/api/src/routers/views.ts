import { listSavedViews, removeView, type SavedViewItem, saveView, type ViewOwner } from '@cb/db';
import { z } from 'zod';
import { orThrow } from '../trpc/errors.ts';
import { router, type WorkspaceContext, workspaceProcedure } from '../trpc/init.ts';
import { toJson } from '../trpc/json.ts';
import { ZClientFilter, ZClientSort } from './client-filter.ts';

/**
 * What a saved view remembers of the clients list: the search, filter, sort and columns shown.
 * Stored as validated here; it may only grow (new optional keys), so stored states stay valid.
 */
const ZViewState = z.strictObject({
  q: z.string().max(200).optional(),
  filter: ZClientFilter.optional(),
  sort: ZClientSort.optional(),
  columns: z.array(z.string().min(1).max(50)).max(30).optional(),
});

const ZViewName = z.string().trim().min(1).max(100);

type ViewState = z.infer<typeof ZViewState>;

function ownerOf(ws: WorkspaceContext): ViewOwner {
  return { workspaceId: ws.id, userId: ws.userId };
}

/** A view on the wire, its state typed as what `save` accepted. */
function viewDto(view: SavedViewItem) {
  return toJson({ ...view, state: view.state as ViewState });
}

/**
 * Saved views of the clients list. Every member (viewers too, by session or API token) keeps their
 * own; a shared view is seen by the whole workspace but changed or removed only by its owner.
 */
export const viewsRouter = router({
  /** The caller's own views and the ones others shared, by name. */
  list: workspaceProcedure('viewer').query(async ({ ctx }) => ({
    items: (await listSavedViews(ctx.db, ownerOf(ctx.ws))).map(viewDto),
  })),

  /** Creates a view, or (with `id`) replaces one of the caller's own. */
  save: workspaceProcedure('viewer')
    .input(
      z.strictObject({
        id: z.uuid().optional(),
        name: ZViewName,
        state: ZViewState,
        shared: z.boolean().optional(),
      }),
    )
    .mutation(async ({ ctx, input }) =>
      viewDto(
        orThrow(
          await saveView(ctx.db, ctx.ws.mutation, ownerOf(ctx.ws), {
            id: input.id,
            name: input.name,
            state: input.state,
            shared: input.shared,
          }),
        ),
      ),
    ),

  remove: workspaceProcedure('viewer')
    .input(z.strictObject({ id: z.uuid() }))
    .mutation(async ({ ctx, input }) =>
      orThrow(await removeView(ctx.db, ctx.ws.mutation, ownerOf(ctx.ws), input.id)),
    ),
});
