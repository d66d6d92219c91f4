import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `/work/shared` (or wherever `shared/data` lives), found by walking up from this file. */
export function findSharedData(name: string): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(directory, 'shared', 'data', name);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(directory);
    if (parent === directory) break;
    directory = parent;
  }
  // A checkout elsewhere (a CI clone in /tmp) finds the machine's shared data by its known place.
  for (const shared of [process.env.CB_SHARED_DIR, '/work/shared']) {
    if (shared && existsSync(join(shared, 'data', name))) return join(shared, 'data', name);
  }
  throw new Error(
    `Test data "shared/data/${name}" not found in any parent of ${import.meta.url}, in CB_SHARED_DIR or in /work/shared`,
  );
}

const CP1251_CYRILLIC_START = 0xc0; // А..я are contiguous from 0xC0 in Windows-1251.

/** Windows-1251 bytes for ASCII and Russian text (Node's TextEncoder only writes UTF-8). */
export function encodeWindows1251(text: string): Uint8Array {
  return Uint8Array.from(text, (char) => {
    const code = char.codePointAt(0)!;
    if (code < 0x80) return code;
    if (code >= 0x410 && code <= 0x44f) return CP1251_CYRILLIC_START + (code - 0x410);
    if (code === 0x401) return 0xa8; // Ё
    if (code === 0x451) return 0xb8; // ё
    if (code === 0x2116) return 0xb9; // №
    throw new Error(`No Windows-1251 byte for ${JSON.stringify(char)} in this test encoder`);
  });
}

export async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}
