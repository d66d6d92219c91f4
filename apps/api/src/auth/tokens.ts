import { createHash, randomBytes } from 'node:crypto';

/** Prefix of personal API tokens, so a leaked one is recognizable (and greppable by scanners). */
export const API_TOKEN_PREFIX = 'cb_';

/** 32 random bytes as base64url: the secret the client holds (cookie, bearer, invite link). */
export function newSecret(prefix = ''): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/** What the database stores instead of a secret. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
