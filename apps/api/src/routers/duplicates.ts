import { router } from '../trpc/init.ts';

/** Candidate duplicates: scan, review queue, merge and unmerge, "not a duplicate". */
export const duplicatesRouter = router({});
