import { router } from '../trpc/init.ts';

/** Imports of client files: see `../http/imports.ts` for the upload and the error report. */
export const importsRouter = router({});
