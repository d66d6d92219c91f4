import { exportDuplicatePairs, writeAudit } from '@cb/db';
import { csvRow } from '@cb/domain';
import type { Hono } from 'hono';
import { type Ctx, type HttpDeps, httpWorkspace, problem, type Vars } from './common.ts';

/** `GET /api/duplicates.csv`: every candidate pair with both external ids and the score. */
export function duplicateRoutes(app: Hono<Vars>, deps: HttpDeps): void {
  app.get('/api/duplicates.csv', (c) => duplicatesCsv(c, deps));
}

export const DUPLICATES_CSV_HEADER = [
  'client_a_id',
  'a_external_id',
  'a_name',
  'client_b_id',
  'b_external_id',
  'b_name',
  'score',
  'decision',
  'status',
] as const;

/**
 * Every stored pair (open, dismissed, merged), best first, as CSV: UTF-8 with a BOM so Excel reads
 * Cyrillic, every cell escaped against formula injection, streamed page by page (keyset) so the
 * size of the queue never sits in memory. Recorded in the audit log: names are personal data.
 */
async function duplicatesCsv(c: Ctx, deps: HttpDeps): Promise<Response> {
  const access = await httpWorkspace(c, deps, 'viewer');
  if (access instanceof Response) return access;
  const { ws } = access;
  // The file takes no parameters (it is every pair); one given is a mistake, not something to ignore.
  const unknown = Object.keys(c.req.query());
  if (unknown.length > 0) {
    return problem(
      c,
      400,
      `Unknown parameter ${unknown[0]}`,
      unknown.map((field) => ({ field, message: 'Unknown parameter' })),
    );
  }
  await writeAudit(deps.database.db, ws.mutation, {
    action: 'duplicates.export',
    entity: 'workspace',
    entityId: ws.id,
    after: { format: 'csv' },
  });
  const pages = exportDuplicatePairs(deps.database.db, ws.scope)[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  let started = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(`\uFEFF${csvRow([...DUPLICATES_CSV_HEADER])}\r\n`));
        return;
      }
      try {
        const next = await pages.next();
        if (next.done) {
          controller.close();
          return;
        }
        let text = '';
        for (const p of next.value) {
          text += `${csvRow([
            p.clientA,
            p.aExternalId ?? '',
            p.aName,
            p.clientB,
            p.bExternalId ?? '',
            p.bName,
            p.score.toFixed(4),
            p.decision,
            p.status,
          ])}\r\n`;
        }
        controller.enqueue(encoder.encode(text));
      } catch (error) {
        c.get('log').error({ err: error }, 'duplicates export failed mid-stream');
        controller.error(error);
      }
    },
    async cancel() {
      await pages.return?.(undefined);
    },
  });
  return c.body(body, 200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': 'attachment; filename="duplicates.csv"',
    'cache-control': 'no-store',
  });
}
