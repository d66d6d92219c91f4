import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Executor, getImportById, readImportFile } from '@cb/db';

/** Where spooled import files live unless told otherwise. */
export const defaultSpoolDir = () => join(tmpdir(), 'cb-imports');

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Writes the import's stored file (`import_file_chunks`) to a local file and returns its path, so
 * the readers can stream and seek it. A file already there with the same size and sha256 is reused
 * (a resumed run does not copy it again); a partial one is replaced. Written under a temporary name
 * and renamed, so a killed spool never leaves a file that looks complete.
 */
export async function spoolImportFile(
  db: Executor,
  importId: string,
  dir = defaultSpoolDir(),
): Promise<string> {
  const row = await getImportById(db, importId);
  if (!row) throw new Error(`Import ${importId} not found`);
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${importId}.${row.file.format}`);
  const existing = await stat(path).catch(() => null);
  if (existing?.size === row.fileSize && (await sha256Of(path)) === row.sha256) return path;
  const partial = `${path}.${process.pid}.part`;
  try {
    await pipeline(Readable.from(readImportFile(db, importId)), createWriteStream(partial));
    const written = await stat(partial);
    if (written.size !== row.fileSize) {
      throw new Error(`Import ${importId}: stored file has ${written.size} bytes, expected ${row.fileSize}`);
    }
    await rename(partial, path);
  } finally {
    await rm(partial, { force: true });
  }
  return path;
}

/** Removes the spooled file of an import (after it completed or was undone). */
export async function removeSpooledFile(
  importId: string,
  format: string,
  dir = defaultSpoolDir(),
): Promise<void> {
  await rm(join(dir, `${importId}.${format}`), { force: true });
}
