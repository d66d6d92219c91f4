import type {
  ConsentProof,
  ConsentPurpose,
  ContactChannel,
  InteractionDirection,
  InteractionKind,
  Result,
} from '@cb/domain';
import { fail, ok } from '@cb/domain';
import { and, asc, desc, eq, isNull, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { consents } from '../schema/consents.ts';
import { interactions } from '../schema/interactions.ts';
import { payments } from '../schema/payments.ts';
import { type PurchaseLine, purchases } from '../schema/purchases.ts';
import { tasks } from '../schema/tasks.ts';
import { writeAudit } from './audit.ts';
import { clientExists } from './clients.ts';
import type { MutationContext, ReadScope } from './context.ts';
import { type DbFailure, notFound } from './failures.ts';
import { enqueueRecompute } from './outbox.ts';

function scopeOf(ctx: MutationContext): ReadScope {
  return { workspaceId: ctx.workspaceId, onlyOwnerId: ctx.onlyOwnerId };
}

/**
 * The shared shape of every history mutation: the client must be visible to the caller; the row,
 * its audit entry and the recompute request are written in one transaction.
 */
async function addForClient<T extends { id: string }>(
  db: Executor,
  ctx: MutationContext,
  clientId: string,
  entity: string,
  insert: (tx: Executor) => Promise<T>,
  /** A further check before anything is written (e.g. that a referenced record belongs to the client). */
  precheck?: (tx: Executor) => Promise<DbFailure | null>,
): Promise<Result<T, DbFailure>> {
  return db.transaction(async (tx) => {
    if (!(await clientExists(tx, scopeOf(ctx), clientId))) return fail(notFound('client', clientId));
    const problem = precheck ? await precheck(tx) : null;
    if (problem) return fail(problem);
    const row = await insert(tx);
    await writeAudit(tx, ctx, { action: `${entity}.create`, entity, entityId: row.id, after: row });
    await enqueueRecompute(tx, ctx.workspaceId, [clientId]);
    return ok(row);
  });
}

export type InteractionWrite = {
  clientId: string;
  kind: InteractionKind;
  direction?: InteractionDirection;
  at: Date;
  summary?: string | null;
};

export function addInteraction(db: Executor, ctx: MutationContext, data: InteractionWrite) {
  return addForClient(db, ctx, data.clientId, 'interaction', async (tx) => {
    const [row] = await tx
      .insert(interactions)
      .values({
        workspaceId: ctx.workspaceId,
        clientId: data.clientId,
        kind: data.kind,
        direction:
          data.direction ??
          (data.kind === 'inbound_request' || data.kind === 'web_form' ? 'inbound' : 'outbound'),
        at: data.at,
        summary: data.summary ?? null,
        authorId: ctx.actor.kind === 'user' ? ctx.actor.id : null,
      })
      .returning();
    return row!;
  });
}

export type PurchaseWrite = {
  clientId: string;
  at: Date;
  amountKopecks: number;
  currency?: string;
  lines?: PurchaseLine[] | null;
  externalId?: string | null;
  note?: string | null;
};

export function addPurchase(db: Executor, ctx: MutationContext, data: PurchaseWrite) {
  return addForClient(db, ctx, data.clientId, 'purchase', async (tx) => {
    const [row] = await tx
      .insert(purchases)
      .values({
        workspaceId: ctx.workspaceId,
        clientId: data.clientId,
        at: data.at,
        amountKopecks: data.amountKopecks,
        currency: data.currency ?? 'RUB',
        lines: data.lines ?? null,
        externalId: data.externalId ?? null,
        note: data.note ?? null,
      })
      .returning();
    return row!;
  });
}

export type PaymentWrite = {
  clientId: string;
  purchaseId?: string | null;
  at: Date;
  amountKopecks: number;
  currency?: string;
  method?: string | null;
};

export function addPayment(db: Executor, ctx: MutationContext, data: PaymentWrite) {
  const purchaseOfClient = async (tx: Executor): Promise<DbFailure | null> => {
    if (!data.purchaseId) return null;
    const [p] = await tx
      .select({ id: purchases.id })
      .from(purchases)
      .where(and(eq(purchases.id, data.purchaseId), eq(purchases.clientId, data.clientId)));
    return p ? null : notFound('purchase', data.purchaseId);
  };
  return addForClient(
    db,
    ctx,
    data.clientId,
    'payment',
    async (tx) => {
      const [row] = await tx
        .insert(payments)
        .values({
          workspaceId: ctx.workspaceId,
          clientId: data.clientId,
          purchaseId: data.purchaseId ?? null,
          at: data.at,
          amountKopecks: data.amountKopecks,
          currency: data.currency ?? 'RUB',
          method: data.method ?? null,
        })
        .returning();
      return row!;
    },
    purchaseOfClient,
  );
}

export type ConsentWrite = {
  clientId: string;
  channel: ContactChannel;
  purpose: ConsentPurpose;
  granted: boolean;
  at: Date;
  proof: ConsentProof;
};

/** Appends to the consent ledger; the latest event per channel and purpose is in force. */
export function recordConsent(db: Executor, ctx: MutationContext, data: ConsentWrite) {
  return addForClient(db, ctx, data.clientId, 'consent', async (tx) => {
    const [row] = await tx
      .insert(consents)
      .values({
        workspaceId: ctx.workspaceId,
        clientId: data.clientId,
        channel: data.channel,
        purpose: data.purpose,
        granted: data.granted,
        at: data.at,
        proof: data.proof,
        recordedBy: ctx.actor.kind === 'user' ? ctx.actor.id : null,
      })
      .returning();
    return row!;
  });
}

export type TaskWrite = {
  clientId?: string | null;
  title: string;
  dueAt?: Date | null;
  assigneeId?: string | null;
};

export async function addTask(db: Executor, ctx: MutationContext, data: TaskWrite) {
  const insert = async (tx: Executor) => {
    const [row] = await tx
      .insert(tasks)
      .values({
        workspaceId: ctx.workspaceId,
        clientId: data.clientId ?? null,
        title: data.title,
        dueAt: data.dueAt ?? null,
        assigneeId: data.assigneeId ?? (ctx.actor.kind === 'user' ? ctx.actor.id : null),
        createdBy: ctx.actor.kind === 'user' ? ctx.actor.id : null,
      })
      .returning();
    return row!;
  };
  if (data.clientId) return addForClient(db, ctx, data.clientId, 'task', insert);
  return db.transaction(async (tx) => {
    const row = await insert(tx);
    await writeAudit(tx, ctx, { action: 'task.create', entity: 'task', entityId: row.id, after: row });
    return ok(row);
  });
}

export async function completeTask(db: Executor, ctx: MutationContext, id: string, at: Date) {
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(tasks)
      .where(and(eq(tasks.id, id), eq(tasks.workspaceId, ctx.workspaceId)));
    if (!before) return fail(notFound('task', id));
    if (before.clientId && !(await clientExists(tx, scopeOf(ctx), before.clientId))) {
      return fail(notFound('task', id));
    }
    const [after] = await tx
      .update(tasks)
      .set({ doneAt: before.doneAt ?? at })
      .where(eq(tasks.id, id))
      .returning();
    await writeAudit(tx, ctx, { action: 'task.complete', entity: 'task', entityId: id, before, after });
    if (before.clientId) await enqueueRecompute(tx, ctx.workspaceId, [before.clientId]);
    return ok(after!);
  });
}

export type TaskListParams = {
  clientId?: string | undefined;
  assigneeId?: string | undefined;
  open?: boolean | undefined;
  limit?: number | undefined;
};

export async function listTasks(db: Executor, scope: ReadScope, params: TaskListParams = {}) {
  const conditions: (SQL | undefined)[] = [
    eq(tasks.workspaceId, scope.workspaceId),
    params.clientId ? eq(tasks.clientId, params.clientId) : undefined,
    params.assigneeId ? eq(tasks.assigneeId, params.assigneeId) : undefined,
    params.open === true ? isNull(tasks.doneAt) : undefined,
    params.open === false ? sql`${tasks.doneAt} is not null` : undefined,
    scope.onlyOwnerId
      ? sql`(${tasks.clientId} is null or exists (select 1 from clients c where c.id = ${tasks.clientId} and c.owner_id = ${scope.onlyOwnerId}))`
      : undefined,
  ];
  return db
    .select()
    .from(tasks)
    .where(and(...conditions))
    .orderBy(sql`${tasks.doneAt} is not null`, asc(tasks.dueAt), desc(tasks.createdAt))
    .limit(Math.min(params.limit ?? 100, 500));
}

export async function listInteractions(db: Executor, scope: ReadScope, clientId: string, limit = 100) {
  if (!(await clientExists(db, scope, clientId))) return [];
  return db
    .select()
    .from(interactions)
    .where(and(eq(interactions.clientId, clientId), eq(interactions.workspaceId, scope.workspaceId)))
    .orderBy(desc(interactions.at))
    .limit(limit);
}

export async function listPurchases(db: Executor, scope: ReadScope, clientId: string, limit = 100) {
  if (!(await clientExists(db, scope, clientId))) return [];
  return db
    .select()
    .from(purchases)
    .where(and(eq(purchases.clientId, clientId), eq(purchases.workspaceId, scope.workspaceId)))
    .orderBy(desc(purchases.at))
    .limit(limit);
}

export async function listPayments(db: Executor, scope: ReadScope, clientId: string, limit = 100) {
  if (!(await clientExists(db, scope, clientId))) return [];
  return db
    .select()
    .from(payments)
    .where(and(eq(payments.clientId, clientId), eq(payments.workspaceId, scope.workspaceId)))
    .orderBy(desc(payments.at))
    .limit(limit);
}
