/**
 * One place that turns zod's errors into `FieldIssue`s, so shape errors and domain errors reach the
 * user in the same form: a dotted field path, a stable code, an English message.
 */
import type { z } from 'zod';
import { type FieldIssue, fail, issue, ok, type Result } from '../result.ts';
import { type ClientInput, type ClientPatch, ZClientInput, ZClientPatch } from './client.ts';

/** `code` is zod's issue code (`invalid_type`, `too_small`, `unrecognized_keys`, …). */
export function fieldIssuesFromZod(error: z.ZodError): FieldIssue[] {
  return error.issues.map((i) => issue(i.path.map(String).join('.'), i.code, i.message));
}

export function parseWith<T>(schema: z.ZodType<T>, raw: unknown): Result<T, FieldIssue[]> {
  const r = schema.safeParse(raw);
  return r.success ? ok(r.data) : fail(fieldIssuesFromZod(r.error));
}

export const parseClientInput = (raw: unknown): Result<ClientInput, FieldIssue[]> =>
  parseWith(ZClientInput, raw);
export const parseClientPatch = (raw: unknown): Result<ClientPatch, FieldIssue[]> =>
  parseWith(ZClientPatch, raw);
