import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { CsvError, type Info, type Options, Parser } from 'csv-parse';
import type { DetectedCsv, TextEncodingName } from './detect.ts';
import { ImportReadError } from './errors.ts';

export type ByteSource = AsyncIterable<Uint8Array> | Readable;

export interface CsvReadOptions {
  /**
   * Upper bound on one row (and so on any field in it). A longer row stops the read with
   * `row_too_large` once about this much is buffered, so memory stays bounded even for a 100 MB
   * line. csv-parse counts the field being read in bytes and earlier fields of the row in UTF-16
   * units, so a Cyrillic row may reach up to twice this in bytes. Default 1 MiB.
   */
  maxRowBytes?: number;
}

export const DEFAULT_MAX_ROW_BYTES = 1024 * 1024;

/**
 * Where to continue after a killed import. Commit the `resume` of the last row written to the
 * database together with that row; `readCsvFrom` then yields exactly the rows after it.
 */
export interface CsvResumePoint {
  /** Byte offset in the file just past the row (and its line break): where the next row starts. */
  byteOffset: number;
  /** Data row number of the last committed row (0 = only the header was consumed). */
  rowNumber: number;
  /** Physical line the last committed row ended on; keeps later line numbers right. */
  line: number;
}

export interface CsvRow {
  row: string[];
  /** 1-based data row number; the header is not counted. */
  rowNumber: number;
  /** 1-based physical line the row starts on (rows may span lines inside quotes). */
  line: number;
  /** Byte offset in the file where the row starts (after skipped blank lines, if any). */
  byteOffset: number;
  resume: CsvResumePoint;
}

export interface CsvReader {
  header: string[];
  /** Resume point that skips only the header: what to store before any row is committed. */
  afterHeader: CsvResumePoint;
  rows: AsyncIterable<CsvRow>;
}

/**
 * Reads a CSV from its first byte: the first record becomes `header`, the rest stream as `rows`.
 * Decoding happens per field on raw bytes, so byte offsets are exact in every encoding and memory
 * does not grow with the file. Throws (and `rows` rejects with) `ImportReadError` only.
 * Iterate `rows` to the end (or break out of the loop): that is what closes `source`.
 */
export async function readCsv(
  source: ByteSource,
  detected: DetectedCsv,
  options: CsvReadOptions = {},
): Promise<CsvReader> {
  const start: CsvResumePoint = { byteOffset: detected.bomLength, rowNumber: -1, line: 0 };
  const records = parseRecords(source, detected, start, options, detected.bomLength)[Symbol.asyncIterator]();
  const first = await records.next();
  if (first.done) {
    const afterHeader = { byteOffset: detected.bomLength, rowNumber: 0, line: 0 };
    return { header: [], afterHeader, rows: emptyRows() };
  }
  const header = first.value;
  const afterHeader = { ...header.resume, rowNumber: 0 };
  return { header: header.row, afterHeader, rows: { [Symbol.asyncIterator]: () => records } };
}

/**
 * Continues a CSV after a resume point. `source` must start at `from.byteOffset` of the file
 * (e.g. `createReadStream(path, { start: from.byteOffset })`, as `readCsvFileFrom` does).
 */
export function readCsvFrom(
  source: ByteSource,
  detected: DetectedCsv,
  from: CsvResumePoint,
  options: CsvReadOptions = {},
): AsyncIterable<CsvRow> {
  return parseRecords(source, detected, from, options, 0);
}

export function readCsvFile(path: string, detected: DetectedCsv, options?: CsvReadOptions) {
  return readCsv(createReadStream(path), detected, options);
}

export function readCsvFileFrom(
  path: string,
  detected: DetectedCsv,
  from: CsvResumePoint,
  options?: CsvReadOptions,
): AsyncIterable<CsvRow> {
  return readCsvFrom(createReadStream(path, { start: from.byteOffset }), detected, from, options);
}

async function* emptyRows(): AsyncGenerator<CsvRow> {}

/** Node's csv-parse works on bytes in one of Buffer's encodings; this is how each source fits. */
const PARSE_ENCODING: Record<TextEncodingName, BufferEncoding> = {
  'utf-8': 'utf8',
  // Latin-1 maps each byte to one char losslessly; `fromWindows1251` then maps it to Cyrillic.
  'windows-1251': 'latin1',
  'utf-16le': 'utf16le',
  // Swapped to little-endian on the way in (length-preserving, so offsets stay file offsets).
  'utf-16be': 'utf16le',
};

/** A record with the parser's position right after it (its line break included). */
type ParsedRecord = { record: string[]; bytes: number; emptyLines: number };

/**
 * csv-parse's engine, under its Node stream wrapper. Driven directly because the wrapper destroys
 * itself on an error and drops the records parsed before it in the same chunk, and because a pull
 * loop gives backpressure for free: at most one source chunk's records are held at a time.
 */
interface CsvParseEngine {
  /** Live counters; read in `push` they describe the record being pushed. */
  readonly info: Info;
  parse(
    chunk: Buffer | undefined,
    end: boolean,
    push: (record: string[]) => void,
    close: () => void,
  ): Error | undefined;
}

function createEngine(options: Options): CsvParseEngine {
  const engine = (new Parser(options) as unknown as { api?: CsvParseEngine }).api;
  if (typeof engine?.parse !== 'function') throw new Error('csv-parse no longer exposes its parsing engine');
  return engine;
}

async function* parseRecords(
  source: ByteSource,
  detected: DetectedCsv,
  from: CsvResumePoint,
  options: CsvReadOptions,
  skipBytes: number,
): AsyncGenerator<CsvRow> {
  const maxRowBytes = options.maxRowBytes ?? DEFAULT_MAX_ROW_BYTES;
  const engine = createEngine({
    delimiter: detected.delimiter,
    encoding: PARSE_ENCODING[detected.encoding],
    bom: false,
    // Fixed rather than auto-discovered: discovery locks onto the first kind it sees, and files
    // glued together from several exports mix CRLF and LF.
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    max_record_size: maxRowBytes,
  });
  const toText = detected.encoding === 'windows-1251' ? fromWindows1251 : identity;
  let previous = from;
  // csv-parse's own `lines` counts a CRLF inside quotes twice, so lines are derived from the
  // fields' line breaks plus the blank lines it skipped.
  let emptyLinesSeen = 0;
  const toRow = ({ record, bytes, emptyLines }: ParsedRecord): CsvRow => {
    const row = record.map(toText);
    const line = previous.line + 1 + (emptyLines - emptyLinesSeen);
    emptyLinesSeen = emptyLines;
    const rowNumber = previous.rowNumber + 1;
    const resume = { byteOffset: from.byteOffset + bytes, rowNumber, line: line + lineBreaksIn(row) };
    const parsed = { row, rowNumber, line, byteOffset: previous.byteOffset, resume };
    previous = resume;
    return parsed;
  };

  const bytes = prepareBytes(source, skipBytes, detected.encoding === 'utf-16be');
  let pending: ParsedRecord[] = [];
  // Cheaper than csv-parse's `info: true`, which copies every counter into each record.
  const push = (record: string[]) =>
    pending.push({ record, bytes: engine.info.bytes, emptyLines: engine.info.empty_lines });
  const ignoreClose = () => {};
  try {
    for (;;) {
      let next: IteratorResult<Buffer>;
      try {
        next = await bytes.next();
      } catch (error) {
        throw toImportError(error, previous, maxRowBytes);
      }
      const failure = engine.parse(next.done ? undefined : next.value, next.done === true, push, ignoreClose);
      const parsed = pending;
      pending = [];
      for (const record of parsed) yield toRow(record);
      if (failure !== undefined) throw toImportError(failure, previous, maxRowBytes);
      if (next.done) return;
    }
  } finally {
    await bytes.return(undefined);
  }
}

async function* prepareBytes(
  source: ByteSource,
  skipBytes: number,
  swapPairs: boolean,
): AsyncGenerator<Buffer> {
  let toSkip = skipBytes;
  let carry: number | undefined;
  for await (const raw of source as AsyncIterable<Uint8Array>) {
    let chunk = raw instanceof Uint8Array ? raw : Buffer.from(raw);
    if (toSkip > 0) {
      const skipped = Math.min(toSkip, chunk.length);
      chunk = chunk.subarray(skipped);
      toSkip -= skipped;
    }
    if (swapPairs) {
      const joined: Uint8Array = carry === undefined ? chunk : Buffer.concat([Uint8Array.of(carry), chunk]);
      const even = joined.length - (joined.length % 2);
      carry = even < joined.length ? joined[even] : undefined;
      const swapped = Buffer.from(joined.subarray(0, even));
      swapped.swap16();
      chunk = swapped;
    }
    if (chunk.length > 0) yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
  }
  // A dangling odd byte of UTF-16 decodes to U+FFFD, as a decoder would do.
  if (carry !== undefined) yield Buffer.from([carry]);
}

function identity(text: string): string {
  return text;
}

const WINDOWS_1251 = new TextDecoder('windows-1251').decode(Uint8Array.from({ length: 256 }, (_, i) => i));

function fromWindows1251(latin1: string): string {
  // Pure ASCII is the common case and identical in both encodings.
  if (!/[\x80-\xff]/.test(latin1)) return latin1;
  let text = '';
  for (let index = 0; index < latin1.length; index++) text += WINDOWS_1251[latin1.charCodeAt(index)];
  return text;
}

function lineBreaksIn(row: readonly string[]): number {
  let breaks = 0;
  for (const field of row) {
    if (!field.includes('\n') && !field.includes('\r')) continue;
    breaks += field.match(/\r\n|\r|\n/g)?.length ?? 0;
  }
  return breaks;
}

function toImportError(error: unknown, last: CsvResumePoint, maxRowBytes: number): ImportReadError {
  if (error instanceof ImportReadError) return error;
  const position = { rowNumber: last.rowNumber + 1, byteOffset: last.byteOffset };
  if (error instanceof CsvError) {
    const line = last.line + 1;
    if (error.code === 'CSV_MAX_RECORD_SIZE') {
      return new ImportReadError(
        {
          code: 'row_too_large',
          message: `Row ${describeRow(position.rowNumber)} (line ${line}) is longer than ${maxRowBytes} bytes; the file may use an unclosed quote or not be a table.`,
          ...position,
          line,
        },
        { cause: error },
      );
    }
    return new ImportReadError(
      {
        code: 'malformed_csv',
        message: `Row ${describeRow(position.rowNumber)} (line ${line}) cannot be read: ${error.message}`,
        ...position,
        line,
      },
      { cause: error },
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ImportReadError(
    { code: 'read_failed', message: `Reading the file failed: ${message}`, ...position },
    { cause: error },
  );
}

function describeRow(rowNumber: number): string {
  return rowNumber === 0 ? '0 (the header)' : String(rowNumber);
}
