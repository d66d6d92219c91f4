import { describe, expect, it } from 'vitest';
import { readAhead } from './run.ts';

/** A source of chunks that logs what happens to it, and can fail when asked for a given chunk. */
function source(chunks: number[][], log: string[], failAt?: number) {
  return (async function* () {
    try {
      for (const [i, chunk] of chunks.entries()) {
        await new Promise((resolve) => setImmediate(resolve));
        if (i === failAt) throw new Error(`unreadable chunk ${i}`);
        log.push(`read ${i}`);
        yield chunk;
      }
    } finally {
      log.push('closed');
    }
  })();
}

describe('readAhead: the next chunk is read and prepared while the current one is used', () => {
  it('yields every chunk in order with what `prepare` made of it, one chunk ahead', async () => {
    const log: string[] = [];
    const out: { chunk: number[]; prepared: number }[] = [];
    const prepare = (chunk: number[]) => {
      log.push(`prepare ${chunk[0]}`);
      return chunk.reduce((a, b) => a + b, 0);
    };
    for await (const item of readAhead(source([[1, 2], [3], [4, 5, 6]], log), prepare)) {
      // Writing the current chunk takes a while: the next one is read and prepared meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 5));
      log.push(`use ${item.chunk[0]}`);
      out.push(item);
    }
    expect(out).toEqual([
      { chunk: [1, 2], prepared: 3 },
      { chunk: [3], prepared: 3 },
      { chunk: [4, 5, 6], prepared: 15 },
    ]);
    expect(log.indexOf('prepare 3')).toBeLessThan(log.indexOf('use 1'));
    expect(log.indexOf('prepare 4')).toBeLessThan(log.indexOf('use 3'));
    expect(log.at(-1)).toBe('use 4');
    expect(log.filter((l) => l === 'closed')).toHaveLength(1);
  });

  it('closes the source when the caller stops early, after the read in flight settles', async () => {
    const log: string[] = [];
    const seen: number[][] = [];
    for await (const { chunk } of readAhead(source([[1], [2], [3], [4]], log), () => null)) {
      seen.push(chunk);
      if (seen.length === 2) break;
    }
    expect(seen).toEqual([[1], [2]]);
    expect(log).toEqual(['read 0', 'read 1', 'read 2', 'closed']);
  });

  it('a read error surfaces only when its chunk is reached, after the chunks before it', async () => {
    const log: string[] = [];
    const seen: number[][] = [];
    const run = async () => {
      for await (const { chunk } of readAhead(source([[1], [2], [3]], log, 2), () => null)) {
        // The failing read happens while this chunk is used; it must not reject unhandled.
        await new Promise((resolve) => setTimeout(resolve, 5));
        seen.push(chunk);
      }
    };
    await expect(run()).rejects.toThrow('unreadable chunk 2');
    expect(seen).toEqual([[1], [2]]);
    expect(log).toEqual(['read 0', 'read 1', 'closed']);
  });
});
