import { addTask, completeTask, type Executor, listMembers, listTasks } from '@cb/db';
import { z } from 'zod';
import { badRequest, orThrow } from '../trpc/errors.ts';
import { router, type WorkspaceContext, workspaceProcedure } from '../trpc/init.ts';
import { toJson } from '../trpc/json.ts';
import { ZInstant } from './inputs.ts';

async function checkAssignee(db: Executor, ws: WorkspaceContext, assigneeId: string | undefined) {
  if (!assigneeId) return;
  const members = await listMembers(db, ws.id);
  if (!members.some((m) => m.userId === assigneeId)) {
    throw badRequest([
      {
        field: 'assigneeId',
        message: 'The assignee must be a member of this workspace',
        code: 'assignee_unknown',
      },
    ]);
  }
}

export const tasksRouter = router({
  add: workspaceProcedure('manager')
    .input(
      z.strictObject({
        clientId: z.uuid().optional(),
        title: z.string().trim().min(1).max(500),
        dueAt: ZInstant.optional(),
        assigneeId: z.uuid().optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await checkAssignee(ctx.db, ctx.ws, input.assigneeId);
      return toJson(orThrow(await addTask(ctx.db, ctx.ws.mutation, input)));
    }),

  complete: workspaceProcedure('manager')
    .input(z.strictObject({ id: z.uuid() }))
    .mutation(async ({ ctx, input }) =>
      toJson(orThrow(await completeTask(ctx.db, ctx.ws.mutation, input.id, ctx.now()))),
    ),

  list: workspaceProcedure('viewer')
    .input(
      z
        .strictObject({
          clientId: z.uuid().optional(),
          assigneeId: z.uuid().optional(),
          open: z.boolean().optional(),
          limit: z.number().int().min(1).max(500).optional(),
        })
        .optional(),
    )
    .query(async ({ ctx, input }) => toJson({ items: await listTasks(ctx.db, ctx.ws.scope, input ?? {}) })),
});
