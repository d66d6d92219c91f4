import { isAscii } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { ImportReadErrorInfo } from './errors.ts';

export type TextEncodingName = 'utf-8' | 'windows-1251' | 'utf-16le' | 'utf-16be';
export type CsvDelimiter = ',' | ';' | '\t' | '|';

export interface DetectedCsv {
  format: 'csv';
  encoding: TextEncodingName;
  bom: boolean;
  /** Bytes of byte-order mark at the start of the file; row byte offsets count them. */
  bomLength: number;
  delimiter: CsvDelimiter;
}

export interface DetectedXlsx {
  format: 'xlsx';
}

export type DetectedFormat = DetectedCsv | DetectedXlsx;
export type DetectionError = Pick<ImportReadErrorInfo, 'code' | 'message'>;
export type DetectionResult = DetectedFormat | { error: DetectionError };

/** How much of the file start `detectFormat` wants; more is allowed but not looked at. */
export const DETECT_HEAD_BYTES = 64 * 1024;

/**
 * How far past the head `detectFileFormat` reads looking for the first non-ASCII byte when the
 * head has none (e.g. an export whose long numeric and Latin columns come before the Cyrillic
 * ones). Bounded so a large pure-ASCII upload stays fast: a file whose first non-ASCII byte lies
 * further in is still read as UTF-8.
 */
export const ENCODING_SCAN_BYTES = 32 * 1024 * 1024;
/** Bytes judged for UTF-8 vs Windows-1251, counted from the first non-ASCII byte found by the scan. */
const ENCODING_SAMPLE_BYTES = 64 * 1024;
/** Read size while scanning: memory stays at one chunk plus the sample whatever the file size. */
const SCAN_CHUNK_BYTES = 64 * 1024;

const DELIMITERS: readonly CsvDelimiter[] = [';', ',', '\t', '|'];
const LINES_FOR_DELIMITER = 50;
/** Share of control characters above which the head is treated as binary, not text. */
const MAX_CONTROL_SHARE = 0.01;

/**
 * Decides how to read an uploaded file from its first bytes (`DETECT_HEAD_BYTES` of them; pass the
 * whole file when it is shorter and set `complete`, so a truncated last line is not discarded).
 * An ASCII-only head of a longer file is taken as UTF-8; `detectFileFormat` looks further to be sure.
 */
export function detectFormat(
  head: Uint8Array,
  // Only informs the message: content decides, since CRMs often export CSV named `.xls`.
  fileName?: string,
  options: { complete?: boolean } = {},
): DetectionResult {
  const complete = options.complete ?? head.length < DETECT_HEAD_BYTES;
  if (head.length === 0) return fail('empty', 'The file is empty (0 bytes).');
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) {
    return { format: 'xlsx' };
  }
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    return fail(
      'unsupported_format',
      'This is an old Excel 97–2003 (.xls) workbook; save it as .xlsx or CSV and upload again.',
    );
  }

  const encoding = detectEncoding(head, complete);
  const text = encoding && decodeHead(head.subarray(encoding.bomLength), encoding.encoding);
  if (encoding === undefined || text === undefined || looksBinary(text)) {
    const name = fileName ? `«${fileName}» ` : 'The file ';
    return fail('not_text', `${name}is neither a text table (CSV) nor an Excel workbook (.xlsx).`);
  }
  return {
    format: 'csv',
    encoding: encoding.encoding,
    bom: encoding.bomLength > 0,
    bomLength: encoding.bomLength,
    delimiter: detectDelimiter(text, complete),
  };
}

/** The first bytes of a file, as `detectFormat` wants them. */
export async function readHead(path: string): Promise<{ head: Uint8Array; complete: boolean }> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(DETECT_HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, DETECT_HEAD_BYTES, 0);
    return { head: buffer.subarray(0, bytesRead), complete: bytesRead < DETECT_HEAD_BYTES };
  } finally {
    await handle.close();
  }
}

/**
 * `detectFormat` for a file on disk. When the head is plain ASCII, UTF-8 and Windows-1251 read it
 * alike, so the encoding is decided by the first non-ASCII bytes further in (streamed, at most
 * `ENCODING_SCAN_BYTES` past the head); a file that is ASCII throughout is UTF-8. Otherwise a
 * Windows-1251 export with ASCII-only first 64 KiB would be read as UTF-8 and every Cyrillic
 * letter would silently become U+FFFD.
 */
export async function detectFileFormat(path: string, fileName?: string): Promise<DetectionResult> {
  const { head, complete } = await readHead(path);
  const detected = detectFormat(head, fileName, { complete });
  // Only a BOM-less UTF-8 guess made on ASCII alone is open to doubt (UTF-16 without a BOM is
  // also all bytes below 0x80, but `detectFormat` has already told it apart by its NULs).
  if (complete || 'error' in detected || detected.format !== 'csv') return detected;
  if (detected.encoding !== 'utf-8' || detected.bom || !isAscii(head)) return detected;
  const rest = createReadStream(path, { start: head.length, highWaterMark: SCAN_CHUNK_BYTES });
  const sample = await findNonAsciiSample(rest);
  if (sample === undefined) return detected;
  return { ...detected, encoding: utf8OrWindows1251(sample.bytes, sample.complete) };
}

/**
 * Scans `source` (the file after its head) for the first byte above 0x7F and returns the bytes from
 * there on, up to `ENCODING_SAMPLE_BYTES` (`complete` when the source ended first). Gives up after
 * `limit` bytes without one, and stops reading (closing `source`) as soon as it has its answer.
 * Everything before the first non-ASCII byte is ASCII, so the sample starts on a whole character.
 */
export async function findNonAsciiSample(
  source: AsyncIterable<Uint8Array>,
  limit: number = ENCODING_SCAN_BYTES,
): Promise<{ bytes: Uint8Array; complete: boolean } | undefined> {
  const parts: Uint8Array[] = [];
  let sampled = 0;
  let scanned = 0;
  for await (const chunk of source) {
    if (sampled === 0) {
      const window = chunk.subarray(0, limit - scanned);
      scanned += window.length;
      if (isAscii(window)) {
        if (scanned >= limit) return undefined;
        continue;
      }
      const first = window.findIndex((byte) => byte > 0x7f);
      const part = chunk.subarray(first, first + ENCODING_SAMPLE_BYTES);
      parts.push(part);
      sampled = part.length;
    } else {
      const part = chunk.subarray(0, ENCODING_SAMPLE_BYTES - sampled);
      parts.push(part);
      sampled += part.length;
    }
    if (sampled >= ENCODING_SAMPLE_BYTES) return { bytes: Buffer.concat(parts), complete: false };
  }
  return sampled === 0 ? undefined : { bytes: Buffer.concat(parts), complete: true };
}

function fail(code: DetectionError['code'], message: string): { error: DetectionError } {
  return { error: { code, message } };
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.length <= bytes.length && prefix.every((byte, index) => bytes[index] === byte);
}

function detectEncoding(
  head: Uint8Array,
  complete: boolean,
): { encoding: TextEncodingName; bomLength: number } | undefined {
  if (startsWith(head, [0xef, 0xbb, 0xbf])) return { encoding: 'utf-8', bomLength: 3 };
  if (startsWith(head, [0xff, 0xfe])) return { encoding: 'utf-16le', bomLength: 2 };
  if (startsWith(head, [0xfe, 0xff])) return { encoding: 'utf-16be', bomLength: 2 };

  const utf16 = bomlessUtf16(head);
  if (utf16 !== undefined) return { encoding: utf16, bomLength: 0 };
  if (head.includes(0)) return undefined;

  return { encoding: utf8OrWindows1251(head, complete), bomLength: 0 };
}

/** UTF-8 if `bytes` decode as UTF-8, else Windows-1251. ASCII alone cannot tell them apart: UTF-8. */
function utf8OrWindows1251(bytes: Uint8Array, complete: boolean): 'utf-8' | 'windows-1251' {
  // Bytes cut from a longer file may end inside a multi-byte character; only whole characters count.
  const checked = complete ? bytes : bytes.subarray(0, bytes.length - incompleteUtf8Tail(bytes));
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(checked);
    return 'utf-8';
  } catch {
    // Not UTF-8: Russian Excel saves "CSV (разделители — точка с запятой)" in Windows-1251.
    return 'windows-1251';
  }
}

/**
 * UTF-16 without a BOM: every other byte is the high byte of a code unit, which for Russian and
 * ASCII text is 0x00 (Latin, digits, delimiters) or 0x04 (Cyrillic). NUL must be common there.
 */
function bomlessUtf16(head: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const pairs = Math.floor(Math.min(head.length, 4096) / 2);
  if (pairs < 2) return undefined;
  const highByteShare = (offset: 0 | 1) => {
    let plausible = 0;
    let nul = 0;
    for (let index = 0; index < pairs; index++) {
      const high = head[index * 2 + offset];
      const low = head[index * 2 + 1 - offset];
      if ((high === 0 || high === 0x04) && low !== 0) plausible++;
      if (high === 0) nul++;
    }
    return plausible >= pairs * 0.9 && nul >= pairs * 0.05;
  };
  if (highByteShare(1)) return 'utf-16le';
  if (highByteShare(0)) return 'utf-16be';
  return undefined;
}

/** Number of bytes at the end that start a UTF-8 sequence the head cut short (0–3). */
export function incompleteUtf8Tail(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back]!;
    if ((byte & 0xc0) === 0x80) continue;
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? back : 0;
  }
  return 0;
}

function decodeHead(bytes: Uint8Array, encoding: TextEncodingName): string | undefined {
  try {
    return new TextDecoder(encoding).decode(bytes);
  } catch {
    return undefined;
  }
}

function looksBinary(text: string): boolean {
  let control = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 0) return true;
    const isControl =
      (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) ||
      code === 0x7f ||
      (code >= 0x80 && code < 0xa0);
    if (isControl) control++;
  }
  return control > Math.max(1, text.length * MAX_CONTROL_SHARE);
}

/**
 * Picks the delimiter whose count outside quotes is the same on most of the first lines; more
 * columns breaks ties, then the order of `DELIMITERS` (`;` first: Russian exports use it, and a
 * decimal comma must not win). A file with a single column gets `,`.
 */
function detectDelimiter(text: string, complete: boolean): CsvDelimiter {
  const records = splitRecords(text, complete).slice(0, LINES_FOR_DELIMITER);
  let best: { delimiter: CsvDelimiter; consistency: number; columns: number } | undefined;
  for (const delimiter of DELIMITERS) {
    const counts = records.map((record) => countOutsideQuotes(record, delimiter));
    const mode = modeOf(counts);
    if (mode === 0) continue;
    const consistency = counts.filter((count) => count === mode).length / counts.length;
    if (
      best === undefined ||
      consistency > best.consistency ||
      (consistency === best.consistency && mode > best.columns)
    ) {
      best = { delimiter, consistency, columns: mode };
    }
  }
  return best?.delimiter ?? ',';
}

function splitRecords(text: string, complete: boolean): string[] {
  const records: string[] = [];
  let inQuotes = false;
  let start = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (char === '\n' || char === '\r')) {
      if (index > start) records.push(text.slice(start, index));
      start = index + 1;
    }
  }
  // The last piece of a truncated head is a partial line whose counts would mislead.
  if (start < text.length && (complete || records.length === 0)) records.push(text.slice(start));
  return records;
}

function countOutsideQuotes(record: string, delimiter: CsvDelimiter): number {
  let count = 0;
  let inQuotes = false;
  for (const char of record) {
    if (char === '"') inQuotes = !inQuotes;
    else if (!inQuotes && char === delimiter) count++;
  }
  return count;
}

function modeOf(values: readonly number[]): number {
  const frequency = new Map<number, number>();
  let mode = 0;
  let modeFrequency = 0;
  for (const value of values) {
    const seen = (frequency.get(value) ?? 0) + 1;
    frequency.set(value, seen);
    if (seen > modeFrequency || (seen === modeFrequency && value > mode)) {
      mode = value;
      modeFrequency = seen;
    }
  }
  return mode;
}
