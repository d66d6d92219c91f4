import {
  type DatabaseHandle,
  getImportById,
  type ImportRow,
  undoImportStep,
  undoPurchaseImport,
} from '@cb/db';

/**
 * Runs (or resumes) the undo of an import in `undoing`, step after step of a thousand changes,
 * each step one transaction that stores its position: created clients still as the import left
 * them, with no history added since (a call, task, consent, payment, purchase or static list), are
 * deleted, updated ones restored, and clients edited since are kept and listed in
 * `undo_report.kept` (the first thousand; `keptTotal` counts them all). A purchase import first
 * loses the purchases it wrote. Idempotent.
 */
export async function runUndo(
  database: DatabaseHandle,
  importId: string,
  options: {
    stepSize?: number;
    signal?: AbortSignal;
    /** How many kept clients the report lists by name (default `UNDO_KEPT_LIST_MAX`). */
    keptListMax?: number;
  } = {},
): Promise<ImportRow | null> {
  const row = await getImportById(database.db, importId);
  if (row?.status !== 'undoing') return row;
  if (row.kind === 'purchases') {
    await database.db.transaction((tx) => undoPurchaseImport(tx, row.workspaceId, importId));
  }
  for (;;) {
    if (options.signal?.aborted) break;
    if (await undoImportStep(database.db, importId, options.stepSize ?? 1000, options.keptListMax)) break;
  }
  return getImportById(database.db, importId);
}
