import type {
  ClientKind,
  CustomValue,
  SourceChannel,
  Stage,
  TemperatureLevel,
  TemperatureReason,
} from '@cb/domain';
import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { batches } from './batches.ts';
import { createdAt, id, tstz, updatedAt, workspaceId } from './columns.ts';
import { users } from './users.ts';

export type UtmTags = {
  source?: string;
  medium?: string;
  campaign?: string;
  term?: string;
  content?: string;
};

export const clients = pgTable(
  'clients',
  {
    id: id(),
    workspaceId: workspaceId(),
    kind: text('kind').$type<ClientKind>().notNull(),
    // person
    lastName: text('last_name'),
    firstName: text('first_name'),
    patronymic: text('patronymic'),
    birthday: date('birthday', { mode: 'string' }),
    // company
    legalName: text('legal_name'),
    inn: text('inn'),
    kpp: text('kpp'),
    /** "Фамилия Имя Отчество" or the legal name: what lists show and trigram search reads. */
    displayName: text('display_name').notNull(),
    /** Case-, ё- and script-folded name (`@cb/domain` matchKey): Фёдоров and Fedorov meet here. */
    matchKey: text('match_key').notNull(),
    /** The match key's words, for name search through the `name_words` lexicon (GIN-indexed). */
    nameTokens: text('name_tokens').array().generatedAlwaysAs(sql`string_to_array(match_key, ' ')`),
    city: text('city'),
    address: text('address'),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'set null' }),
    custom: jsonb('custom').$type<Record<string, CustomValue>>().notNull().default({}),
    externalId: text('external_id'),
    stage: text('stage').$type<Stage>().notNull().default('prospect'),
    archivedAt: tstz('archived_at'),
    sourceChannel: text('source_channel').$type<SourceChannel>().notNull().default('other'),
    sourceBatchId: uuid('source_batch_id').references(() => batches.id, { onDelete: 'set null' }),
    sourceCampaign: text('source_campaign'),
    sourceUtm: jsonb('source_utm').$type<UtmTags>(),
    sourceReferrerId: uuid('source_referrer_id').references((): AnyPgColumn => clients.id, {
      onDelete: 'set null',
    }),
    sourceDetail: text('source_detail'),
    temperatureLevel: text('temperature_level').$type<TemperatureLevel>(),
    temperatureScore: integer('temperature_score'),
    temperatureReasons: jsonb('temperature_reasons').$type<TemperatureReason[]>(),
    temperatureAt: tstz('temperature_at'),
    verifiedAt: tstz('verified_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    /** Set when this record was merged into another (kept, archived, for history and unmerge). */
    mergedIntoId: uuid('merged_into_id').references((): AnyPgColumn => clients.id, { onDelete: 'set null' }),
    /** Bumped by every update: undo and merge refuse to touch a record edited since. */
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('clients_workspace_created_idx').on(t.workspaceId, t.createdAt, t.id),
    index('clients_workspace_name_idx').on(t.workspaceId, t.displayName, t.id),
    // The list's "by temperature" sort (unassessed clients sort as -1), keyset-paged on id.
    index('clients_workspace_score_idx').on(t.workspaceId, sql`coalesce(${t.temperatureScore}, -1)`, t.id),
    index('clients_workspace_updated_idx').on(t.workspaceId, t.updatedAt, t.id),
    // No index on match_key alone: name search goes through name_tokens, duplicates through their keys.
    // A small fast-update pending list (512 kB): inserts (an import's thousands of clients per
    // chunk) append to it and it is merged into the tree in sorted batches, a third cheaper than
    // entry-by-entry; a search scans at most those 512 kB on top of the tree, never a long list.
    index('clients_name_tokens_idx')
      .using('gin', t.nameTokens)
      .with({ fastupdate: true, gin_pending_list_limit: 512 }),
    // Persons have no INN: only the rows that do are indexed (lookups are by an INN).
    index('clients_inn_idx').on(t.workspaceId, t.inn).where(sql`${t.inn} is not null`),
    index('clients_owner_idx').on(t.workspaceId, t.ownerId),
    index('clients_batch_idx').on(t.sourceBatchId),
    uniqueIndex('clients_external_id_key')
      .on(t.workspaceId, t.externalId)
      .where(sql`${t.externalId} is not null`),
  ],
);
