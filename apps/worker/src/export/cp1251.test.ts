import { describe, expect, it } from 'vitest';
import { encodeCp1251 } from './cp1251.ts';

describe('encodeCp1251', () => {
  it('agrees with the Windows-1251 decoder on every byte of the code page', () => {
    const decoder = new TextDecoder('windows-1251');
    for (let byte = 0; byte < 256; byte++) {
      const char = decoder.decode(Uint8Array.of(byte));
      expect([...encodeCp1251(char).bytes], `byte 0x${byte.toString(16)} ${char}`).toEqual([byte]);
    }
  });

  it.each([
    ['Съешь же ещё этих мягких французских булок, да выпей чаю. №5 — «ёлка»', 0],
    ['ÀÉ emoji 👍 and 中文', 5],
  ])('encodes %j, replacing %i characters the code page lacks with ?', (text, replaced) => {
    const encoded = encodeCp1251(text);
    expect(encoded.replaced).toBe(replaced);
    const back = new TextDecoder('windows-1251').decode(encoded.bytes);
    expect(back.length).toBe([...text].length);
    if (replaced === 0) expect(back).toBe(text);
    else expect(back).toBe('?? emoji ? and ??');
  });
});
