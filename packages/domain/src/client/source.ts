/** Where a client came from. Each channel carries the data that makes it measurable. */
import { z } from 'zod';
import type { SourceChannel } from '../vocabulary.ts';

const text = (max: number) => z.string().trim().min(1).max(max);

export const ZUtm = z.object({
  source: text(500).optional(),
  medium: text(500).optional(),
  campaign: text(500).optional(),
  term: text(500).optional(),
  content: text(500).optional(),
});
export type Utm = z.infer<typeof ZUtm>;

export const ZSource = z.discriminatedUnion('channel', [
  /** A bought list is always a batch, so its cost and quality can be measured and purged as a unit. */
  z.object({ channel: z.literal('purchased_list'), batchId: z.uuid() }),
  z.object({ channel: z.literal('import'), batchId: z.uuid().optional() }),
  z.object({ channel: z.literal('advertising'), campaign: text(200).optional(), utm: ZUtm.optional() }),
  z.object({ channel: z.literal('referral'), referrerClientId: z.uuid() }),
  z.object({ channel: z.literal('web_form'), formId: text(200).optional(), url: text(2000).optional() }),
  z.object({ channel: z.literal('loyalty_card'), cardNumber: text(64).optional() }),
  z.object({ channel: z.literal('walk_in') }),
  z.object({ channel: z.literal('other'), detail: text(500).optional() }),
]);
export type Source = z.infer<typeof ZSource>;

/** Compile-time proof that the union covers every `SourceChannel` and nothing else. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sourceCoversAllChannels: Same<Source['channel'], SourceChannel> = true;
void sourceCoversAllChannels;

/** The batch a source points at, if any: what the `sourceBatchId` fact and column hold. */
export function sourceBatchId(source: Source): string | null {
  switch (source.channel) {
    case 'purchased_list':
      return source.batchId;
    case 'import':
      return source.batchId ?? null;
    default:
      return null;
  }
}
