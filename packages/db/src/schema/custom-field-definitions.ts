import type { CustomFieldType } from '@cb/domain';
import { boolean, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, id, workspaceId } from './columns.ts';

export const customFieldDefinitions = pgTable(
  'custom_field_definitions',
  {
    id: id(),
    workspaceId: workspaceId(),
    /** The key under which values are stored in `clients.custom`. */
    key: text('key').notNull(),
    label: text('label').notNull(),
    type: text('type').$type<CustomFieldType>().notNull(),
    /** The allowed values of a `one_of` field. */
    options: text('options').array(),
    required: boolean('required').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('custom_field_definitions_key').on(t.workspaceId, t.key)],
);
