import { clientRecomputeProcessor } from './client-recompute.ts';
import { duplicatesCheckProcessor } from './duplicates-check.ts';
import { duplicatesScanAllProcessor, duplicatesScanProcessor } from './duplicates-scan.ts';
import { importRunProcessor } from './import-run.ts';
import { importUndoProcessor } from './import-undo.ts';
import { outboxPruneProcessor } from './outbox-prune.ts';
import type { AnyProcessor } from './processor.ts';
import { recomputeAllProcessor } from './recompute-all.ts';
import { workspaceRecomputeProcessor } from './workspace-recompute.ts';

export * from './processor.ts';

/** Every processor a worker runs by default, one per queue. */
export const defaultProcessors: readonly AnyProcessor[] = [
  clientRecomputeProcessor,
  workspaceRecomputeProcessor,
  recomputeAllProcessor,
  outboxPruneProcessor,
  importRunProcessor,
  importUndoProcessor,
  duplicatesScanProcessor,
  duplicatesScanAllProcessor,
  duplicatesCheckProcessor,
];
