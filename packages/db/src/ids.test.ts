import { describe, expect, it } from 'vitest';
import { uuidv7 } from './ids.ts';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidv7', () => {
  it('is a version 7, RFC 9562 variant uuid carrying the time in its first 48 bits', () => {
    const at = Date.UTC(2026, 10, 23, 8, 0, 0);
    const id = uuidv7(at);
    expect(id).toMatch(UUID_V7);
    expect(Number.parseInt(id.replace('-', '').slice(0, 12), 16)).toBeGreaterThanOrEqual(at);
  });

  it('sorts in the order it was made, within a millisecond and when the clock steps back', () => {
    const at = Date.UTC(2030, 0, 1);
    const ids = [
      ...Array.from({ length: 5_000 }, () => uuidv7(at)), // more than the 12-bit counter holds
      ...Array.from({ length: 10 }, () => uuidv7(at - 60_000)),
      ...Array.from({ length: 10 }, (_, i) => uuidv7(at + 10_000 + i)),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(UUID_V7);
    expect([...ids].sort()).toEqual(ids);
  });
});
