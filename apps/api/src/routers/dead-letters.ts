import type { DeadLetter } from '@cb/worker';
import { z } from 'zod';
import { router, workspaceProcedure } from '../trpc/init.ts';
import { toJson } from '../trpc/json.ts';

/** How far one request reads into the queue's dead letters looking for this workspace's. */
const SCAN = 1000;

function belongsTo(letter: DeadLetter, workspaceId: string): boolean {
  const data = letter.data as { workspaceId?: unknown } | null;
  return typeof data === 'object' && data !== null && data.workspaceId === workspaceId;
}

/**
 * Background jobs of this workspace that kept failing (or were malformed) and were given up on.
 * The queue is shared by all workspaces, so every answer is filtered to the caller's workspace.
 */
export const deadLettersRouter = router({
  list: workspaceProcedure('admin')
    .input(
      z
        .strictObject({
          limit: z.number().int().min(1).max(200).optional(),
          after: z.uuid().optional(),
        })
        .optional(),
    )
    .query(async ({ ctx, input }) => {
      const limit = input?.limit ?? 50;
      if (!ctx.deadLetters) return { items: [], nextCursor: null, queue: false };
      const scanned = await ctx.deadLetters.list({
        limit: SCAN,
        ...(input?.after ? { after: input.after } : {}),
      });
      const mine = scanned.filter((letter) => belongsTo(letter, ctx.ws.id));
      const items = mine.slice(0, limit);
      const more = mine.length > limit || scanned.length === SCAN;
      return toJson({
        items,
        nextCursor: more ? (items.at(-1)?.id ?? scanned.at(-1)?.id ?? null) : null,
        queue: true,
      });
    }),

  /** Sends the given dead letters of this workspace back to the queue they failed on. */
  redrive: workspaceProcedure('admin')
    .input(z.strictObject({ ids: z.array(z.uuid()).min(1).max(200) }))
    .mutation(async ({ ctx, input }) => {
      if (!ctx.deadLetters) return { redriven: 0 };
      const wanted = new Set(input.ids);
      const mine: string[] = [];
      let after: string | undefined;
      // Only letters of the caller's workspace may be touched: look each id up before redriving.
      for (let page = 0; page < 20 && mine.length < wanted.size; page++) {
        const scanned = await ctx.deadLetters.list({ limit: SCAN, ...(after ? { after } : {}) });
        for (const letter of scanned)
          if (wanted.has(letter.id) && belongsTo(letter, ctx.ws.id)) mine.push(letter.id);
        if (scanned.length < SCAN) break;
        after = scanned.at(-1)?.id;
      }
      return { redriven: mine.length > 0 ? await ctx.deadLetters.redrive(mine) : 0 };
    }),
});
