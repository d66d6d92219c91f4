import {
  archiveClient,
  clientTimeline,
  createClient,
  decodeCursor,
  getClient,
  listClients,
  searchClients,
  updateClient,
} from '@cb/db';
import { mergeClientPatch, normalizeClient, ZClientInput, ZCompanyPatch, ZPersonPatch } from '@cb/domain';
import { z } from 'zod';
import { clientCard } from '../clients/card.ts';
import { clientDto, withPhoneDisplay } from '../clients/dto.ts';
import {
  checkOwner,
  normalizeContext,
  regionOf,
  storedClientInput,
  toClientWrite,
  toDbPatch,
} from '../clients/write.ts';
import { badRequest, failure, issuesOrThrow, notFound, orThrow } from '../trpc/errors.ts';
import { router, workspaceProcedure } from '../trpc/init.ts';
import { toJson } from '../trpc/json.ts';
import { ZClientFilter, ZClientSort } from './client-filter.ts';
import { bulk } from './clients-bulk.ts';

const ZId = z.object({ id: z.uuid() });
const updateFields = { id: z.uuid(), expectedVersion: z.number().int().positive().optional() };

/** `kind` is required and must be the stored kind: it says which fields apply. */
const ZClientUpdate = z.discriminatedUnion('kind', [
  ZPersonPatch.extend(updateFields),
  ZCompanyPatch.extend(updateFields),
]);

const ZCursor = z.string().max(1000);

const ZListInput = z
  .object({
    filter: ZClientFilter.optional(),
    sort: ZClientSort.optional(),
    cursor: ZCursor.nullish(),
    limit: z.number().int().min(1).max(500).optional(),
  })
  .strict()
  .optional();

export const clientsRouter = router({
  create: workspaceProcedure('manager')
    .input(ZClientInput)
    .mutation(async ({ ctx, input }) => {
      const now = ctx.now();
      const normalized = issuesOrThrow(normalizeClient(input, await normalizeContext(ctx.db, ctx.ws, now)));
      await checkOwner(ctx.db, ctx.ws, normalized.ownerId);
      const write = toClientWrite(normalized, input, regionOf(ctx.ws), null);
      const created = orThrow(await createClient(ctx.db, ctx.ws.mutation, write));
      return clientDto(created, regionOf(ctx.ws));
    }),

  /**
   * Lays the patch over the stored client and normalizes the result as a whole, so an update can
   * never store what a create would refuse. Optimistic: a change by someone else in between (or a
   * stale `expectedVersion`) is a CONFLICT.
   */
  update: workspaceProcedure('manager')
    .input(ZClientUpdate)
    .mutation(async ({ ctx, input }) => {
      const { id, expectedVersion, ...patch } = input;
      const now = ctx.now();
      const stored = await getClient(ctx.db, ctx.ws.scope, id);
      if (!stored) throw notFound('client', id);
      const merged = issuesOrThrow(mergeClientPatch(storedClientInput(stored), patch));
      const normalized = issuesOrThrow(normalizeClient(merged, await normalizeContext(ctx.db, ctx.ws, now)));
      if (patch.ownerId) await checkOwner(ctx.db, ctx.ws, patch.ownerId);
      const write = toClientWrite(normalized, merged, regionOf(ctx.ws), stored);
      const updated = orThrow(
        await updateClient(ctx.db, ctx.ws.mutation, id, toDbPatch(write), expectedVersion ?? stored.version),
      );
      return clientDto(updated, regionOf(ctx.ws));
    }),

  get: workspaceProcedure('viewer')
    .input(ZId)
    .query(async ({ ctx, input }) => {
      const detail = await getClient(ctx.db, ctx.ws.scope, input.id);
      if (!detail) throw notFound('client', input.id);
      return clientCard(ctx.db, ctx.ws, detail, ctx.now());
    }),

  list: workspaceProcedure('viewer')
    .input(ZListInput)
    .query(async ({ ctx, input }) => {
      const result = await listClients(ctx.db, ctx.ws.scope, input ?? {});
      if (!result.ok) throw badRequest([{ field: result.error.field, message: result.error.message }]);
      return toJson({ ...result.value, items: withPhoneDisplay(result.value.items, regionOf(ctx.ws)) });
    }),

  search: workspaceProcedure('viewer')
    .input(z.object({ q: z.string().max(200), limit: z.number().int().min(1).max(100).optional() }).strict())
    .query(async ({ ctx, input }) => {
      const items = await searchClients(ctx.db, ctx.ws.scope, {
        q: input.q,
        limit: input.limit,
        region: regionOf(ctx.ws),
      });
      return toJson({ items: withPhoneDisplay(items, regionOf(ctx.ws)) });
    }),

  /** Archives (or, with `archived: false`, restores) a client; its history stays. */
  archive: workspaceProcedure('manager')
    .input(z.object({ id: z.uuid(), archived: z.boolean().optional() }).strict())
    .mutation(async ({ ctx, input }) => {
      const result = orThrow(await archiveClient(ctx.db, ctx.ws.mutation, input.id, input.archived ?? true));
      return clientDto(result, regionOf(ctx.ws));
    }),

  timeline: workspaceProcedure('viewer')
    .input(
      z
        .object({
          id: z.uuid(),
          cursor: ZCursor.nullish(),
          limit: z.number().int().min(1).max(200).optional(),
        })
        .strict(),
    )
    .query(async ({ ctx, input }) => {
      if (input.cursor) {
        const decoded = decodeCursor(input.cursor);
        if (!decoded || typeof decoded.value !== 'string') throw failure({ code: 'bad_cursor' });
      }
      const page = await clientTimeline(ctx.db, ctx.ws.scope, {
        clientId: input.id,
        cursor: input.cursor,
        limit: input.limit,
      });
      if (!page) throw notFound('client', input.id);
      return toJson(page);
    }),

  bulk,
});
