/**
 * The body of the conversion thread (`converter.ts`): converts chunks of client rows with
 * `convertClientRows`, so the import's own thread is left to talk to the database.
 */
import { parentPort, threadId } from 'node:worker_threads';
// The conversion module alone (it needs `@cb/domain` only): the thread stays small.
import { type ConvertContext, convertClientRows, type ImportFileRow } from '@cb/db/convert';

export type ConvertRequest = { id: number; ctx: ConvertContext; rows: ImportFileRow[] };
export type ConvertReply =
  | { id: number; threadId: number; converted: ReturnType<typeof convertClientRows> }
  | { id: number; threadId: number; error: string };

parentPort?.on('message', (request: ConvertRequest) => {
  let reply: ConvertReply;
  try {
    reply = { id: request.id, threadId, converted: convertClientRows(request.ctx, request.rows) };
  } catch (error) {
    reply = { id: request.id, threadId, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(reply);
});
