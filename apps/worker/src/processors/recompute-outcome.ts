import { RecomputeError, type RecomputeResult } from '@cb/db';
import type { Logger } from 'pino';

/**
 * A workspace deleted after its job was queued leaves nothing to recompute: the job is done, not
 * failed. Every other error (an invalid stored policy, a lost connection) fails the job, so it is
 * retried and, if it keeps failing, dead-lettered for someone to fix and redrive.
 */
export async function unlessWorkspaceGone(
  recompute: Promise<RecomputeResult>,
  logger: Logger,
  workspaceId: string,
): Promise<RecomputeResult | null> {
  try {
    return await recompute;
  } catch (error) {
    if (error instanceof RecomputeError && error.code === 'workspace_not_found') {
      logger.info({ workspaceId }, 'workspace gone; nothing to recompute');
      return null;
    }
    throw error;
  }
}

export function logRecompute(
  logger: Logger,
  level: 'debug' | 'info',
  workspaceId: string,
  result: RecomputeResult,
): void {
  const { skippedSegments, ...counts } = result;
  logger[level]({ workspaceId, ...counts }, 'recomputed');
  for (const skipped of skippedSegments) {
    logger.warn(
      { workspaceId, segmentId: skipped.segmentId, issues: skipped.issues },
      'segment skipped: its rule does not parse',
    );
  }
}
