import type {
  BatchKind,
  ClientKind,
  CustomValue,
  EmailType,
  PhoneType,
  Result,
  SourceChannel,
} from '@cb/domain';
import { fail, ok } from '@cb/domain';
import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { refreshDuplicateKeys } from '../duplicates/keys.ts';
import { queryRows } from '../raw.ts';
import { batches } from '../schema/batches.ts';
import { clientEmails } from '../schema/client-emails.ts';
import { clientPhones } from '../schema/client-phones.ts';
import { clients, type UtmTags } from '../schema/clients.ts';
import { consents } from '../schema/consents.ts';
import { workspaces } from '../schema/workspaces.ts';
import { writeAudit } from './audit.ts';
import type { MutationContext, ReadScope } from './context.ts';
import { type DbFailure, notFound } from './failures.ts';
import { enqueueRecompute } from './outbox.ts';

export type PhoneWrite = { e164: string; raw: string; type: PhoneType; verifiedAt: Date | null };
export type EmailWrite = { address: string; type: EmailType; verifiedAt: Date | null };
export type SourceWrite = {
  channel: SourceChannel;
  batchId?: string | null;
  campaign?: string | null;
  utm?: UtmTags | null;
  referrerId?: string | null;
  detail?: string | null;
};

/** A client as it is written: already validated and normalized by `@cb/domain`. */
export type ClientWrite = {
  kind: ClientKind;
  lastName?: string | null;
  firstName?: string | null;
  patronymic?: string | null;
  birthday?: string | null;
  legalName?: string | null;
  inn?: string | null;
  kpp?: string | null;
  displayName: string;
  matchKey: string;
  city?: string | null;
  address?: string | null;
  tags?: string[];
  ownerId?: string | null;
  custom?: Record<string, CustomValue>;
  externalId?: string | null;
  verifiedAt?: Date | null;
  source?: SourceWrite;
  phones?: PhoneWrite[];
  emails?: EmailWrite[];
};

/** Fields an update may change; contacts, when given, replace the whole list. */
export type ClientPatch = Partial<Omit<ClientWrite, 'kind'>>;

export type ClientRow = typeof clients.$inferSelect;
export type ClientDetail = ClientRow & {
  phones: (typeof clientPhones.$inferSelect)[];
  emails: (typeof clientEmails.$inferSelect)[];
  consents: (typeof consents.$inferSelect)[];
  batch: { id: string; name: string; vendor: string | null } | null;
  /** Every batch that created or updated the client, newest first (`listClientBatches`). */
  batches: ClientBatches;
  referrer: { id: string; displayName: string } | null;
};

/**
 * A batch that touched a client: the one it was created from, or one whose import updated it.
 * Batches keep their cost in kopecks of roubles (`batches.cost_kopecks`), hence the fixed currency.
 */
export type ClientBatch = {
  id: string;
  kind: BatchKind;
  name: string;
  vendor: string | null;
  cost: { kopecks: number; currency: 'RUB' } | null;
  /** `created` when the batch brought the client in, `updated` when its import only changed it. */
  action: 'created' | 'updated';
  /** When the batch touched the client: the client's creation, or the start of the import. */
  at: Date;
};

export type ClientBatches = { items: ClientBatch[]; total: number };

/** A card lists at most this many batches; `total` says how many touched the client. */
export const CLIENT_BATCHES_MAX = 20;

function ownerFilter(scope: ReadScope) {
  return scope.onlyOwnerId ? eq(clients.ownerId, scope.onlyOwnerId) : undefined;
}

export async function getClient(db: Executor, scope: ReadScope, id: string): Promise<ClientDetail | null> {
  const [row] = await db
    .select()
    .from(clients)
    .where(and(eq(clients.workspaceId, scope.workspaceId), eq(clients.id, id), ownerFilter(scope)));
  if (!row) return null;
  // Sequential on purpose: inside a transaction every query shares one connection, and node-postgres
  // refuses (deprecated, removed in pg 9) to queue concurrent queries on one client.
  const phones = await db
    .select()
    .from(clientPhones)
    .where(eq(clientPhones.clientId, id))
    .orderBy(asc(clientPhones.position));
  const emails = await db
    .select()
    .from(clientEmails)
    .where(eq(clientEmails.clientId, id))
    .orderBy(asc(clientEmails.position));
  const consentRows = await db
    .select()
    .from(consents)
    .where(eq(consents.clientId, id))
    .orderBy(asc(consents.at), asc(consents.createdAt));
  const batchRows = row.sourceBatchId
    ? await db
        .select({ id: batches.id, name: batches.name, vendor: batches.vendor })
        .from(batches)
        .where(eq(batches.id, row.sourceBatchId))
    : [];
  const touchedBy = await listClientBatches(db, scope.workspaceId, id);
  const referrerRows = row.sourceReferrerId
    ? await db
        .select({ id: clients.id, displayName: clients.displayName })
        .from(clients)
        .where(eq(clients.id, row.sourceReferrerId))
    : [];
  return {
    ...row,
    phones,
    emails,
    consents: consentRows,
    batch: batchRows[0] ?? null,
    batches: touchedBy,
    referrer: referrerRows[0] ?? null,
  };
}

/**
 * The batches that touched a client, de-duplicated by batch, newest first: the batch it was created
 * from (`source_batch_id`) and the batches of the imports that created or updated it
 * (`import_changes`). Imports since undone are left out: undo reverted what they did. A batch both
 * created and updated the client (two rows of one file) counts as `created`.
 */
export async function listClientBatches(
  db: Executor,
  workspaceId: string,
  clientId: string,
): Promise<ClientBatches> {
  const rows = await queryRows<{
    id: string;
    kind: BatchKind;
    name: string;
    vendor: string | null;
    cost_kopecks: string | number | null;
    created: boolean;
    at: string | Date;
    total: number;
  }>(
    db,
    sql`with touches as (
          select c.source_batch_id as batch_id, true as created, c.created_at as at
          from clients c
          where c.id = ${clientId}::uuid and c.workspace_id = ${workspaceId}::uuid and c.source_batch_id is not null
          union all
          select i.batch_id, ch.action = 'created', coalesce(i.started_at, i.created_at)
          from import_changes ch
          join imports i on i.id = ch.import_id
          where ch.client_id = ${clientId}::uuid and i.workspace_id = ${workspaceId}::uuid
            and i.batch_id is not null and i.status <> 'undone'
        ),
        per_batch as (
          select batch_id, bool_or(created) as created, max(at) as at from touches group by batch_id
        )
        select b.id, b.kind, b.name, b.vendor, b.cost_kopecks, p.created, p.at, (count(*) over ())::int as total
        from per_batch p
        join batches b on b.id = p.batch_id and b.workspace_id = ${workspaceId}::uuid
        order by p.at desc, b.id
        limit ${CLIENT_BATCHES_MAX}`,
  );
  return {
    items: rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      name: r.name,
      vendor: r.vendor,
      cost: r.cost_kopecks === null ? null : { kopecks: Number(r.cost_kopecks), currency: 'RUB' },
      action: r.created ? 'created' : 'updated',
      at: new Date(r.at),
    })),
    total: rows[0]?.total ?? 0,
  };
}

/** Snapshot for audit rows: the record with its contacts, without bulky derived columns. */
function auditSnapshot(detail: ClientDetail) {
  const {
    temperatureReasons: _reasons,
    consents: _consents,
    batch: _batch,
    batches: _batches,
    referrer: _referrer,
    ...rest
  } = detail;
  return {
    ...rest,
    phones: detail.phones.map((p) => ({ e164: p.e164, type: p.type, verifiedAt: p.verifiedAt })),
    emails: detail.emails.map((e) => ({ address: e.address, type: e.type, verifiedAt: e.verifiedAt })),
  };
}

/**
 * When the workspace forbids it, a phone may belong to one live client only. Returns the
 * conflict naming the other client, or null.
 */
async function findPhoneConflict(
  db: Executor,
  workspaceId: string,
  phones: PhoneWrite[] | undefined,
  exceptClientId: string | null,
): Promise<DbFailure | null> {
  if (!phones?.length) return null;
  const [ws] = await db
    .select({ settings: workspaces.settings })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId));
  if (!ws?.settings.uniquePhones) return null;
  const taken = await db
    .select({ e164: clientPhones.e164, clientId: clients.id, name: clients.displayName })
    .from(clientPhones)
    .innerJoin(clients, eq(clients.id, clientPhones.clientId))
    .where(
      and(
        eq(clientPhones.workspaceId, workspaceId),
        inArray(
          clientPhones.e164,
          phones.map((p) => p.e164),
        ),
        exceptClientId ? ne(clients.id, exceptClientId) : undefined,
        sql`${clients.archivedAt} is null`,
      ),
    )
    .limit(1);
  const hit = taken[0];
  if (!hit) return null;
  const index = phones.findIndex((p) => p.e164 === hit.e164);
  return {
    code: 'conflict',
    field: `phones.${index}.number`,
    message: `Phone ${hit.e164} already belongs to ${hit.name}`,
    other: { entity: 'client', id: hit.clientId, name: hit.name },
  };
}

async function checkReferences(
  db: Executor,
  workspaceId: string,
  data: ClientPatch,
): Promise<DbFailure | null> {
  const batchId = data.source?.batchId;
  if (batchId) {
    const [b] = await db
      .select({ id: batches.id })
      .from(batches)
      .where(and(eq(batches.id, batchId), eq(batches.workspaceId, workspaceId)));
    if (!b) return notFound('batch', batchId);
  }
  const referrerId = data.source?.referrerId;
  if (referrerId) {
    const [r] = await db
      .select({ id: clients.id })
      .from(clients)
      .where(and(eq(clients.id, referrerId), eq(clients.workspaceId, workspaceId)));
    if (!r) return notFound('client', referrerId);
  }
  return null;
}

function sourceColumns(source: SourceWrite | undefined) {
  if (!source) return {};
  return {
    sourceChannel: source.channel,
    sourceBatchId: source.batchId ?? null,
    sourceCampaign: source.campaign ?? null,
    sourceUtm: source.utm ?? null,
    sourceReferrerId: source.referrerId ?? null,
    sourceDetail: source.detail ?? null,
  };
}

async function writeContacts(
  db: Executor,
  workspaceId: string,
  clientId: string,
  data: ClientPatch,
): Promise<void> {
  if (data.phones) {
    await db.delete(clientPhones).where(eq(clientPhones.clientId, clientId));
    if (data.phones.length > 0) {
      await db
        .insert(clientPhones)
        .values(data.phones.map((p, position) => ({ ...p, workspaceId, clientId, position })));
    }
  }
  if (data.emails) {
    await db.delete(clientEmails).where(eq(clientEmails.clientId, clientId));
    if (data.emails.length > 0) {
      await db
        .insert(clientEmails)
        .values(data.emails.map((e, position) => ({ ...e, workspaceId, clientId, position })));
    }
  }
}

/** Creates a client with its contacts in one transaction, with its audit row and recompute. */
export async function createClient(
  db: Executor,
  ctx: MutationContext,
  data: ClientWrite,
): Promise<Result<ClientDetail, DbFailure>> {
  return db.transaction(async (tx) => {
    const problem =
      (await checkReferences(tx, ctx.workspaceId, data)) ??
      (await findPhoneConflict(tx, ctx.workspaceId, data.phones, null));
    if (problem) return fail(problem);
    const [row] = await tx
      .insert(clients)
      .values({
        workspaceId: ctx.workspaceId,
        kind: data.kind,
        lastName: data.lastName ?? null,
        firstName: data.firstName ?? null,
        patronymic: data.patronymic ?? null,
        birthday: data.birthday ?? null,
        legalName: data.legalName ?? null,
        inn: data.inn ?? null,
        kpp: data.kpp ?? null,
        displayName: data.displayName,
        matchKey: data.matchKey,
        city: data.city ?? null,
        address: data.address ?? null,
        tags: data.tags ?? [],
        ownerId: data.ownerId !== undefined ? data.ownerId : ctx.actor.kind === 'user' ? ctx.actor.id : null,
        custom: data.custom ?? {},
        externalId: data.externalId ?? null,
        verifiedAt: data.verifiedAt ?? null,
        ...sourceColumns(data.source),
      })
      .returning({ id: clients.id });
    const id = row!.id;
    await writeContacts(tx, ctx.workspaceId, id, data);
    await refreshDuplicateKeys(tx, ctx.workspaceId, [id]);
    const detail = (await getClient(tx, { workspaceId: ctx.workspaceId }, id))!;
    await writeAudit(tx, ctx, {
      action: 'client.create',
      entity: 'client',
      entityId: id,
      after: auditSnapshot(detail),
    });
    await enqueueRecompute(tx, ctx.workspaceId, [id]);
    return ok(detail);
  });
}

/** Updates the given fields; contacts given replace the list. Optimistic when `expectedVersion` is set. */
export async function updateClient(
  db: Executor,
  ctx: MutationContext,
  id: string,
  patch: ClientPatch,
  expectedVersion?: number,
): Promise<Result<ClientDetail, DbFailure>> {
  return db.transaction(async (tx) => {
    const scope = { workspaceId: ctx.workspaceId, onlyOwnerId: ctx.onlyOwnerId };
    const before = await getClient(tx, scope, id);
    if (!before) return fail(notFound('client', id));
    if (expectedVersion !== undefined && before.version !== expectedVersion) {
      return fail({
        code: 'stale',
        entity: 'client',
        id,
        message: `The client was changed by someone else (version ${before.version}, expected ${expectedVersion})`,
      });
    }
    const problem =
      (await checkReferences(tx, ctx.workspaceId, patch)) ??
      (await findPhoneConflict(tx, ctx.workspaceId, patch.phones, id));
    if (problem) return fail(problem);
    const { phones: _p, emails: _e, source, ...fields } = patch;
    await tx
      .update(clients)
      .set({
        ...fields,
        ...sourceColumns(source),
        updatedAt: sql`now()`,
        version: sql`${clients.version} + 1`,
      })
      .where(and(eq(clients.id, id), eq(clients.workspaceId, ctx.workspaceId)));
    await writeContacts(tx, ctx.workspaceId, id, patch);
    await refreshDuplicateKeys(tx, ctx.workspaceId, [id]);
    const after = (await getClient(tx, scope, id))!;
    await writeAudit(tx, ctx, {
      action: 'client.update',
      entity: 'client',
      entityId: id,
      before: auditSnapshot(before),
      after: auditSnapshot(after),
    });
    await enqueueRecompute(tx, ctx.workspaceId, [id]);
    return ok(after);
  });
}

/** Archives (or restores) a client: it leaves lists and segments but keeps its whole history. */
export async function archiveClient(
  db: Executor,
  ctx: MutationContext,
  id: string,
  archived = true,
): Promise<Result<ClientDetail, DbFailure>> {
  return db.transaction(async (tx) => {
    const scope = { workspaceId: ctx.workspaceId, onlyOwnerId: ctx.onlyOwnerId };
    const before = await getClient(tx, scope, id);
    if (!before) return fail(notFound('client', id));
    await tx
      .update(clients)
      .set({
        archivedAt: archived ? (before.archivedAt ?? sql`now()`) : null,
        stage: archived ? 'archived' : before.stage === 'archived' ? 'prospect' : before.stage,
        updatedAt: sql`now()`,
        version: sql`${clients.version} + 1`,
      })
      .where(eq(clients.id, id));
    const after = (await getClient(tx, scope, id))!;
    await writeAudit(tx, ctx, {
      action: archived ? 'client.archive' : 'client.restore',
      entity: 'client',
      entityId: id,
      before: { archivedAt: before.archivedAt, stage: before.stage },
      after: { archivedAt: after.archivedAt, stage: after.stage },
    });
    await enqueueRecompute(tx, ctx.workspaceId, [id]);
    return ok(after);
  });
}

/** True when the client exists in the scope (history mutations check this first). */
export async function clientExists(db: Executor, scope: ReadScope, id: string): Promise<boolean> {
  const [row] = await db
    .select({ id: clients.id })
    .from(clients)
    .where(and(eq(clients.workspaceId, scope.workspaceId), eq(clients.id, id), ownerFilter(scope)));
  return Boolean(row);
}
