import { router } from '../../trpc/init.ts';
import { applyImportMappingProcedure } from './apply-mapping.ts';
import { dryRunImportProcedure } from './dry-run.ts';
import { getImportProcedure } from './get.ts';
import { listImportsProcedure } from './list.ts';
import { listImportMappingsProcedure } from './mappings.ts';
import { setImportMappingProcedure } from './set-mapping.ts';
import { startImportProcedure } from './start.ts';
import { importStatusProcedure } from './status.ts';
import { undoImportProcedure } from './undo.ts';

/*
 * Imports of client files: the upload and the error report are plain HTTP (`../../http/imports.ts`);
 * everything between them is here, one procedure per file (helpers and views in `shared.ts`).
 * Reads are for viewers, changes for managers; an import of another workspace is NOT_FOUND. The
 * engine (`@cb/db` imports, `@cb/worker` import) validates; handlers only shape the input and map
 * failures.
 */
export const importsRouter = router({
  get: getImportProcedure,
  status: importStatusProcedure,
  list: listImportsProcedure,
  mappings: listImportMappingsProcedure,
  setMapping: setImportMappingProcedure,
  applyMapping: applyImportMappingProcedure,
  dryRun: dryRunImportProcedure,
  start: startImportProcedure,
  undo: undoImportProcedure,
});
