import { type Database, findApiToken, findSession, type SessionUser, touchApiToken } from '@cb/db';
import type { DeadLetter } from '@cb/worker';
import type { Logger } from 'pino';
import { readCookie, SESSION_COOKIE } from '../auth/cookies.ts';
import { API_TOKEN_PREFIX, hashSecret } from '../auth/tokens.ts';

export type ApiConfig = {
  /** Adds `Secure` to the session cookie (production). */
  secureCookies: boolean;
  sessionDays: number;
  /** Where people open the app; invite links point here. */
  publicUrl: string;
  signInLimits: { perEmail: number; perIp: number; windowMs: number };
};

export const defaultApiConfig: ApiConfig = {
  secureCookies: false,
  sessionDays: 30,
  publicUrl: 'http://localhost:3000',
  signInLimits: { perEmail: 5, perIp: 20, windowMs: 15 * 60_000 },
};

/**
 * The job queue's dead letters, as far as the API needs them. The start process hands in the
 * worker's pg-boss (embedded) or a queue client (server mode); without one the list is empty.
 */
export type DeadLetterStore = {
  list(options: { limit: number; after?: string }): Promise<DeadLetter[]>;
  redrive(ids: string[]): Promise<number>;
};

/** Who is calling: a browser session (which may not have a workspace yet) or a personal API token. */
export type Auth =
  | { kind: 'session'; user: SessionUser; tokenHash: string; workspaceId: string | null }
  | { kind: 'api_token'; user: SessionUser; tokenId: string; workspaceId: string };

export type Context = {
  db: Database;
  config: ApiConfig;
  requestId: string;
  log: Logger;
  /** The caller's address, for sign-in rate limits. */
  ip: string;
  /** Response headers (Set-Cookie) that the HTTP adapter sends back. */
  resHeaders: Headers;
  now: () => Date;
  auth: Auth | null;
  deadLetters: DeadLetterStore | null;
};

/**
 * Reads the caller from `Authorization: Bearer cb_…` or the session cookie. An unknown, revoked or
 * expired credential is simply no caller: protected procedures answer UNAUTHORIZED.
 */
export async function resolveAuth(db: Database, headers: Headers, now: Date): Promise<Auth | null> {
  const authorization = headers.get('authorization');
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    const token = match?.[1];
    if (!token?.startsWith(API_TOKEN_PREFIX) || token.length > 200) return null;
    const found = await findApiToken(db, hashSecret(token));
    if (!found) return null;
    await touchApiToken(db, found.id, now);
    return { kind: 'api_token', user: found.user, tokenId: found.id, workspaceId: found.workspaceId };
  }
  const cookie = readCookie(headers.get('cookie'), SESSION_COOKIE);
  if (!cookie || cookie.length > 200) return null;
  const tokenHash = hashSecret(cookie);
  const session = await findSession(db, tokenHash, now);
  if (!session) return null;
  return { kind: 'session', user: session.user, tokenHash, workspaceId: session.workspaceId };
}
