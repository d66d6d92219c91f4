import { z } from 'zod';

/** Where a consent came from: without proof a consent is worth nothing under 152-FZ and GDPR. */
export const ZConsentProof = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('web_form'),
    formId: z.string().trim().min(1).max(200).optional(),
    url: z.string().trim().max(2000).optional(),
    ip: z.string().trim().max(64).optional(),
  }),
  z.object({ kind: z.literal('import_batch'), batchId: z.string().uuid() }),
  z.object({ kind: z.literal('signed_paper'), documentRef: z.string().trim().min(1).max(500) }),
  z.object({
    kind: z.literal('verbal'),
    managerName: z.string().trim().min(1).max(200),
    note: z.string().trim().max(2000).optional(),
  }),
]);
export type ConsentProof = z.infer<typeof ZConsentProof>;
