import { type CustomFieldDefinition, type CustomFieldType, fail, ok, type Result } from '@cb/domain';
import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '../client.ts';
import { customFieldDefinitions } from '../schema/custom-field-definitions.ts';
import { writeAudit } from './audit.ts';
import type { MutationContext } from './context.ts';
import type { DbFailure } from './failures.ts';

export type CustomFieldRow = typeof customFieldDefinitions.$inferSelect;

export async function listCustomFields(db: Executor, workspaceId: string): Promise<CustomFieldRow[]> {
  return db
    .select()
    .from(customFieldDefinitions)
    .where(eq(customFieldDefinitions.workspaceId, workspaceId))
    .orderBy(asc(customFieldDefinitions.createdAt), asc(customFieldDefinitions.key));
}

/** The definitions in the form `@cb/domain` validates values with. */
export async function loadCustomFieldDefinitions(
  db: Executor,
  workspaceId: string,
): Promise<CustomFieldDefinition[]> {
  const rows = await listCustomFields(db, workspaceId);
  return rows.map((r) => ({
    key: r.key,
    label: r.label,
    type: r.type,
    ...(r.options ? { options: r.options } : {}),
    required: r.required,
  }));
}

/**
 * Defines a custom field, or redefines its label, options and required flag. The type of an
 * existing field cannot change: stored values were checked against the old type.
 */
export async function defineCustomField(
  db: Executor,
  ctx: MutationContext,
  def: CustomFieldDefinition,
): Promise<Result<CustomFieldRow, DbFailure>> {
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(customFieldDefinitions)
      .where(
        and(eq(customFieldDefinitions.workspaceId, ctx.workspaceId), eq(customFieldDefinitions.key, def.key)),
      )
      .for('update');
    if (before && before.type !== def.type) {
      return fail({
        code: 'conflict',
        field: 'type',
        message: `The field "${def.key}" is already defined as ${before.type}; its type cannot change`,
      });
    }
    const values = {
      label: def.label,
      type: def.type as CustomFieldType,
      options: def.type === 'one_of' ? (def.options ?? []) : null,
      required: def.required ?? false,
    };
    const [row] = before
      ? await tx
          .update(customFieldDefinitions)
          .set(values)
          .where(eq(customFieldDefinitions.id, before.id))
          .returning()
      : await tx
          .insert(customFieldDefinitions)
          .values({ workspaceId: ctx.workspaceId, key: def.key, ...values })
          .returning();
    await writeAudit(tx, ctx, {
      action: before ? 'custom_field.update' : 'custom_field.create',
      entity: 'custom_field',
      entityId: row!.id,
      before: before ?? null,
      after: row,
    });
    return ok(row!);
  });
}
