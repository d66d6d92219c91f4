/**
 * The closed vocabularies of the client base. Every other module, the database schema and the
 * API take their enums from here, so a new value is added in exactly one place.
 */
export const clientKinds = ['person', 'company'] as const;
export type ClientKind = (typeof clientKinds)[number];

/** prospect → customer → lapsed is derived from purchases; archived is set by a person. */
export const stages = ['prospect', 'customer', 'lapsed', 'archived'] as const;
export type Stage = (typeof stages)[number];

export const temperatureLevels = ['cold', 'warm', 'hot'] as const;
export type TemperatureLevel = (typeof temperatureLevels)[number];

export const sourceChannels = [
  'purchased_list',
  'advertising',
  'referral',
  'web_form',
  'loyalty_card',
  'walk_in',
  'import',
  'other',
] as const;
export type SourceChannel = (typeof sourceChannels)[number];

export const contactChannels = ['email', 'sms', 'phone_call'] as const;
export type ContactChannel = (typeof contactChannels)[number];

export const consentPurposes = ['service', 'marketing'] as const;
export type ConsentPurpose = (typeof consentPurposes)[number];

export const consentProofKinds = ['web_form', 'import_batch', 'signed_paper', 'verbal'] as const;
export type ConsentProofKind = (typeof consentProofKinds)[number];

export const interactionKinds = [
  'call',
  'meeting',
  'negotiation',
  'note',
  'message',
  'inbound_request',
  'web_form',
] as const;
export type InteractionKind = (typeof interactionKinds)[number];

export const interactionDirections = ['inbound', 'outbound'] as const;
export type InteractionDirection = (typeof interactionDirections)[number];

export const phoneTypes = ['mobile', 'work', 'home', 'other'] as const;
export type PhoneType = (typeof phoneTypes)[number];

export const emailTypes = ['work', 'personal', 'other'] as const;
export type EmailType = (typeof emailTypes)[number];

export const customFieldTypes = ['text', 'number', 'date', 'boolean', 'one_of'] as const;
export type CustomFieldType = (typeof customFieldTypes)[number];

export const roles = ['owner', 'admin', 'manager', 'viewer'] as const;
export type Role = (typeof roles)[number];

export const batchKinds = ['purchased_list', 'import', 'paper', 'other_system', 'other'] as const;
export type BatchKind = (typeof batchKinds)[number];

export const locales = ['ru', 'en'] as const;
export type Locale = (typeof locales)[number];

/** Compile-time exhaustiveness guard for `switch` over a discriminated union. */
export function assertNever(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}
