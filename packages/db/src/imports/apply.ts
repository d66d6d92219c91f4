/**
 * The heart of a client import: one chunk of file rows → a plan (what each row does) → set-based
 * writes. The dry run calls the same planner and stops before writing, so its counts are the run's.
 *
 * Matching, per the duplicate policy: against the base (earlier chunks are already stored) and
 * within the file (rows planned but not yet stored, held in a `FileIndex`). An external id is an
 * identity: it is unique per workspace, so a row whose external id belongs to a client it is not
 * matched to is reported (`external_id_taken`), never written over that client.
 */

import {
  blockingKeys,
  type CustomValue,
  companyDisplayName,
  companyMatchKey,
  type DuplicateRecord,
  type ImportColumn,
  type ImportIssue,
  matchKey,
  type NormalizeClientContext,
  personDisplayName,
  type SourceChannel,
  scorePair,
} from '@cb/domain';
import { sql } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { findDuplicateMatches, insertDuplicateKeys, writeDuplicateKeys } from '../duplicates/keys.ts';
import { uuidv7 } from '../ids.ts';
import { arrayParam, queryRows } from '../raw.ts';
import type { DuplicateMatchBy, ImportDuplicatePolicy } from '../schema/imports.ts';
import {
  type ConvertedClientRow,
  convertClientRows,
  type ImportClientState,
  type ImportFileRow,
} from './convert.ts';

export {
  type ConvertContext,
  type ConvertedClientRow,
  convertClientRows,
  type ImportClientState,
  type ImportFileRow,
} from './convert.ts';

export type ClientChunkContext = {
  workspaceId: string;
  importId: string;
  batchId: string | null;
  sourceChannel: SourceChannel;
  ownerId: string | null;
  mapping: readonly ImportColumn[];
  policy: ImportDuplicatePolicy;
  allowPartialRows: boolean;
  /** The workspace allows a phone on one live client only: a new client may not take one. */
  uniquePhones?: boolean;
  normalize: NormalizeClientContext;
};

export type RowAction = 'create' | 'update' | 'duplicate' | 'invalid';

export type PlannedRow = {
  row: number;
  action: RowAction;
  /** True when cells with issues were dropped and the rest imported. */
  partial: boolean;
  client: ImportClientState | null;
  matchedClient: { id: string; displayName: string } | null;
  /** What matched: against a stored client or an earlier row of the file (`matchedClient` says which). */
  matchedBy: DuplicateMatchBy | null;
  issues: ImportIssue[];
};

export type ChunkCounts = {
  rows: number;
  created: number;
  updated: number;
  duplicates: number;
  invalid: number;
  partial: number;
};

/** A client this import will create; held until the chunk is written (the dry run: for the whole file). */
type Pending = { id: string; row: number; state: ImportClientState };

/** A stored client a row matched, with the state the update leaves and the values it replaced. */
type Stored = {
  id: string;
  version: number;
  createdByThisImport: boolean;
  original: ImportClientState;
  state: ImportClientState;
  row: number | null;
  changed: boolean;
  addedPhones: { id: string; e164: string; raw: string; type: string; position: number }[];
  addedEmails: { id: string; address: string; type: string; position: number }[];
};

/**
 * Rows planned but not stored yet, by the keys they can be matched on. A real run starts one per
 * chunk (earlier chunks are in the database); the dry run keeps one for all the rows it checks.
 */
export class FileIndex {
  readonly byKey = new Map<string, Pending>();
  readonly byBlock = new Map<string, Pending[]>();
  readonly records = new Map<string, DuplicateRecord>();

  add(pending: Pending): void {
    for (const key of contactKeys(pending.state)) if (!this.byKey.has(key)) this.byKey.set(key, pending);
  }

  addFuzzy(pending: Pending, record: DuplicateRecord, keys: string[]): void {
    this.records.set(pending.id, record);
    for (const key of keys) {
      const list = this.byBlock.get(key) ?? [];
      if (list.length < 100 && !list.includes(pending)) list.push(pending);
      this.byBlock.set(key, list);
    }
  }
}

function contactKeys(state: ImportClientState): string[] {
  return [
    ...(state.externalId ? [`externalId:${state.externalId}`] : []),
    ...state.phones.map((p) => `phone:${p.e164}`),
    ...state.emails.map((e) => `email:${e.address}`),
  ];
}

export type ChunkPlan = {
  rows: PlannedRow[];
  counts: ChunkCounts;
  created: Pending[];
  updated: Stored[];
};

export function duplicateRecordOf(id: string, s: ImportClientState): DuplicateRecord {
  const postcode = s.custom.postcode;
  return {
    id,
    kind: s.kind,
    lastName: s.lastName,
    firstName: s.firstName,
    patronymic: s.patronymic,
    legalName: s.legalName,
    birthday: s.birthday,
    inn: s.inn,
    city: s.city,
    address: s.address,
    postcode: typeof postcode === 'string' ? postcode : null,
    externalId: s.externalId,
    phones: s.phones.map((p) => p.e164),
    emails: s.emails.map((e) => e.address),
  };
}

/** Columns a row may change on a stored client, and the state key each comes from. */
const SCALAR_COLUMNS = {
  last_name: 'lastName',
  first_name: 'firstName',
  patronymic: 'patronymic',
  birthday: 'birthday',
  legal_name: 'legalName',
  inn: 'inn',
  kpp: 'kpp',
  city: 'city',
  address: 'address',
  external_id: 'externalId',
} as const satisfies Record<string, keyof ImportClientState>;
const PERSON_ONLY = new Set(['lastName', 'firstName', 'patronymic', 'birthday']);
const COMPANY_ONLY = new Set(['legalName', 'inn', 'kpp']);

const empty = (v: unknown) => v === null || v === undefined || v === '';

/**
 * Folds a row into a client: `fill` sets only empty fields, `overwrite` replaces the fields the row
 * gives. Both add phones and e-mails the client lacks; an external id is only ever filled (it is an
 * identity). Returns whether anything changed.
 */
function mergeInto(
  target: ImportClientState,
  incoming: ImportClientState,
  mode: 'fill' | 'overwrite',
  externalIdFree: (id: string) => boolean,
): boolean {
  let changed = false;
  let renamed = false;
  for (const key of Object.values(SCALAR_COLUMNS)) {
    if (target.kind !== incoming.kind && (PERSON_ONLY.has(key) || COMPANY_ONLY.has(key))) continue;
    const next = incoming[key];
    if (empty(next) || next === target[key]) continue;
    if (key === 'externalId') {
      if (!empty(target.externalId) || !externalIdFree(next as string)) continue;
    } else if (mode === 'fill' && !empty(target[key])) continue;
    (target as Record<string, unknown>)[key] = next;
    changed = true;
    if (key === 'lastName' || key === 'firstName' || key === 'patronymic' || key === 'legalName')
      renamed = true;
  }
  if (renamed && target.kind === 'person') {
    target.displayName = personDisplayName(target);
    target.matchKey = matchKey(target.lastName, target.firstName);
  } else if (renamed && target.kind === 'company' && target.legalName) {
    target.displayName = companyDisplayName(target.legalName);
    target.matchKey = companyMatchKey(target.legalName);
  }
  if (incoming.tags.length > 0) {
    const tags = mode === 'fill' ? [...new Set([...target.tags, ...incoming.tags])] : incoming.tags;
    if (tags.join('\u001f') !== target.tags.join('\u001f')) {
      target.tags = tags;
      changed = true;
    }
  }
  for (const [key, value] of Object.entries(incoming.custom)) {
    if (empty(value) || target.custom[key] === value) continue;
    if (mode === 'fill' && !empty(target.custom[key])) continue;
    target.custom = { ...target.custom, [key]: value };
    changed = true;
  }
  for (const phone of incoming.phones) {
    if (target.phones.some((p) => p.e164 === phone.e164)) continue;
    target.phones = [...target.phones, phone];
    changed = true;
  }
  for (const email of incoming.emails) {
    if (target.emails.some((e) => e.address === email.address)) continue;
    target.emails = [...target.emails, email];
    changed = true;
  }
  return changed;
}

const TAG_SEP = '\u001f';

type StoredRow = {
  id: string;
  version: number;
  kind: 'person' | 'company';
  display_name: string;
  match_key: string;
  last_name: string | null;
  first_name: string | null;
  patronymic: string | null;
  birthday: string | null;
  legal_name: string | null;
  inn: string | null;
  kpp: string | null;
  city: string | null;
  address: string | null;
  tags: string[];
  custom: Record<string, CustomValue>;
  external_id: string | null;
  phones: { e164: string; raw: string; type: string }[] | null;
  emails: { address: string; type: string }[] | null;
};

function storedState(r: StoredRow): ImportClientState {
  return {
    kind: r.kind,
    displayName: r.display_name,
    matchKey: r.match_key,
    lastName: r.last_name,
    firstName: r.first_name,
    patronymic: r.patronymic,
    birthday: r.birthday,
    legalName: r.legal_name,
    inn: r.inn,
    kpp: r.kpp,
    city: r.city,
    address: r.address,
    tags: r.tags ?? [],
    custom: r.custom ?? {},
    externalId: r.external_id,
    phones: r.phones ?? [],
    emails: r.emails ?? [],
  };
}

type Lookups = {
  byExternalId: Map<string, string>;
  byPhone: Map<string, string>;
  byEmail: Map<string, string>;
  fuzzy: Map<number, string>;
  names: Map<string, string>;
};

async function lookUp(
  db: Executor,
  ctx: ClientChunkContext,
  valid: { index: number; state: ImportClientState }[],
  useMatching: boolean,
): Promise<Lookups> {
  const ws = ctx.workspaceId;
  const names = new Map<string, string>();
  const byExternalId = new Map<string, string>();
  const externalIds = [...new Set(valid.flatMap((v) => (v.state.externalId ? [v.state.externalId] : [])))];
  if (externalIds.length > 0) {
    const rows = await queryRows<{ key: string; id: string; name: string }>(
      db,
      sql`select external_id as key, id::text as id, display_name as name from clients
          where workspace_id = ${ws}::uuid and external_id = any(${arrayParam(externalIds, 'text')})`,
    );
    for (const r of rows) {
      byExternalId.set(r.key, r.id);
      names.set(r.id, r.name);
    }
  }
  const contact = async (kind: 'phone' | 'email', values: string[]) => {
    const map = new Map<string, string>();
    const wanted = useMatching && ctx.policy.matchBy.includes(kind);
    const unique = kind === 'phone' && ctx.uniquePhones === true;
    if ((!wanted && !unique) || values.length === 0) return map;
    const table = kind === 'phone' ? sql`client_phones` : sql`client_emails`;
    const column = kind === 'phone' ? sql`x.e164` : sql`x.address`;
    // Driven by the chunk's values, one index probe each: the plan stays the same whatever the
    // table statistics say in the middle of a big import (a join over the whole table did not).
    const rows = await queryRows<{ key: string; id: string; name: string }>(
      db,
      sql`select v.key, m.id::text as id, m.name
          from unnest(${arrayParam([...new Set(values)], 'text')}) as v(key)
          cross join lateral (
            select c.id, c.display_name as name
            from ${table} x join clients c on c.id = x.client_id
            where x.workspace_id = ${ws}::uuid and ${column} = v.key
              and c.merged_into_id is null and c.archived_at is null
            order by c.created_at, c.id
            limit 1) as m`,
    );
    for (const r of rows) {
      map.set(r.key, r.id);
      names.set(r.id, r.name);
    }
    return map;
  };
  const byPhone = await contact(
    'phone',
    valid.flatMap((v) => v.state.phones.map((p) => p.e164)),
  );
  const byEmail = await contact(
    'email',
    valid.flatMap((v) => v.state.emails.map((e) => e.address)),
  );
  const fuzzy = new Map<number, string>();
  if (useMatching && ctx.policy.matchBy.includes('fuzzy') && valid.length > 0) {
    const records = valid.map((v) => duplicateRecordOf(`row:${v.index}`, v.state));
    // Keys only: a name's trigram neighbour that shares no key (no phone, e-mail or birthday) does
    // not reach 0.95, and the import's duplicate check after the rows are stored looks for them.
    const results = await findDuplicateMatches(db, ws, records, { minScore: 0.95, neighbours: false });
    const ids = new Set<string>();
    results.forEach((r, i) => {
      const best = r.matches.find((m) => m.decision === 'duplicate');
      if (best) {
        fuzzy.set(valid[i]!.index, best.clientId);
        ids.add(best.clientId);
      }
    });
    const missing = [...ids].filter((id) => !names.has(id));
    if (missing.length > 0) {
      const rows = await queryRows<{ id: string; name: string }>(
        db,
        sql`select id::text as id, display_name as name from clients where id = any(${arrayParam(missing, 'uuid')})`,
      );
      for (const r of rows) names.set(r.id, r.name);
    }
  }
  return { byExternalId, byPhone, byEmail, fuzzy, names };
}

async function loadStored(
  db: Executor,
  ctx: ClientChunkContext,
  ids: string[],
): Promise<Map<string, Stored>> {
  const out = new Map<string, Stored>();
  if (ids.length === 0) return out;
  const rows = await queryRows<StoredRow>(
    db,
    sql`select c.id::text as id, c.version, c.kind, c.display_name, c.match_key, c.last_name, c.first_name,
          c.patronymic, c.birthday::text as birthday, c.legal_name, c.inn, c.kpp, c.city, c.address, c.tags,
          c.custom, c.external_id,
          (select coalesce(jsonb_agg(jsonb_build_object('e164', p.e164, 'raw', p.raw, 'type', p.type)
                   order by p.position, p.id), '[]') from client_phones p where p.client_id = c.id) as phones,
          (select coalesce(jsonb_agg(jsonb_build_object('address', e.address, 'type', e.type)
                   order by e.position, e.id), '[]') from client_emails e where e.client_id = c.id) as emails
        from clients c
        where c.workspace_id = ${ctx.workspaceId}::uuid and c.id = any(${arrayParam(ids, 'uuid')})
        for update of c`,
  );
  const mine = await queryRows<{ id: string }>(
    db,
    sql`select client_id::text as id from import_changes
        where import_id = ${ctx.importId}::uuid and action = 'created' and client_id = any(${arrayParam(ids, 'uuid')})`,
  );
  const createdHere = new Set(mine.map((r) => r.id));
  for (const r of rows) {
    const original = storedState(r);
    out.set(r.id, {
      id: r.id,
      version: r.version,
      createdByThisImport: createdHere.has(r.id),
      original,
      state: structuredClone(original),
      row: null,
      changed: false,
      addedPhones: [],
      addedEmails: [],
    });
  }
  return out;
}

function externalIdColumn(mapping: readonly ImportColumn[]): ImportColumn | undefined {
  return mapping.find((c) => c.target?.kind === 'field' && c.target.field === 'externalId');
}

/** A row of a chunk converted to a client state (or its issues), before any matching. */
/**
 * Plans one chunk: converts each row (`convertClientRows`, unless given already converted), matches
 * it per the policy against the base and the file, and decides create / update / duplicate /
 * invalid. Reads only (the matched clients are locked `for update` when called in a write transaction).
 */
export async function planClientChunk(
  db: Executor,
  ctx: ClientChunkContext,
  rows: readonly ImportFileRow[],
  file: FileIndex = new FileIndex(),
  preconverted?: readonly ConvertedClientRow[],
): Promise<ChunkPlan> {
  const converted = preconverted ?? convertClientRows(ctx, rows);
  const valid = converted.flatMap((c, index) => (c.state ? [{ index, state: c.state }] : []));
  const action = ctx.policy.action;
  const matching = action !== 'create';
  const found = await lookUp(db, ctx, valid, matching);
  const needStored =
    action === 'fill' || action === 'overwrite'
      ? [
          ...new Set([
            ...(ctx.policy.matchBy.includes('externalId') ? found.byExternalId.values() : []),
            ...(ctx.policy.matchBy.includes('phone') ? found.byPhone.values() : []),
            ...found.byEmail.values(),
            ...found.fuzzy.values(),
          ]),
        ]
      : [];
  const stored = await loadStored(db, ctx, needStored);
  const extColumn = externalIdColumn(ctx.mapping);
  const plan: ChunkPlan = {
    rows: [],
    counts: { rows: rows.length, created: 0, updated: 0, duplicates: 0, invalid: 0, partial: 0 },
    created: [],
    updated: [],
  };
  const fuzzyOn = matching && ctx.policy.matchBy.includes('fuzzy');
  const externalIdFree = (id: string) => !found.byExternalId.has(id) && !file.byKey.has(`externalId:${id}`);

  converted.forEach((c, index) => {
    const base = { row: c.row, issues: c.issues, partial: false } as const;
    if (!c.state) {
      plan.counts.invalid++;
      plan.rows.push({ ...base, action: 'invalid', client: null, matchedClient: null, matchedBy: null });
      return;
    }
    const state = c.state;
    const partial = c.issues.length > 0;
    type Match = { by: DuplicateMatchBy; storedId?: string; pending?: Pending };
    let match: Match | null = null;
    if (matching) {
      for (const by of ctx.policy.matchBy) {
        if (by === 'externalId' && state.externalId) {
          const id = found.byExternalId.get(state.externalId);
          const p = file.byKey.get(`externalId:${state.externalId}`);
          match = id ? { by, storedId: id } : p ? { by, pending: p } : null;
        } else if (by === 'phone' || by === 'email') {
          const keys = by === 'phone' ? state.phones.map((p) => p.e164) : state.emails.map((e) => e.address);
          const map = by === 'phone' ? found.byPhone : found.byEmail;
          for (const key of keys) {
            const id = map.get(key);
            const p = file.byKey.get(`${by}:${key}`);
            match = id ? { by, storedId: id } : p ? { by, pending: p } : null;
            if (match) break;
          }
        } else if (by === 'fuzzy') {
          const id = found.fuzzy.get(index);
          if (id) match = { by, storedId: id };
          else match = fuzzyInFile(file, state);
        }
        if (match) break;
      }
    }
    // The external id must stay unique: a row may not create a second client with it, nor take it
    // from the client that has it.
    const takenBy = state.externalId
      ? (found.byExternalId.get(state.externalId) ?? file.byKey.get(`externalId:${state.externalId}`)?.id)
      : undefined;
    const matchedId = match?.storedId ?? match?.pending?.id;
    if (takenBy && takenBy !== matchedId) {
      const issue: ImportIssue = {
        row: c.row,
        column: extColumn?.column ?? null,
        header: extColumn?.header ?? null,
        value: state.externalId ?? '',
        code: 'external_id_taken',
        message: `External id ${state.externalId} already belongs to another client`,
      };
      plan.counts.invalid++;
      plan.rows.push({
        ...base,
        issues: [...c.issues, issue],
        action: 'invalid',
        client: null,
        matchedClient: null,
        matchedBy: null,
      });
      return;
    }
    if (!match && ctx.uniquePhones) {
      const owner = state.phones.find((p) => found.byPhone.has(p.e164) || file.byKey.has(`phone:${p.e164}`));
      if (owner) {
        const column = ctx.mapping.find((c) => c.target?.kind === 'phone');
        plan.counts.invalid++;
        plan.rows.push({
          ...base,
          issues: [
            ...c.issues,
            {
              row: c.row,
              column: column?.column ?? null,
              header: column?.header ?? null,
              value: owner.raw,
              code: 'phone_taken',
              message: `Phone ${owner.e164} already belongs to another client, and the workspace allows it on one only`,
            },
          ],
          action: 'invalid',
          client: null,
          matchedClient: null,
          matchedBy: null,
        });
        return;
      }
    }
    if (partial) plan.counts.partial++;
    if (!match) {
      const pending: Pending = { id: uuidv7(), row: c.row, state };
      file.add(pending);
      if (fuzzyOn) {
        const record = duplicateRecordOf(pending.id, state);
        file.addFuzzy(pending, record, blockingKeys(record));
      }
      plan.created.push(pending);
      plan.counts.created++;
      plan.rows.push({
        ...base,
        partial,
        action: 'create',
        client: state,
        matchedClient: null,
        matchedBy: null,
      });
      return;
    }
    if (match.pending) {
      const pending = match.pending;
      if (action === 'fill' || action === 'overwrite') {
        if (mergeInto(pending.state, state, action, externalIdFree)) file.add(pending);
      }
      plan.counts.duplicates++;
      plan.rows.push({
        ...base,
        partial,
        action: 'duplicate',
        client: pending.state,
        matchedClient: { id: pending.id, displayName: pending.state.displayName },
        matchedBy: match.by,
      });
      return;
    }
    const id = match.storedId!;
    const target = stored.get(id);
    const matchedClient = { id, displayName: found.names.get(id) ?? target?.original.displayName ?? '' };
    let outcome: RowAction = 'duplicate';
    if (target && (action === 'fill' || action === 'overwrite')) {
      if (mergeInto(target.state, state, action, externalIdFree)) {
        if (!target.changed) plan.updated.push(target);
        target.changed = true;
        target.row ??= c.row;
        if (target.state.externalId) file.add({ id, row: c.row, state: target.state });
        // Rows folded into a client this import created are duplicates within the file.
        if (!target.createdByThisImport) outcome = 'update';
      }
    }
    if (outcome === 'update') plan.counts.updated++;
    else plan.counts.duplicates++;
    plan.rows.push({
      ...base,
      partial,
      action: outcome,
      client: target ? target.state : state,
      matchedClient,
      matchedBy: match.by,
    });
  });
  return plan;
}

function fuzzyInFile(file: FileIndex, state: ImportClientState): { by: 'fuzzy'; pending: Pending } | null {
  if (file.byBlock.size === 0) return null;
  const record = duplicateRecordOf('incoming', state);
  const seen = new Set<Pending>();
  let best: { score: number; pending: Pending } | null = null;
  for (const key of blockingKeys(record)) {
    for (const pending of file.byBlock.get(key) ?? []) {
      if (seen.has(pending)) continue;
      seen.add(pending);
      const other = file.records.get(pending.id);
      if (!other) continue;
      const result = scorePair(record, other);
      if (result.decision === 'duplicate' && (!best || result.score > best.score)) {
        best = { score: result.score, pending };
      }
    }
  }
  return best ? { by: 'fuzzy', pending: best.pending } : null;
}

/** Issues of the planned rows as error rows: rejected rows, and the dropped cells of partial ones. */
export function planErrors(plan: ChunkPlan): (ImportIssue & { rowImported: boolean })[] {
  return plan.rows.flatMap((r) => r.issues.map((i) => ({ ...i, rowImported: r.action !== 'invalid' })));
}

/** Writes error rows set-based (`dryRun` ones for the dry run's report). */
export async function writeImportErrors(
  db: Executor,
  importId: string,
  errors: (ImportIssue & { rowImported: boolean })[],
  dryRun: boolean,
): Promise<void> {
  for (let i = 0; i < errors.length; i += 5000) {
    const part = errors.slice(i, i + 5000);
    await db.execute(sql`
      insert into import_errors (import_id, dry_run, row, "column", header, value, code, message, row_imported)
      select ${importId}::uuid, ${dryRun}, t.row, t.col, t.header, t.value, t.code, t.message, t.imported
      from unnest(${arrayParam(
        part.map((e) => e.row),
        'int',
      )}, ${arrayParam(
        part.map((e) => e.column),
        'int',
      )}, ${arrayParam(
        part.map((e) => e.header),
        'text',
      )}, ${arrayParam(
        part.map((e) => e.value),
        'text',
      )}, ${arrayParam(
        part.map((e) => e.code),
        'text',
      )}, ${arrayParam(
        part.map((e) => e.message),
        'text',
      )}, ${arrayParam(
        part.map((e) => e.rowImported),
        'bool',
      )}) as t(row, col, header, value, code, message, imported)`);
  }
}

/**
 * Writes a planned chunk, set-based: created clients with their phones, e-mails and duplicate
 * keys; updated clients (version bumped) with the contacts they gained; `import_changes` for undo;
 * the error rows. Call it in the transaction that also commits the chunk's checkpoint.
 */
export async function writeClientChunk(
  db: Executor,
  ctx: ClientChunkContext,
  plan: ChunkPlan,
): Promise<string[]> {
  const ws = ctx.workspaceId;
  const created = plan.created;
  if (created.length > 0) {
    const s = created.map((p) => p.state);
    await db.execute(sql`
      insert into clients (id, workspace_id, kind, last_name, first_name, patronymic, birthday, legal_name, inn, kpp,
        display_name, match_key, city, address, tags, custom, external_id, owner_id, source_channel, source_batch_id)
      select t.id, ${ws}::uuid, t.kind, t.last_name, t.first_name, t.patronymic, t.birthday, t.legal_name, t.inn, t.kpp,
        t.display_name, t.match_key, t.city, t.address,
        coalesce(string_to_array(nullif(t.tags, ''), ${TAG_SEP}), '{}'), t.custom::jsonb, t.external_id,
        ${ctx.ownerId}::uuid, ${ctx.sourceChannel}, ${ctx.batchId}::uuid
      from unnest(${arrayParam(
        created.map((p) => p.id),
        'uuid',
      )}, ${arrayParam(
        s.map((c) => c.kind),
        'text',
      )}, ${arrayParam(
        s.map((c) => c.lastName),
        'text',
      )}, ${arrayParam(
        s.map((c) => c.firstName),
        'text',
      )}, ${arrayParam(
        s.map((c) => c.patronymic),
        'text',
      )}, ${arrayParam(
        s.map((c) => c.birthday),
        'date',
      )}, ${arrayParam(
        s.map((c) => c.legalName),
        'text',
      )}, ${arrayParam(
        s.map((c) => c.inn),
        'text',
      )}, ${arrayParam(
        s.map((c) => c.kpp),
        'text',
      )}, ${arrayParam(
        s.map((c) => c.displayName),
        'text',
      )}, ${arrayParam(
        s.map((c) => c.matchKey),
        'text',
      )}, ${arrayParam(
        s.map((c) => c.city),
        'text',
      )}, ${arrayParam(
        s.map((c) => c.address),
        'text',
      )}, ${arrayParam(
        s.map((c) => c.tags.join(TAG_SEP)),
        'text',
      )}, ${arrayParam(
        s.map((c) => JSON.stringify(c.custom)),
        'text',
      )}, ${arrayParam(
        s.map((c) => c.externalId),
        'text',
      )}) as t(id, kind, last_name, first_name, patronymic, birthday, legal_name, inn, kpp, display_name, match_key,
               city, address, tags, custom, external_id)`);
  }
  const phones = [
    ...created.flatMap((p) =>
      p.state.phones.map((ph, position) => ({ id: uuidv7(), clientId: p.id, ...ph, position })),
    ),
    ...plan.updated.flatMap((u) => {
      u.addedPhones = u.state.phones
        .filter((ph) => !u.original.phones.some((o) => o.e164 === ph.e164))
        .map((ph, i) => ({ id: uuidv7(), ...ph, position: u.original.phones.length + i }));
      return u.addedPhones.map((ph) => ({ ...ph, clientId: u.id }));
    }),
  ];
  if (phones.length > 0) {
    await db.execute(sql`
      insert into client_phones (id, workspace_id, client_id, e164, raw, type, position)
      select t.id, ${ws}::uuid, t.client_id, t.e164, t.raw, t.type, t.position
      from unnest(${arrayParam(
        phones.map((p) => p.id),
        'uuid',
      )}, ${arrayParam(
        phones.map((p) => p.clientId),
        'uuid',
      )}, ${arrayParam(
        phones.map((p) => p.e164),
        'text',
      )}, ${arrayParam(
        phones.map((p) => p.raw),
        'text',
      )}, ${arrayParam(
        phones.map((p) => p.type),
        'text',
      )}, ${arrayParam(
        phones.map((p) => p.position),
        'int',
      )}) as t(id, client_id, e164, raw, type, position)`);
  }
  const emails = [
    ...created.flatMap((p) =>
      p.state.emails.map((e, position) => ({ id: uuidv7(), clientId: p.id, ...e, position })),
    ),
    ...plan.updated.flatMap((u) => {
      u.addedEmails = u.state.emails
        .filter((e) => !u.original.emails.some((o) => o.address === e.address))
        .map((e, i) => ({ id: uuidv7(), ...e, position: u.original.emails.length + i }));
      return u.addedEmails.map((e) => ({ ...e, clientId: u.id }));
    }),
  ];
  if (emails.length > 0) {
    await db.execute(sql`
      insert into client_emails (id, workspace_id, client_id, address, type, position)
      select t.id, ${ws}::uuid, t.client_id, t.address, t.type, t.position
      from unnest(${arrayParam(
        emails.map((e) => e.id),
        'uuid',
      )}, ${arrayParam(
        emails.map((e) => e.clientId),
        'uuid',
      )}, ${arrayParam(
        emails.map((e) => e.address),
        'text',
      )}, ${arrayParam(
        emails.map((e) => e.type),
        'text',
      )}, ${arrayParam(
        emails.map((e) => e.position),
        'int',
      )}) as t(id, client_id, address, type, position)`);
  }
  const versions = new Map<string, number>();
  const updated = plan.updated;
  if (updated.length > 0) {
    const s = updated.map((u) => u.state);
    const rows = await queryRows<{ id: string; version: number }>(
      db,
      sql`
      update clients c set last_name = t.last_name, first_name = t.first_name, patronymic = t.patronymic,
        birthday = t.birthday, legal_name = t.legal_name, inn = t.inn, kpp = t.kpp, display_name = t.display_name,
        match_key = t.match_key, city = t.city, address = t.address,
        tags = coalesce(string_to_array(nullif(t.tags, ''), ${TAG_SEP}), '{}'), custom = t.custom::jsonb,
        external_id = t.external_id, version = c.version + 1, updated_at = now()
      from unnest(${arrayParam(
        updated.map((u) => u.id),
        'uuid',
      )}, ${arrayParam(
        s.map((c) => c.lastName),
        'text',
      )}, ${arrayParam(
        s.map((c) => c.firstName),
        'text',
      )}, ${arrayParam(
        s.map((c) => c.patronymic),
        'text',
      )}, ${arrayParam(
        s.map((c) => c.birthday),
        'date',
      )}, ${arrayParam(
        s.map((c) => c.legalName),
        'text',
      )}, ${arrayParam(
        s.map((c) => c.inn),
        'text',
      )}, ${arrayParam(
        s.map((c) => c.kpp),
        'text',
      )}, ${arrayParam(
        s.map((c) => c.displayName),
        'text',
      )}, ${arrayParam(
        s.map((c) => c.matchKey),
        'text',
      )}, ${arrayParam(
        s.map((c) => c.city),
        'text',
      )}, ${arrayParam(
        s.map((c) => c.address),
        'text',
      )}, ${arrayParam(
        s.map((c) => c.tags.join(TAG_SEP)),
        'text',
      )}, ${arrayParam(
        s.map((c) => JSON.stringify(c.custom)),
        'text',
      )}, ${arrayParam(
        s.map((c) => c.externalId),
        'text',
      )}) as t(id, last_name, first_name, patronymic, birthday, legal_name, inn, kpp, display_name, match_key,
               city, address, tags, custom, external_id)
      where c.id = t.id
      returning c.id::text as id, c.version`,
    );
    for (const r of rows) versions.set(r.id, Number(r.version));
  }
  await insertDuplicateKeys(
    db,
    ws,
    created.map((p) => duplicateRecordOf(p.id, p.state)),
  );
  if (updated.length > 0) {
    await writeDuplicateKeys(
      db,
      ws,
      updated.map((u) => duplicateRecordOf(u.id, u.state)),
    );
  }

  const changes = [
    ...created.map((p) => ({
      id: p.id,
      action: 'created',
      before: null as string | null,
      version: 1,
      row: p.row,
    })),
    ...updated.map((u) => ({
      id: u.id,
      action: 'updated',
      before: JSON.stringify(beforeOf(u)),
      version: versions.get(u.id) ?? u.version + 1,
      row: u.row ?? 0,
    })),
  ];
  if (changes.length > 0) {
    await db.execute(sql`
      insert into import_changes (import_id, client_id, action, before, version_after, row)
      select ${ctx.importId}::uuid, t.id, t.action, t.before::jsonb, t.version, t.row
      from unnest(${arrayParam(
        changes.map((c) => c.id),
        'uuid',
      )}, ${arrayParam(
        changes.map((c) => c.action),
        'text',
      )}, ${arrayParam(
        changes.map((c) => c.before),
        'text',
      )}, ${arrayParam(
        changes.map((c) => c.version),
        'int',
      )}, ${arrayParam(
        changes.map((c) => c.row),
        'int',
      )}) as t(id, action, before, version, row)
      on conflict (import_id, client_id) do update set
        version_after = excluded.version_after,
        before = case when import_changes.action = 'created' then null else jsonb_build_object(
          'fields', coalesce(excluded.before->'fields', '{}'::jsonb) || coalesce(import_changes.before->'fields', '{}'::jsonb),
          'phoneIds', coalesce(import_changes.before->'phoneIds', '[]'::jsonb) || coalesce(excluded.before->'phoneIds', '[]'::jsonb),
          'emailIds', coalesce(import_changes.before->'emailIds', '[]'::jsonb) || coalesce(excluded.before->'emailIds', '[]'::jsonb))
        end`);
  }
  await writeImportErrors(db, ctx.importId, planErrors(plan), false);
  return [...created.map((p) => p.id), ...updated.map((u) => u.id)];
}

/** The replaced column values of an updated client and the ids of the contacts the import added. */
function beforeOf(u: Stored) {
  const fields: Record<string, unknown> = {};
  for (const [column, key] of Object.entries(SCALAR_COLUMNS)) {
    if (u.original[key] !== u.state[key]) fields[column] = u.original[key];
  }
  if (u.original.displayName !== u.state.displayName) fields.display_name = u.original.displayName;
  if (u.original.matchKey !== u.state.matchKey) fields.match_key = u.original.matchKey;
  if (u.original.tags.join(TAG_SEP) !== u.state.tags.join(TAG_SEP)) fields.tags = u.original.tags;
  if (JSON.stringify(u.original.custom) !== JSON.stringify(u.state.custom)) fields.custom = u.original.custom;
  return { fields, phoneIds: u.addedPhones.map((p) => p.id), emailIds: u.addedEmails.map((e) => e.id) };
}
