import {
  countWorkspaceClients,
  dismissPair,
  enqueueDuplicateScan,
  getClient,
  listDuplicatePairs,
  listMerges,
  MERGE_FIELDS,
  mergeClients,
  scanDuplicates,
  unmergeClients,
} from '@cb/db';
import { explainScore } from '@cb/domain';
import { z } from 'zod';
import { clientDto } from '../clients/dto.ts';
import { regionOf } from '../clients/write.ts';
import { badRequest, failure, notFound } from '../trpc/errors.ts';
import { router, workspaceProcedure } from '../trpc/init.ts';
import { toJson } from '../trpc/json.ts';

/** A workspace up to this size is scanned within the request; a bigger one by the worker. */
export const SYNC_SCAN_MAX_CLIENTS = 5_000;

const ZPick = z.strictObject(
  Object.fromEntries(MERGE_FIELDS.map((f) => [f, z.enum(['survivor', 'merged']).optional()])) as Record<
    (typeof MERGE_FIELDS)[number],
    z.ZodOptional<z.ZodEnum<{ survivor: 'survivor'; merged: 'merged' }>>
  >,
);

const logOdds = (score: number) => (score <= 0 ? -50 : score >= 1 ? 50 : Math.log2(score / (1 - score)));

/** Candidate duplicates: scan, review queue, merge and unmerge, "not a duplicate". */
export const duplicatesRouter = router({
  /** Scans the workspace now (up to 50,000 clients), or queues a scan for the worker. */
  scan: workspaceProcedure('manager')
    .input(z.strictObject({}).optional())
    .mutation(async ({ ctx }) => {
      const clients = await countWorkspaceClients(ctx.db, ctx.ws.id);
      if (clients > SYNC_SCAN_MAX_CLIENTS) {
        await enqueueDuplicateScan(ctx.db, ctx.ws.id);
        return { status: 'queued' as const };
      }
      const result = await scanDuplicates(ctx.db, ctx.ws.id);
      return { status: 'done' as const, clientsScanned: result.clientsScanned, pairs: result.pairs };
    }),

  /** The review queue, best first, each pair explained in the reader's language. */
  list: workspaceProcedure('viewer')
    .input(
      z
        .strictObject({
          cursor: z.string().max(500).nullish(),
          limit: z.number().int().min(1).max(200).optional(),
          status: z.enum(['open', 'dismissed', 'merged']).optional(),
          minScore: z.number().min(0).max(1).optional(),
          locale: z.enum(['ru', 'en']).optional(),
        })
        .optional(),
    )
    .query(async ({ ctx, input = {} }) => {
      const result = await listDuplicatePairs(ctx.db, ctx.ws.scope, {
        ...input,
        cursor: input.cursor ?? undefined,
      });
      if (!result.ok) {
        throw badRequest([{ field: 'cursor', message: result.error.message, code: 'cursor_invalid' }]);
      }
      const locale = input.locale ?? 'ru';
      return toJson({
        items: result.value.items.map((item) => ({
          a: item.a,
          b: item.b,
          score: item.score,
          decision: item.decision,
          reasons: item.reasons,
          explanation: explainScore(
            {
              score: item.score,
              decision: item.decision,
              reasons: item.reasons,
              logOdds: logOdds(item.score),
            },
            locale,
          ),
          clusterId: item.clusterId,
          status: item.status,
        })),
        nextCursor: result.value.nextCursor,
      });
    }),

  /** Folds `mergedId` into `survivorId`; both versions must be the ones the reviewer saw. */
  merge: workspaceProcedure('manager')
    .input(
      z.strictObject({
        survivorId: z.uuid(),
        mergedId: z.uuid(),
        expectedVersions: z.strictObject({
          survivor: z.number().int().min(1),
          merged: z.number().int().min(1),
        }),
        pick: ZPick.optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const result = await mergeClients(ctx.db, ctx.ws.mutation, input);
      if (!result.ok) throw failure(result.error);
      const survivor = await getClient(ctx.db, ctx.ws.scope, result.value.survivorId);
      if (!survivor) throw notFound('client', result.value.survivorId);
      return { mergeId: result.value.mergeId, survivor: clientDto(survivor, regionOf(ctx.ws)) };
    }),

  /** Undoes a merge while the survivor is as the merge left it. */
  unmerge: workspaceProcedure('manager')
    .input(z.strictObject({ mergeId: z.uuid() }))
    .mutation(async ({ ctx, input }) => {
      const result = await unmergeClients(ctx.db, ctx.ws.mutation, input);
      if (!result.ok) throw failure(result.error);
      return result.value;
    }),

  /** "Not a duplicate": stored for the workspace, respected by later scans and imports. */
  dismiss: workspaceProcedure('manager')
    .input(z.strictObject({ a: z.uuid(), b: z.uuid() }))
    .mutation(async ({ ctx, input }) => {
      const result = await dismissPair(ctx.db, ctx.ws.mutation, input);
      if (!result.ok) throw failure(result.error);
      return { ok: true as const };
    }),

  /** Merge history, newest first. */
  merges: workspaceProcedure('viewer')
    .input(
      z
        .strictObject({
          cursor: z.string().max(500).nullish(),
          limit: z.number().int().min(1).max(200).optional(),
        })
        .optional(),
    )
    .query(async ({ ctx, input = {} }) => {
      const result = await listMerges(ctx.db, ctx.ws.scope, { ...input, cursor: input.cursor ?? undefined });
      if (!result.ok) {
        throw badRequest([{ field: 'cursor', message: result.error.message, code: 'cursor_invalid' }]);
      }
      return toJson(result.value);
    }),
});
