import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DETECT_HEAD_BYTES,
  type DetectionResult,
  detectFileFormat,
  detectFormat,
  findNonAsciiSample,
} from './detect.ts';
import { readCsvFile } from './read-csv.ts';
import { encodeWindows1251 } from './test-support.ts';

const utf8 = (text: string) => new TextEncoder().encode(text);
const withPrefix = (prefix: number[], body: Uint8Array) => Uint8Array.from([...prefix, ...body]);

function csvOf(result: DetectionResult) {
  if ('error' in result) throw new Error(`expected CSV, got error ${result.error.code}`);
  if (result.format !== 'csv') throw new Error(`expected CSV, got ${result.format}`);
  return result;
}

describe('detectFormat', () => {
  it.each([
    ['comma', 'a,b,c\n1,2,3\n4,5,6\n', ','],
    ['semicolon with decimal commas', 'Имя;Сумма\nИван;1,5\nПётр;2,25\n', ';'],
    ['tab', 'a\tb\n1\t2\n', '\t'],
    ['pipe', 'a|b|c\n1|2|3\n', '|'],
    ['delimiters inside quotes ignored', 'a;b\n"x,y,z";1\n"p,q,r";2\n', ';'],
    ['single column falls back to comma', 'email\nx@example.com\n', ','],
  ])('finds the %s delimiter', (_name, text, delimiter) => {
    expect(csvOf(detectFormat(utf8(text))).delimiter).toBe(delimiter);
  });

  it.each([
    ['UTF-8 BOM', [0xef, 0xbb, 0xbf], 'utf-8', 3],
    ['UTF-16LE BOM', [0xff, 0xfe], 'utf-16le', 2],
    ['UTF-16BE BOM', [0xfe, 0xff], 'utf-16be', 2],
  ] as const)('recognises a %s', (_name, bom, encoding, bomLength) => {
    const body =
      encoding === 'utf-8'
        ? utf8('a;b\n1;2\n')
        : encoding === 'utf-16le'
          ? Buffer.from('a;b\n1;2\n', 'utf16le')
          : Buffer.from('a;b\n1;2\n', 'utf16le').swap16();
    expect(detectFormat(withPrefix([...bom], body))).toEqual({
      format: 'csv',
      encoding,
      bom: true,
      bomLength,
      delimiter: ';',
    });
  });

  it('recognises UTF-16LE without a BOM (Excel "Unicode text")', () => {
    expect(csvOf(detectFormat(Buffer.from('Имя\tГород\nИван\tМосква\n', 'utf16le'))).encoding).toBe(
      'utf-16le',
    );
  });

  it('detects a Russian Excel export as Windows-1251 with semicolons', () => {
    const bytes = encodeWindows1251('Фамилия;Имя;Город\nИванов;Пётр;Москва\nЁжиков;Олег;Тверь\n');
    expect(detectFormat(bytes, 'clients.csv')).toEqual({
      format: 'csv',
      encoding: 'windows-1251',
      bom: false,
      bomLength: 0,
      delimiter: ';',
    });
  });

  it('keeps UTF-8 when the 64 KiB head cuts a Cyrillic character in half', () => {
    const line = utf8('Иванов;Пётр;Москва\n');
    const file = new Uint8Array(DETECT_HEAD_BYTES * 2);
    for (let offset = 0; offset + line.length <= file.length; offset += line.length) file.set(line, offset);
    let cut = DETECT_HEAD_BYTES;
    while ((file[cut]! & 0xc0) !== 0x80) cut++;
    const result = csvOf(detectFormat(file.subarray(0, cut), 'big.csv', { complete: false }));
    expect(result).toMatchObject({ encoding: 'utf-8', delimiter: ';' });
  });

  it('recognises an XLSX by the ZIP signature', () => {
    expect(detectFormat(Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0]))).toEqual({
      format: 'xlsx',
    });
  });

  it.each([
    ['a 0-byte file', new Uint8Array(), 'empty'],
    [
      'binary junk with NUL bytes',
      Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 1, 2, 3]),
      'not_text',
    ],
    [
      'control characters',
      Uint8Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? 0x01 : 0x41)),
      'not_text',
    ],
    [
      'an old .xls workbook',
      Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]),
      'unsupported_format',
    ],
  ])('rejects %s with a typed error', (_name, bytes, code) => {
    const result = detectFormat(bytes, 'upload.csv');
    expect(result).toMatchObject({ error: { code } });
    expect('error' in result && result.error.message.length > 10).toBe(true);
  });
});

/** Rows of a client export whose long Latin/numeric columns fill the first ~100 KiB before any Cyrillic. */
function lateCyrillicCsv() {
  const asciiRows = Array.from({ length: 3500 }, (_, i) => [
    String(i + 1),
    `SKU-${String(i).padStart(8, '0')}`,
    'Smith',
    'London',
  ]);
  const cyrillicRows = [
    ['3501', 'SKU-00003500', 'Иванов Пётр', 'Москва'],
    ['3502', 'SKU-00003501', 'Ёжикова Анна', 'Тверь'],
    ['3503', 'SKU-00003502', 'Щукин Олег № 5', 'Нижний Новгород'],
  ];
  const rows = [...asciiRows, ...cyrillicRows];
  const text = `id;sku;name;city\n${rows.map((row) => row.join(';')).join('\n')}\n`;
  return { text, rows, asciiBytes: text.indexOf('Иванов') };
}

describe('detectFileFormat: the encoding of a file whose first 64 KiB are plain ASCII', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'cb-detect-'));
  });
  afterAll(async () => {
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  it.each([
    ['windows-1251', encodeWindows1251],
    ['utf-8', utf8],
  ] as const)(
    'finds %s from the Cyrillic rows after ~100 KiB and reads them back',
    async (encoding, encode) => {
      const { text, rows, asciiBytes } = lateCyrillicCsv();
      expect(asciiBytes).toBeGreaterThan(100 * 1024);
      const bytes = encode(text);
      const path = join(directory, `late-${encoding}.csv`);
      await writeFile(path, bytes);
      // The head alone cannot tell: it is ASCII, which both encodings read alike.
      const headOnly = csvOf(
        detectFormat(bytes.subarray(0, DETECT_HEAD_BYTES), 'late.csv', { complete: false }),
      );
      expect(headOnly.encoding).toBe('utf-8');

      const detected = csvOf(await detectFileFormat(path, 'late.csv'));
      expect(detected).toEqual({ format: 'csv', encoding, bom: false, bomLength: 0, delimiter: ';' });
      const reader = await readCsvFile(path, detected);
      expect(reader.header).toEqual(['id', 'sku', 'name', 'city']);
      const read: string[][] = [];
      for await (const row of reader.rows) read.push(row.row);
      expect(read).toEqual(rows);
      expect(read.flat().some((cell) => cell.includes('\uFFFD'))).toBe(false);
    },
  );

  it('keeps UTF-8 when the sample of later bytes ends inside a Cyrillic character', async () => {
    const ascii = '1;SKU-00000000;Smith;London\n'.repeat(4000);
    const file = utf8(`id;sku;name;city\n${ascii}${'42;Иванов;Пётр\n'.repeat(10_000)}`);
    const firstNonAscii = file.findIndex((byte) => byte > 0x7f);
    // The fixture does what it claims: the 64 KiB sample is cut inside a two-byte character.
    expect((file[firstNonAscii + 64 * 1024]! & 0xc0) === 0x80).toBe(true);
    const path = join(directory, 'late-utf8-cut.csv');
    await writeFile(path, file);
    expect(csvOf(await detectFileFormat(path))).toMatchObject({ encoding: 'utf-8', delimiter: ';' });
  });

  it('keeps UTF-8 for a large file that is ASCII throughout', async () => {
    const path = join(directory, 'ascii.csv');
    await writeFile(path, `id,email\n${'123456,someone@example.com\n'.repeat(20_000)}`);
    expect(await detectFileFormat(path)).toEqual({
      format: 'csv',
      encoding: 'utf-8',
      bom: false,
      bomLength: 0,
      delimiter: ',',
    });
  });

  it('leaves BOM-less UTF-16 alone (its bytes are all below 0x80 too)', async () => {
    const path = join(directory, 'utf16.txt');
    await writeFile(path, Buffer.from('Имя\tГород\n'.concat('Иван\tМосква\n'.repeat(10_000)), 'utf16le'));
    expect(csvOf(await detectFileFormat(path))).toMatchObject({ encoding: 'utf-16le', delimiter: '\t' });
  });
});

describe('findNonAsciiSample', () => {
  /** An endless source: `ascii` bytes of ASCII, then `tail` forever; counts what was pulled. */
  function endless(ascii: number, tail: Uint8Array, chunk = 4096) {
    const state = { pulled: 0, closed: false };
    async function* source(): AsyncGenerator<Uint8Array> {
      try {
        let offset = 0;
        for (;;) {
          const bytes = new Uint8Array(chunk);
          for (let i = 0; i < chunk; i++, offset++)
            bytes[i] = offset < ascii ? 0x41 : tail[(offset - ascii) % tail.length]!;
          state.pulled += chunk;
          yield bytes;
        }
      } finally {
        state.closed = true;
      }
    }
    return { source: source(), state };
  }

  it('gives up at the limit on an ASCII stream and closes it', async () => {
    const { source, state } = endless(Number.POSITIVE_INFINITY, Uint8Array.of(0x41));
    expect(await findNonAsciiSample(source, 1024 * 1024)).toBeUndefined();
    expect(state.pulled).toBe(1024 * 1024);
    expect(state.closed).toBe(true);
  });

  it('does not look past the limit, even at a non-ASCII byte just after it', async () => {
    const { source } = endless(1000, encodeWindows1251('Ж'), 1500);
    expect(await findNonAsciiSample(source, 1000)).toBeUndefined();
  });

  it('returns 64 KiB from the first non-ASCII byte and stops reading there', async () => {
    const { source, state } = endless(10_001, encodeWindows1251('Жук;'), 4096);
    const sample = await findNonAsciiSample(source);
    expect(sample?.complete).toBe(false);
    expect(sample?.bytes.length).toBe(64 * 1024);
    expect(Array.from(sample!.bytes.subarray(0, 4))).toEqual(Array.from(encodeWindows1251('Жук;')));
    expect(state.pulled).toBeLessThanOrEqual(10_001 + 64 * 1024 + 4096);
    expect(state.closed).toBe(true);
  });

  it('returns a shorter sample, marked complete, when the source ends first', async () => {
    async function* source() {
      yield utf8('a;b\n1;2\n');
      yield utf8('3;Ёж\n');
    }
    const sample = await findNonAsciiSample(source());
    expect(sample).toEqual({ bytes: Buffer.from(utf8('Ёж\n')), complete: true });
  });
});
