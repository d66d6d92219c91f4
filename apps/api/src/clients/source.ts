import type { ClientRow, SourceWrite } from '@cb/db';
import { assertNever, type Source } from '@cb/domain';

/*
 * A client's source is a tagged union in the domain and a handful of columns in the database. The
 * mapping is total and reversible: web forms keep their form id in `source_campaign` and their URL
 * in `source_detail`; loyalty cards keep the card number in `source_detail`.
 */

export function toSourceWrite(source: Source): SourceWrite {
  switch (source.channel) {
    case 'purchased_list':
      return { channel: source.channel, batchId: source.batchId };
    case 'import':
      return { channel: source.channel, batchId: source.batchId ?? null };
    case 'advertising':
      return { channel: source.channel, campaign: source.campaign ?? null, utm: source.utm ?? null };
    case 'referral':
      return { channel: source.channel, referrerId: source.referrerClientId };
    case 'web_form':
      return { channel: source.channel, campaign: source.formId ?? null, detail: source.url ?? null };
    case 'loyalty_card':
      return { channel: source.channel, detail: source.cardNumber ?? null };
    case 'walk_in':
      return { channel: source.channel };
    case 'other':
      return { channel: source.channel, detail: source.detail ?? null };
    default:
      return assertNever(source);
  }
}

type SourceColumns = Pick<
  ClientRow,
  'sourceChannel' | 'sourceBatchId' | 'sourceCampaign' | 'sourceUtm' | 'sourceReferrerId' | 'sourceDetail'
>;

const opt = <K extends string, V>(key: K, value: V | null | undefined): Partial<Record<K, V>> =>
  value === null || value === undefined ? {} : ({ [key]: value } as Record<K, V>);

/**
 * The stored source as the domain writes it. A row that lost a required reference (a deleted batch
 * or referrer) reads as `other`, which is what it now is.
 */
export function fromSourceColumns(row: SourceColumns): Source {
  switch (row.sourceChannel) {
    case 'purchased_list':
      return row.sourceBatchId
        ? { channel: 'purchased_list', batchId: row.sourceBatchId }
        : { channel: 'other' };
    case 'import':
      return { channel: 'import', ...opt('batchId', row.sourceBatchId) };
    case 'advertising':
      return { channel: 'advertising', ...opt('campaign', row.sourceCampaign), ...opt('utm', row.sourceUtm) };
    case 'referral':
      return row.sourceReferrerId
        ? { channel: 'referral', referrerClientId: row.sourceReferrerId }
        : { channel: 'other' };
    case 'web_form':
      return { channel: 'web_form', ...opt('formId', row.sourceCampaign), ...opt('url', row.sourceDetail) };
    case 'loyalty_card':
      return { channel: 'loyalty_card', ...opt('cardNumber', row.sourceDetail) };
    case 'walk_in':
      return { channel: 'walk_in' };
    case 'other':
      return { channel: 'other', ...opt('detail', row.sourceDetail) };
    default:
      return assertNever(row.sourceChannel);
  }
}
