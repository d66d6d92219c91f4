import { sql } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { loadDuplicateRecords, writeDuplicateKeys } from '../duplicates/keys.ts';
import { writeAudit } from '../queries/audit.ts';
import { arrayParam, queryRows } from '../raw.ts';
import { getImportById } from './records.ts';
import { enqueueChunkRecompute } from './run-state.ts';

export type UndoKept = { clientId: string; displayName: string; reason: 'edited_since' | 'merged' };

/** How many kept clients the report lists by name; the rest are only counted (`keptTotal`). */
export const UNDO_KEPT_LIST_MAX = 1000;

export type UndoReport = {
  /** The first `UNDO_KEPT_LIST_MAX` clients kept, by client id: one jsonb stays small whatever the import. */
  kept: UndoKept[];
  /** Every client kept, listed or not. */
  keptTotal: number;
  deleted: number;
  restored: number;
  /** The last client id handled: a resumed undo continues after it. */
  cursor: string | null;
};

type ChangeRow = {
  client_id: string;
  action: 'created' | 'updated';
  before: { fields?: Record<string, unknown>; phoneIds?: string[]; emailIds?: string[] } | null;
  version_after: number;
  version: number | null;
  display_name: string | null;
  merged_into_id: string | null;
};

/**
 * Of the given clients, all created by the import, those that gained history since: an
 * interaction, a task, a consent, a payment, a purchase the import did not write, or a spell in a
 * static list (open or closed). A client the import created had no history before it, so any such
 * row is "since" whatever the clocks say; the purchases a purchase import wrote carry its
 * `<importId>:` external id and are the import's own, not history (the worker deletes them first,
 * and a step run on its own must not keep the client for them). Computed rows (rule segment
 * spells, temperature, duplicate pairs) are not history. One statement for the whole step; the
 * clients are locked `for update` already, so a history row being added either committed before
 * this reads (and is seen) or waits for the step to end (and fails on the deleted client).
 */
async function clientsWithHistorySince(
  tx: Executor,
  importId: string,
  clientIds: string[],
): Promise<Set<string>> {
  if (clientIds.length === 0) return new Set();
  const rows = await queryRows<{ id: string }>(
    tx,
    sql`select t.id::text as id from unnest(${arrayParam(clientIds, 'uuid')}) as t(id)
        where exists (select 1 from interactions i where i.client_id = t.id)
          or exists (select 1 from tasks k where k.client_id = t.id)
          or exists (select 1 from consents x where x.client_id = t.id)
          or exists (select 1 from payments p where p.client_id = t.id)
          or exists (select 1 from purchases p where p.client_id = t.id
            and not starts_with(coalesce(p.external_id, ''), ${`${importId}:`}))
          or exists (select 1 from segment_members m join segments s on s.id = m.segment_id
            where m.client_id = t.id and s.kind = 'static')`,
  );
  return new Set(rows.map((r) => r.id));
}

/**
 * One step of an undo, in one transaction: the next `limit` changes of the import (by client id)
 * are reverted — created clients still at the version the import left, and without history added
 * since, are deleted; updated ones get their replaced values back and lose the contacts the import
 * added — and the others are kept (reason `edited_since`, or `merged`), counted, and listed up
 * to `keptListMax`. The position is stored with the step, so a killed undo
 * resumes where it stopped and a re-run changes nothing twice. Returns true when the undo is
 * finished (status `undone`).
 */
export async function undoImportStep(
  db: Executor,
  importId: string,
  limit = 1000,
  keptListMax = UNDO_KEPT_LIST_MAX,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [current] = await queryRows<{
      status: string;
      // A report stored before `keptTotal` existed lists every kept client.
      undo_report: (Omit<UndoReport, 'keptTotal'> & { keptTotal?: number }) | null;
      workspace_id: string;
    }>(
      tx,
      sql`select status, undo_report, workspace_id::text as workspace_id from imports
          where id = ${importId}::uuid for update`,
    );
    if (current?.status !== 'undoing') return true;
    const report: UndoReport = current.undo_report?.kept
      ? {
          ...current.undo_report,
          keptTotal: current.undo_report.keptTotal ?? current.undo_report.kept.length,
        }
      : { kept: [], keptTotal: 0, deleted: 0, restored: 0, cursor: null };
    const changes = await queryRows<ChangeRow>(
      tx,
      sql`select ch.client_id::text as client_id, ch.action, ch.before, ch.version_after, c.version, c.display_name,
            c.merged_into_id::text as merged_into_id
          from import_changes ch join clients c on c.id = ch.client_id
          where ch.import_id = ${importId}::uuid
            ${report.cursor ? sql`and ch.client_id > ${report.cursor}::uuid` : sql``}
          order by ch.client_id
          limit ${limit}
          for update of c`,
    );
    const toDelete: string[] = [];
    const toRestore: ChangeRow[] = [];
    const unedited = (ch: ChangeRow) => Number(ch.version) === ch.version_after && ch.merged_into_id === null;
    // Deleting a client deletes its history with it (the foreign keys cascade), and adding history
    // does not bump the client's version: a created client is deleted only when it has none.
    // Updated clients only get fields back and lose the import's own contacts, so their history stays.
    const withHistory = await clientsWithHistorySince(
      tx,
      importId,
      changes.filter((ch) => ch.action === 'created' && unedited(ch)).map((ch) => ch.client_id),
    );
    // Clients deleted since (by hand, or an earlier step) have nothing left to undo.
    for (const ch of changes) {
      const untouched = unedited(ch) && !withHistory.has(ch.client_id);
      if (!untouched) {
        report.keptTotal++;
        if (report.kept.length < keptListMax) {
          report.kept.push({
            clientId: ch.client_id,
            displayName: ch.display_name ?? '',
            reason: ch.merged_into_id ? 'merged' : 'edited_since',
          });
        }
      } else if (ch.action === 'created') toDelete.push(ch.client_id);
      else toRestore.push(ch);
    }
    if (toDelete.length > 0) {
      await tx.execute(sql`delete from clients where id = any(${arrayParam(toDelete, 'uuid')})`);
    }
    if (toRestore.length > 0) {
      const has = (column: string) =>
        sql`case when t.b->'fields' ? ${column} then t.b->'fields'->>${column} else null end`;
      const keep = (column: string) => sql`(t.b->'fields' ? ${column})`;
      await tx.execute(sql`
        update clients c set
          last_name = case when ${keep('last_name')} then ${has('last_name')} else c.last_name end,
          first_name = case when ${keep('first_name')} then ${has('first_name')} else c.first_name end,
          patronymic = case when ${keep('patronymic')} then ${has('patronymic')} else c.patronymic end,
          birthday = case when ${keep('birthday')} then (${has('birthday')})::date else c.birthday end,
          legal_name = case when ${keep('legal_name')} then ${has('legal_name')} else c.legal_name end,
          inn = case when ${keep('inn')} then ${has('inn')} else c.inn end,
          kpp = case when ${keep('kpp')} then ${has('kpp')} else c.kpp end,
          city = case when ${keep('city')} then ${has('city')} else c.city end,
          address = case when ${keep('address')} then ${has('address')} else c.address end,
          external_id = case when ${keep('external_id')} then ${has('external_id')} else c.external_id end,
          display_name = case when ${keep('display_name')} then ${has('display_name')} else c.display_name end,
          match_key = case when ${keep('match_key')} then ${has('match_key')} else c.match_key end,
          tags = case when ${keep('tags')}
            then array(select jsonb_array_elements_text(t.b->'fields'->'tags')) else c.tags end,
          custom = case when ${keep('custom')} then t.b->'fields'->'custom' else c.custom end,
          version = c.version + 1, updated_at = now()
        from (select id, b::jsonb as b from unnest(${arrayParam(
          toRestore.map((r) => r.client_id),
          'uuid',
        )}, ${arrayParam(
          toRestore.map((r) => JSON.stringify(r.before ?? {})),
          'text',
        )}) as u(id, b)) t
        where c.id = t.id`);
      const phoneIds = toRestore.flatMap((r) => r.before?.phoneIds ?? []);
      if (phoneIds.length > 0) {
        await tx.execute(sql`delete from client_phones where id = any(${arrayParam(phoneIds, 'uuid')})`);
      }
      const emailIds = toRestore.flatMap((r) => r.before?.emailIds ?? []);
      if (emailIds.length > 0) {
        await tx.execute(sql`delete from client_emails where id = any(${arrayParam(emailIds, 'uuid')})`);
      }
      const ids = toRestore.map((r) => r.client_id);
      await writeDuplicateKeys(
        tx,
        current.workspace_id,
        await loadDuplicateRecords(tx, current.workspace_id, ids),
      );
      await enqueueChunkRecompute(tx, current.workspace_id, ids);
    }
    report.deleted += toDelete.length;
    report.restored += toRestore.length;
    report.cursor = changes.at(-1)?.client_id ?? report.cursor;
    const finished = changes.length < limit;
    await tx.execute(sql`
      update imports set undo_report = ${JSON.stringify(report)}::jsonb, updated_at = now(),
        status = case when ${finished} then 'undone' else status end
      where id = ${importId}::uuid`);
    if (finished) {
      const row = (await getImportById(tx, importId))!;
      await writeAudit(
        tx,
        {
          workspaceId: row.workspaceId,
          actor: row.createdBy ? { kind: 'user', id: row.createdBy } : { kind: 'system', id: null },
        },
        {
          action: 'import.undone',
          entity: 'import',
          entityId: importId,
          after: { deleted: report.deleted, restored: report.restored, kept: report.keptTotal },
        },
      );
    }
    return finished;
  });
}
