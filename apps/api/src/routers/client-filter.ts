import { clientSortFields } from '@cb/db';
import { consentPurposes, contactChannels, sourceChannels, stages, temperatureLevels } from '@cb/domain';
import { z } from 'zod';

/**
 * The filter and sort of the clients list, shared by `clients.list` and the saved views that
 * remember them, so a saved view always holds something the list accepts.
 */
export const ZClientFilter = z
  .object({
    stage: z.array(z.enum(stages)).max(10).optional(),
    temperature: z.array(z.enum(temperatureLevels)).max(10).optional(),
    sourceChannel: z.array(z.enum(sourceChannels)).max(20).optional(),
    batchId: z.uuid().optional(),
    tags: z.array(z.string().trim().min(1).max(100)).max(50).optional(),
    ownerId: z.uuid().nullable().optional(),
    city: z.string().trim().min(1).max(200).optional(),
    segmentId: z.uuid().optional(),
    consent: z.object({ channel: z.enum(contactChannels), purpose: z.enum(consentPurposes) }).optional(),
    includeArchived: z.boolean().optional(),
  })
  .strict();

export const ZClientSort = z.object({
  field: z.enum(clientSortFields),
  direction: z.enum(['asc', 'desc']),
});
