import { clientRecomputeProcessor } from './client-recompute.ts';
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
];
