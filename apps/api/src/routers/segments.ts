import {
  createSegment,
  getSegment,
  listSegmentMembers,
  listSegments,
  previewSegmentRule,
  SEGMENT_SAMPLE_MAX,
  segmentSizeHistory,
  updateSegment,
} from '@cb/db';
import { parseSegmentRule, type SegmentRule } from '@cb/domain';
import { z } from 'zod';
import { withPhoneDisplay } from '../clients/dto.ts';
import { regionOf } from '../clients/write.ts';
import { issuesOrThrow, notFound, orThrow } from '../trpc/errors.ts';
import { router, type WorkspaceContext, workspaceProcedure } from '../trpc/init.ts';
import { toJson } from '../trpc/json.ts';

const ZName = z.string().trim().min(1).max(200);

/**
 * For a manager who sees only their own clients, a preview counts only those: the rule is narrowed
 * to the owner, so the count never tells how many clients others have.
 */
function scopedRule(rule: SegmentRule, ws: WorkspaceContext): SegmentRule {
  const owner = ws.scope.onlyOwnerId;
  return owner
    ? { type: 'and', rules: [rule, { type: 'condition', field: 'owner', op: 'in', values: [owner] }] }
    : rule;
}

export const segmentsRouter = router({
  list: workspaceProcedure('viewer').query(async ({ ctx }) =>
    toJson({ items: await listSegments(ctx.db, ctx.ws.id, ctx.ws.scope.onlyOwnerId) }),
  ),

  get: workspaceProcedure('viewer')
    .input(z.strictObject({ id: z.uuid() }))
    .query(async ({ ctx, input }) => {
      const segment = await getSegment(ctx.db, ctx.ws.id, input.id, ctx.ws.scope.onlyOwnerId);
      if (!segment) throw notFound('segment', input.id);
      return toJson(segment);
    }),

  /** Creates a live rule segment; its members are computed at once and kept current by the worker. */
  create: workspaceProcedure('manager')
    .input(z.strictObject({ name: ZName, rule: z.unknown() }))
    .mutation(async ({ ctx, input }) => {
      const rule = issuesOrThrow(parseSegmentRule(input.rule));
      return toJson(await createSegment(ctx.db, ctx.ws.mutation, { name: input.name, rule, now: ctx.now() }));
    }),

  update: workspaceProcedure('manager')
    .input(z.strictObject({ id: z.uuid(), name: ZName.optional(), rule: z.unknown().optional() }))
    .mutation(async ({ ctx, input }) => {
      const rule = input.rule === undefined ? undefined : issuesOrThrow(parseSegmentRule(input.rule));
      return toJson(
        orThrow(
          await updateSegment(ctx.db, ctx.ws.mutation, {
            id: input.id,
            name: input.name,
            rule,
            now: ctx.now(),
          }),
        ),
      );
    }),

  /** How many clients a rule selects right now, and the first few by name: computed live. */
  preview: workspaceProcedure('viewer')
    .input(
      z.strictObject({
        rule: z.unknown(),
        sampleSize: z.number().int().min(0).max(SEGMENT_SAMPLE_MAX).optional(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const rule = issuesOrThrow(parseSegmentRule(input.rule));
      return toJson(
        await previewSegmentRule(ctx.db, {
          workspaceId: ctx.ws.id,
          rule: scopedRule(rule, ctx.ws),
          now: ctx.now(),
          sampleSize: input.sampleSize ?? 20,
        }),
      );
    }),

  members: workspaceProcedure('viewer')
    .input(
      z.strictObject({
        id: z.uuid(),
        cursor: z.string().max(1000).nullish(),
        limit: z.number().int().min(1).max(500).optional(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const page = orThrow(
        await listSegmentMembers(ctx.db, ctx.ws.scope, {
          segmentId: input.id,
          cursor: input.cursor,
          limit: input.limit,
        }),
      );
      return toJson({ ...page, items: withPhoneDisplay(page.items, regionOf(ctx.ws)) });
    }),

  /**
   * The segment's size at the end of each of the last `days` UTC days (today last), from its
   * membership spells; a restricted manager counts only their own clients.
   */
  sizeHistory: workspaceProcedure('viewer')
    .input(z.strictObject({ id: z.uuid(), days: z.number().int().min(1).max(730).optional() }))
    .query(async ({ ctx, input }) =>
      toJson(
        orThrow(
          await segmentSizeHistory(ctx.db, ctx.ws.scope, {
            segmentId: input.id,
            now: ctx.now(),
            days: input.days ?? 90,
          }),
        ),
      ),
    ),
});
