import { sql } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { arrayParam } from '../raw.ts';
import type { SeedData } from './generate.ts';

const CHUNK = 5_000;

function chunks<T>(rows: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** One typed array parameter: `unnest` turns a set of them into rows in one statement. */
const iso = (d: Date | null) => (d ? d.toISOString() : null);
/** Tags travel as one text per client, joined by the unit separator, and are split in SQL. */
const TAG_SEP = '\u001f';

export type BulkCounts = {
  clients: number;
  phones: number;
  emails: number;
  purchases: number;
  payments: number;
  interactions: number;
  tasks: number;
};

/**
 * Writes a generated base set-based: every table in chunks of a few thousand rows, one
 * `insert … select from unnest(arrays)` statement per chunk, never a row object per row.
 */
export async function bulkInsertBase(db: Executor, workspaceId: string, data: SeedData): Promise<BulkCounts> {
  for (const part of chunks(data.clients)) {
    await db.execute(sql`
      insert into clients (id, workspace_id, kind, last_name, first_name, patronymic, birthday, legal_name, inn,
        display_name, match_key, city, tags, owner_id, source_channel, created_at, updated_at)
      select id, ${workspaceId}::uuid, kind, last_name, first_name, patronymic, birthday, legal_name, inn,
        display_name, match_key, city, coalesce(string_to_array(nullif(tags, ''), ${TAG_SEP}), '{}'), owner_id,
        source_channel, created_at, created_at
      from unnest(
        ${arrayParam(
          part.map((c) => c.id),
          'uuid',
        )}, ${arrayParam(
          part.map((c) => c.kind),
          'text',
        )},
        ${arrayParam(
          part.map((c) => c.lastName),
          'text',
        )}, ${arrayParam(
          part.map((c) => c.firstName),
          'text',
        )},
        ${arrayParam(
          part.map((c) => c.patronymic),
          'text',
        )}, ${arrayParam(
          part.map((c) => c.birthday),
          'date',
        )},
        ${arrayParam(
          part.map((c) => c.legalName),
          'text',
        )}, ${arrayParam(
          part.map((c) => c.inn),
          'text',
        )},
        ${arrayParam(
          part.map((c) => c.displayName),
          'text',
        )}, ${arrayParam(
          part.map((c) => c.matchKey),
          'text',
        )},
        ${arrayParam(
          part.map((c) => c.city),
          'text',
        )}, ${arrayParam(
          part.map((c) => c.tags.join(TAG_SEP)),
          'text',
        )},
        ${arrayParam(
          part.map((c) => c.ownerId),
          'uuid',
        )}, ${arrayParam(
          part.map((c) => c.sourceChannel),
          'text',
        )},
        ${arrayParam(
          part.map((c) => iso(c.createdAt)),
          'timestamptz',
        )}
      ) as t(id, kind, last_name, first_name, patronymic, birthday, legal_name, inn, display_name, match_key,
             city, tags, owner_id, source_channel, created_at)`);
  }
  const phones = data.clients.flatMap((c) => (c.phone ? [{ clientId: c.id, ...c.phone }] : []));
  for (const part of chunks(phones)) {
    await db.execute(sql`
      insert into client_phones (workspace_id, client_id, e164, raw, type)
      select ${workspaceId}::uuid, client_id, e164, raw, 'mobile'
      from unnest(${arrayParam(
        part.map((p) => p.clientId),
        'uuid',
      )}, ${arrayParam(
        part.map((p) => p.e164),
        'text',
      )},
                  ${arrayParam(
                    part.map((p) => p.raw),
                    'text',
                  )}) as t(client_id, e164, raw)`);
  }
  const emails = data.clients.flatMap((c) => (c.email ? [{ clientId: c.id, address: c.email }] : []));
  for (const part of chunks(emails)) {
    await db.execute(sql`
      insert into client_emails (workspace_id, client_id, address, type)
      select ${workspaceId}::uuid, client_id, address, 'personal'
      from unnest(${arrayParam(
        part.map((e) => e.clientId),
        'uuid',
      )}, ${arrayParam(
        part.map((e) => e.address),
        'text',
      )})
        as t(client_id, address)`);
  }
  for (const part of chunks(data.purchases)) {
    await db.execute(sql`
      insert into purchases (id, workspace_id, client_id, at, amount_kopecks)
      select id, ${workspaceId}::uuid, client_id, at, amount
      from unnest(${arrayParam(
        part.map((p) => p.id),
        'uuid',
      )}, ${arrayParam(
        part.map((p) => p.clientId),
        'uuid',
      )},
                  ${arrayParam(
                    part.map((p) => iso(p.at)),
                    'timestamptz',
                  )}, ${arrayParam(
                    part.map((p) => p.amountKopecks),
                    'int8',
                  )})
        as t(id, client_id, at, amount)`);
  }
  for (const part of chunks(data.payments)) {
    await db.execute(sql`
      insert into payments (workspace_id, client_id, purchase_id, at, amount_kopecks, method)
      select ${workspaceId}::uuid, client_id, purchase_id, at, amount, 'card'
      from unnest(${arrayParam(
        part.map((p) => p.clientId),
        'uuid',
      )}, ${arrayParam(
        part.map((p) => p.purchaseId),
        'uuid',
      )},
                  ${arrayParam(
                    part.map((p) => iso(p.at)),
                    'timestamptz',
                  )}, ${arrayParam(
                    part.map((p) => p.amountKopecks),
                    'int8',
                  )})
        as t(client_id, purchase_id, at, amount)`);
  }
  for (const part of chunks(data.interactions)) {
    await db.execute(sql`
      insert into interactions (workspace_id, client_id, kind, direction, at, summary)
      select ${workspaceId}::uuid, client_id, kind, direction, at, summary
      from unnest(${arrayParam(
        part.map((i) => i.clientId),
        'uuid',
      )}, ${arrayParam(
        part.map((i) => i.kind),
        'text',
      )},
                  ${arrayParam(
                    part.map((i) => i.direction),
                    'text',
                  )}, ${arrayParam(
                    part.map((i) => iso(i.at)),
                    'timestamptz',
                  )},
                  ${arrayParam(
                    part.map((i) => i.summary),
                    'text',
                  )}) as t(client_id, kind, direction, at, summary)`);
  }
  for (const part of chunks(data.tasks)) {
    await db.execute(sql`
      insert into tasks (workspace_id, client_id, title, due_at, done_at, created_at)
      select ${workspaceId}::uuid, client_id, title, due_at, done_at, created_at
      from unnest(${arrayParam(
        part.map((t) => t.clientId),
        'uuid',
      )}, ${arrayParam(
        part.map((t) => t.title),
        'text',
      )},
                  ${arrayParam(
                    part.map((t) => iso(t.dueAt)),
                    'timestamptz',
                  )}, ${arrayParam(
                    part.map((t) => iso(t.doneAt)),
                    'timestamptz',
                  )},
                  ${arrayParam(
                    part.map((t) => iso(t.createdAt)),
                    'timestamptz',
                  )}) as t(client_id, title, due_at, done_at, created_at)`);
  }
  return {
    clients: data.clients.length,
    phones: phones.length,
    emails: emails.length,
    purchases: data.purchases.length,
    payments: data.payments.length,
    interactions: data.interactions.length,
    tasks: data.tasks.length,
  };
}
