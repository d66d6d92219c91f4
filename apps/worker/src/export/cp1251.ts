/**
 * Windows-1251 (the code page of Russian Excel): Node decodes it (`TextDecoder`) but only encodes
 * UTF-8, so exports encode it here. Bytes 0x00–0x7F are ASCII; 0x80–0xFF follow this table.
 */
const HIGH_HALF =
  'ЂЃ‚ѓ„…†‡€‰Љ‹ЊЌЋЏ' +
  'ђ‘’“”•–—\u0098™љ›њќћџ' +
  '\u00a0ЎўЈ¤Ґ¦§Ё©Є«¬\u00ad®Ї' +
  '°±Ііґµ¶·ё№є»јЅѕї' +
  'АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ' +
  'абвгдежзийклмнопрстуфхцчшщъыьэюя';

/** Byte of every UTF-16 code unit; 0 where the code page has none (NUL itself is ASCII, below). */
const byteOf = new Uint8Array(0x10000);
for (let code = 0; code < 0x80; code++) byteOf[code] = code;
[...HIGH_HALF].forEach((char, i) => {
  byteOf[char.charCodeAt(0)] = 0x80 + i;
});

/** Written for a character the code page has no byte for (emoji, Latin letters with accents…). */
export const CP1251_REPLACEMENT = 0x3f; // '?'

/**
 * Encodes text as Windows-1251. A character with no byte in the code page becomes `?` (one per
 * character, surrogate pairs included): the file stays readable, and the count says how many.
 */
export function encodeCp1251(text: string): { bytes: Buffer; replaced: number } {
  const bytes = Buffer.allocUnsafe(text.length);
  let length = 0;
  let replaced = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const byte = byteOf[unit]!;
    if (byte !== 0 || unit === 0) {
      bytes[length++] = byte;
      continue;
    }
    // A surrogate pair is one character: one `?`.
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i += 1;
    }
    replaced += 1;
    bytes[length++] = CP1251_REPLACEMENT;
  }
  return { bytes: bytes.subarray(0, length), replaced };
}
