/**
 * Client rows converted on a second thread. Normalizing a row (phones, names, match keys, the
 * checks) is most of the CPU an import spends in this process; on the import's own thread it
 * holds up every reply of the database while the next chunk converts, so the database waits on
 * this process as often as the other way round. On its own thread the conversion of the next
 * chunk runs beside the writing of the current one, on the other core.
 */
import { Worker } from 'node:worker_threads';
import type { ClientChunkContext, convertClientRows, ImportFileRow } from '@cb/db';
import type { ConvertReply, ConvertRequest } from './convert-thread.ts';

type Converted = ReturnType<typeof convertClientRows>;

export class ConversionThread {
  private readonly worker: Worker;
  private readonly pending = new Map<
    number,
    { resolve: (c: Converted) => void; reject: (e: Error) => void }
  >();
  private nextId = 0;
  private failure: Error | null = null;
  /** The thread that converted the last chunk (tests check it is not this one). */
  lastThreadId: number | null = null;

  constructor(private readonly ctx: ClientChunkContext) {
    // A JavaScript entry that loads the TypeScript body through tsx, under tsx or vitest alike.
    this.worker = new Worker(new URL('./convert-thread.mjs', import.meta.url), {
      // A small young generation keeps the thread's memory small (a chunk's garbage is collected
      // often). A chunk holds at most `DEFAULT_CHUNK_CHARS` of cells (16 MB), so the old one never
      // needs more than a few times that, rows near the size limit included.
      resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 256 },
    });
    // Never keeps the process alive by itself; `close` ends it.
    this.worker.unref();
    this.worker.on('message', (reply: ConvertReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      this.lastThreadId = reply.threadId;
      if ('error' in reply) waiting.reject(new Error(reply.error));
      else waiting.resolve(reply.converted);
    });
    const fail = (error: Error) => {
      this.failure ??= error;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`The conversion thread stopped (exit code ${code})`)));
  }

  /** Converts rows as `convertClientRows` would, on the thread. */
  convert(rows: readonly ImportFileRow[]): Promise<Converted> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const request: ConvertRequest = {
      id,
      ctx: {
        mapping: this.ctx.mapping,
        normalize: this.ctx.normalize,
        allowPartialRows: this.ctx.allowPartialRows,
      },
      rows: rows.map((r) => ({ rowNumber: r.rowNumber, cells: r.cells })),
    };
    return new Promise<Converted>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    this.failure ??= new Error('The conversion thread is closed');
    await this.worker.terminate();
  }
}
