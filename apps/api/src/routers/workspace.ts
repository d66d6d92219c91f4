import { changeWorkspaceSettings } from '@cb/db';
import { z } from 'zod';
import { router, workspaceProcedure } from '../trpc/init.ts';

const ZSettingsPatch = z.strictObject({
  defaultRegion: z
    .string()
    .regex(/^[A-Z]{2}$/, 'an ISO 3166 region code, e.g. RU')
    .optional(),
  lapsedAfterDays: z.number().int().min(1).max(3650).optional(),
  uniquePhones: z.boolean().optional(),
  managersSeeOwnClientsOnly: z.boolean().optional(),
  allowPartialRows: z.boolean().optional(),
});

export const workspaceRouter = router({
  getSettings: workspaceProcedure('admin').query(({ ctx }) => ({
    id: ctx.ws.id,
    name: ctx.ws.name,
    settings: ctx.ws.settings,
  })),

  /** Changes the given settings only. */
  updateSettings: workspaceProcedure('admin')
    .input(ZSettingsPatch)
    .mutation(async ({ ctx, input }) => ({
      id: ctx.ws.id,
      name: ctx.ws.name,
      settings: await changeWorkspaceSettings(ctx.db, ctx.ws.mutation, input),
    })),
});
