import { describe, expect, it } from 'vitest';
import { DETECT_HEAD_BYTES, type DetectionResult, detectFormat } from './detect.ts';
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
