import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectFormat } from './detect.ts';
import { ImportReadError } from './errors.ts';
import { readCsv } from './read-csv.ts';
import { readXlsx } from './read-xlsx.ts';
import { chunksOf } from './test-support.ts';

const MiB = 1024 * 1024;
const CHUNK = 64 * 1024;

/** A `head` line, then `totalBytes` of `unit` repeated with no line break, produced chunk by chunk. */
function hugeLine(head: string, unit: string, totalBytes: number) {
  const stats = { pulled: 0 };
  const chunk = Buffer.from(unit.repeat(Math.ceil(CHUNK / unit.length)).slice(0, CHUNK));
  async function* bytes() {
    const first = Buffer.from(head);
    stats.pulled += first.length;
    yield first;
    for (let sent = 0; sent < totalBytes; sent += chunk.length) {
      stats.pulled += chunk.length;
      yield chunk;
    }
  }
  return { stats, bytes: bytes(), head: Buffer.concat([Buffer.from(head), chunk]) };
}

async function drain(rows: AsyncIterable<unknown>): Promise<number> {
  let count = 0;
  for await (const _ of rows) count++;
  return count;
}

describe('a single 100 MB line', () => {
  it.each([
    ['one giant field', 'x'],
    ['millions of tiny fields', 'x,'],
    ['an unclosed quote', '"x'],
  ])('with %s stops with row_too_large after about maxRowBytes, memory bounded', async (_name, unit) => {
    const { stats, bytes, head } = hugeLine('name,phone\nАнна,1\n', unit, 100 * MiB);
    const detected = detectFormat(head, 'huge.csv', { complete: false });
    if ('error' in detected || detected.format !== 'csv') throw new Error('not CSV');
    const heapBefore = process.memoryUsage().heapUsed;
    const reader = await readCsv(bytes, detected, { maxRowBytes: MiB });
    const seen: unknown[] = [];
    const error = await (async () => {
      try {
        for await (const row of reader.rows) seen.push(row);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ImportReadError);
    expect(error).toMatchObject({ code: 'row_too_large', rowNumber: 2, line: 3 });
    expect(seen).toHaveLength(1);
    // The reader stops pulling soon after the limit: the other ~99 MB are never produced.
    expect(stats.pulled).toBeLessThan(3 * MiB);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * MiB);
  });

  it('as the header fails readCsv itself with row 0', async () => {
    const { bytes, head } = hugeLine('', 'y', 100 * MiB);
    const detected = detectFormat(head, 'huge.csv', { complete: false });
    if ('error' in detected || detected.format !== 'csv') throw new Error('not CSV');
    await expect(readCsv(bytes, detected, { maxRowBytes: MiB })).rejects.toMatchObject({
      code: 'row_too_large',
      rowNumber: 0,
    });
  });
});

it('streams 40 MB of rows reading at most a couple of chunks ahead of the consumer', async () => {
  const header = Buffer.from('name;phone;address;email;sum\n');
  const line = Buffer.from(
    'Иванов Пётр;+7 916 123-45-67;"Москва, ул. Тверская, д. 1";client@example.ru;1,5\n',
  );
  const rowsWanted = Math.ceil((40 * MiB) / line.length);
  const perChunk = Math.floor(CHUNK / line.length);
  const chunk = Buffer.concat(Array.from({ length: perChunk }, () => line));
  let pulled = 0;
  async function* bytes() {
    pulled += header.length;
    yield header;
    for (let sent = 0; sent < rowsWanted; sent += perChunk) {
      pulled += chunk.length;
      yield chunk;
    }
  }
  const detected = detectFormat(Buffer.concat([header, chunk]), 'big.csv', { complete: false });
  if ('error' in detected || detected.format !== 'csv') throw new Error('not CSV');
  const reader = await readCsv(bytes(), detected);
  let count = 0;
  let maxReadAhead = 0;
  for await (const row of reader.rows) {
    count++;
    maxReadAhead = Math.max(maxReadAhead, pulled - row.resume.byteOffset);
  }
  expect(count).toBeGreaterThanOrEqual(rowsWanted);
  // Pull-based: the reader holds one source chunk's rows at a time, whatever the file size.
  expect(maxReadAhead).toBeLessThanOrEqual(chunk.length);
});

/** Deterministic PRNG (mulberry32) so a failure names a seed that reproduces it. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = [
  ...Buffer.from(',;\t|"\r\n a=+-@'),
  0x00,
  0xd0,
  0xd1,
  0xc0,
  0xff,
  0xfe,
  0xef,
  0xbb,
  0xbf,
  0x80,
  0x98,
];
const PREFIXES = [[], [0xef, 0xbb, 0xbf], [0xff, 0xfe], [0xfe, 0xff], [0x50, 0x4b, 0x03, 0x04]];

function arbitraryBytes(seed: number): Uint8Array {
  const next = random(seed);
  const length = Math.floor(next() * 600);
  const prefix = PREFIXES[Math.floor(next() * PREFIXES.length)]!;
  const hostile = next() < 0.5;
  const body = Array.from({ length }, () =>
    hostile ? ALPHABET[Math.floor(next() * ALPHABET.length)]! : Math.floor(next() * 256),
  );
  return Uint8Array.from([...prefix, ...body]);
}

describe('property: detect + read never throw an untyped error', () => {
  let directory = '';
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'cb-hostile-'));
  });
  afterAll(async () => {
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  it('for 600 arbitrary byte strings', async () => {
    const outcomes = { rows: 0, detectErrors: 0, readErrors: 0, xlsx: 0 };
    for (let seed = 1; seed <= 600; seed++) {
      const bytes = arbitraryBytes(seed);
      try {
        const detected = detectFormat(bytes, 'upload.bin');
        if ('error' in detected) {
          outcomes.detectErrors++;
          continue;
        }
        switch (detected.format) {
          case 'csv': {
            const reader = await readCsv(chunksOf(bytes, 1 + (seed % 17)), detected, { maxRowBytes: 256 });
            outcomes.rows += await drain(reader.rows);
            break;
          }
          case 'xlsx': {
            outcomes.xlsx++;
            const path = join(directory, `${seed}.xlsx`);
            await writeFile(path, bytes);
            outcomes.rows += await drain((await readXlsx(path)).rows);
            break;
          }
          default:
            detected satisfies never;
        }
      } catch (error) {
        if (!(error instanceof ImportReadError)) {
          throw new Error(`seed ${seed} threw an untyped error: ${String(error)}`, { cause: error });
        }
        outcomes.readErrors++;
      }
    }
    // The generator must exercise every path, or the property proves little.
    expect(outcomes.rows).toBeGreaterThan(0);
    expect(outcomes.detectErrors).toBeGreaterThan(0);
    expect(outcomes.readErrors).toBeGreaterThan(0);
    expect(outcomes.xlsx).toBeGreaterThan(0);
  });
});
