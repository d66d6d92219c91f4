import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { getImport, iterateImportErrors } from '@cb/db';
import { csvRow } from '@cb/domain';
import { ImportReadError, registerImport } from '@cb/worker';
import busboy from 'busboy';
import type { Hono } from 'hono';
import { type Ctx, type HttpDeps, httpWorkspace, problem, type Vars } from './common.ts';

/** The upload limit when the app is given none (`CB_IMPORT_MAX_BYTES`). */
export const DEFAULT_IMPORT_MAX_BYTES = 2 * 1024 ** 3;
const FILE_NAME_MAX = 255;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What the import routes read beyond the common HTTP deps. */
export type ImportHttpDeps = HttpDeps & {
  /** Largest accepted upload in bytes (default 2 GiB); more is refused with 413. */
  importMaxBytes?: number;
};

type Received = { path: string; fileName: string; size: number; sheet: string | null };
/** Why an upload was refused, before the file was even looked at. */
type Refusal = { status: 400 | 413; field: 'file' | 'sheet'; code: string; message: string };

/** `POST /api/imports` (upload) and `GET /api/imports/:id/errors.csv`. */
export function importRoutes(app: Hono<Vars>, deps: ImportHttpDeps): void {
  app.post('/api/imports', (c) => upload(c, deps));
  app.get('/api/imports/:id/errors.csv', (c) => errorReport(c, deps));
}

/**
 * Streams the file to a private temp folder (never whole in memory), then registers it: the file
 * is inspected (format, encoding, headers, sample) and stored in the database, so any worker can
 * run it. The temp folder is removed whatever happens.
 */
async function upload(c: Ctx, deps: ImportHttpDeps): Promise<Response> {
  const access = await httpWorkspace(c, deps, 'manager');
  if (access instanceof Response) return access;
  const maxBytes = deps.importMaxBytes ?? DEFAULT_IMPORT_MAX_BYTES;
  const declared = Number(c.req.header('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes + MULTIPART_OVERHEAD)
    return refuse(c, tooLarge(maxBytes));

  const dir = await mkdtemp(join(deps.tempDir ?? tmpdir(), 'cb-upload-'));
  try {
    const contentType = c.req.header('content-type') ?? '';
    const received = /^multipart\/form-data/i.test(contentType)
      ? await receiveMultipart(c.req.raw, contentType, dir, maxBytes)
      : await receiveRaw(c, dir, maxBytes);
    if ('status' in received) return refuse(c, received);
    if (received.size === 0) {
      return refuse(c, {
        status: 400,
        field: 'file',
        code: 'empty',
        message: 'The file is empty (0 bytes).',
      });
    }
    const sheet = c.req.query('sheet') ?? received.sheet;
    let row: Awaited<ReturnType<typeof registerImport>>;
    try {
      row = await registerImport(deps.database, access.ws.mutation, {
        path: received.path,
        fileName: received.fileName,
        ...(sheet ? { sheet } : {}),
      });
    } catch (error) {
      if (error instanceof ImportReadError) {
        return refuse(c, {
          status: 400,
          field: error.code === 'sheet_not_found' ? 'sheet' : 'file',
          code: error.code,
          message: error.message,
        });
      }
      throw error;
    }
    return c.json({ importId: row.id }, 201);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Multipart framing around the file itself: the declared length may exceed the file by this much. */
const MULTIPART_OVERHEAD = 64 * 1024;

function refuse(c: Ctx, r: Refusal): Response {
  return problem(c, r.status, r.message, [{ field: r.field, code: r.code, message: r.message }]);
}

function tooLarge(maxBytes: number): Refusal {
  const size =
    maxBytes >= 1024 ** 3
      ? `${+(maxBytes / 1024 ** 3).toFixed(1)} GiB`
      : `${+(maxBytes / 1024 ** 2).toFixed(1)} MiB`;
  return {
    status: 413,
    field: 'file',
    code: 'too_large',
    message: `The file is larger than the ${size} an import may be; split it into parts.`,
  };
}

/** A file name as given by the browser or caller: no folders, no control characters, bounded. */
export function cleanFileName(raw: string | null | undefined): string {
  let name = raw ?? '';
  try {
    // `X-File-Name` can only carry Latin-1, so clients percent-encode Cyrillic names.
    if (/%[0-9a-f]{2}/i.test(name)) name = decodeURIComponent(name);
  } catch {
    // Not percent-encoding after all: keep it as given.
  }
  name = (name.split(/[/\\]/).pop() ?? '')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim()
    .slice(0, FILE_NAME_MAX);
  return name || 'upload';
}

/** The raw body is the file: `?name=` or `X-File-Name` names it. */
async function receiveRaw(c: Ctx, dir: string, maxBytes: number): Promise<Received | Refusal> {
  const fileName = cleanFileName(c.req.query('name') ?? c.req.header('x-file-name'));
  const path = join(dir, 'upload');
  const body = c.req.raw.body;
  let size = 0;
  let over = false;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > maxBytes) {
        over = true;
        done(new Error('upload too large'));
      } else done(null, chunk);
    },
  });
  try {
    const source = body ? Readable.fromWeb(body as NodeReadableStream<Uint8Array>) : Readable.from([]);
    await pipeline(source, limit, createWriteStream(path));
  } catch {
    if (over) return tooLarge(maxBytes);
    return interrupted();
  }
  return { path, fileName, size, sheet: null };
}

function interrupted(): Refusal {
  return {
    status: 400,
    field: 'file',
    code: 'upload_interrupted',
    message: 'The upload was interrupted or its form data is malformed; send the file again.',
  };
}

/** `multipart/form-data` with the file in the field `file` (and optionally `sheet`). */
function receiveMultipart(
  request: Request,
  contentType: string,
  dir: string,
  maxBytes: number,
): Promise<Received | Refusal> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (value: Received | Refusal) => {
      if (settled) return;
      settled = true;
      resolve(value);
    };
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: { 'content-type': contentType },
        defParamCharset: 'utf8',
        limits: { files: 1, fileSize: maxBytes, fields: 10, parts: 20, fieldSize: 1024 },
      });
    } catch {
      finish(interrupted());
      return;
    }
    const source = request.body
      ? Readable.fromWeb(request.body as NodeReadableStream<Uint8Array>)
      : Readable.from([]);
    let written: Promise<Received | Refusal> | null = null;
    let sheet: string | null = null;

    parser.on('file', (name, stream, info) => {
      if (name !== 'file' || written) {
        stream.resume();
        return;
      }
      const path = join(dir, 'upload');
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
      });
      stream.on('limit', () => {
        // Stop reading the rest of an oversized body instead of draining it.
        source.unpipe(parser);
        source.destroy();
        finish(tooLarge(maxBytes));
      });
      written = pipeline(stream, createWriteStream(path)).then(
        (): Received | Refusal =>
          stream.truncated
            ? tooLarge(maxBytes)
            : { path, fileName: cleanFileName(info.filename), size, sheet },
        () => interrupted(),
      );
    });
    parser.on('field', (name, value) => {
      if (name === 'sheet' && value) sheet = value;
    });
    parser.on('close', () => {
      if (!written) {
        finish({
          status: 400,
          field: 'file',
          code: 'missing',
          message: 'No file was sent: put it in the form field "file", or send it as the request body.',
        });
        return;
      }
      written.then((r) => finish('status' in r ? r : { ...r, sheet: r.sheet ?? sheet }));
    });
    parser.on('error', () => finish(interrupted()));
    source.on('error', () => finish(interrupted()));
    source.pipe(parser);
  });
}

/**
 * The error report as CSV (UTF-8 with BOM, so Excel reads Cyrillic), streamed page by page; every
 * cell escaped so a value such as `=1+1` opens as text, not as a formula.
 */
async function errorReport(c: Ctx, deps: ImportHttpDeps): Promise<Response> {
  const access = await httpWorkspace(c, deps, 'viewer');
  if (access instanceof Response) return access;
  const id = c.req.param('id') ?? '';
  const found = UUID.test(id) ? await getImport(deps.database.db, access.ws.id, id) : null;
  if (!found) return problem(c, 404, 'No such import');
  const dryRun = ['1', 'true', 'yes'].includes(c.req.query('dryRun') ?? '');
  const errors = iterateImportErrors(deps.database.db, found.id, { dryRun })[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  let started = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(
          encoder.encode(`\uFEFF${csvRow(['row', 'column', 'header', 'value', 'code', 'message'])}\r\n`),
        );
        return;
      }
      // Up to a page of lines per pull keeps the stream fast without holding the report in memory.
      let text = '';
      for (let lines = 0; lines < 500; lines++) {
        const next = await errors.next();
        if (next.done) {
          if (text) controller.enqueue(encoder.encode(text));
          controller.close();
          return;
        }
        const e = next.value;
        text += `${csvRow([
          String(e.row),
          e.column === null || e.column === undefined ? '' : String(e.column + 1),
          e.header ?? '',
          e.value ?? '',
          e.code,
          e.message,
        ])}\r\n`;
      }
      controller.enqueue(encoder.encode(text));
    },
    async cancel() {
      await errors.return?.(undefined);
    },
  });
  const base = found.fileName.replace(/\.[^.]{1,5}$/, '') || 'import';
  const fileName = `${base}${dryRun ? '-dry-run' : ''}-errors.csv`;
  return c.body(body, 200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': contentDisposition(fileName),
    'cache-control': 'no-store',
  });
}

/** `attachment` with an ASCII fallback name and the real (Cyrillic) one per RFC 6266 / 5987. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
