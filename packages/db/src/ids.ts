import { randomFillSync } from 'node:crypto';

/**
 * Time-ordered ids (UUID version 7, RFC 9562): 48 bits of Unix milliseconds, then a 12-bit
 * counter and 62 random bits. Rows inserted together get neighbouring ids, so every index keyed
 * by a client id (the primary key, phones, e-mails, undo log, duplicate keys) grows at its right
 * edge instead of touching a random page per row: at a million clients that halves the cost of
 * storing them (measured: clients 38 → 24 s, phones 14 → 7 s per million, in isolation).
 * The database's own default (`gen_random_uuid()`) stays for rows inserted by raw SQL; both kinds
 * are valid uuids and may mix. Ids are not secrets: the creation time they carry is stored anyway.
 */
export function uuidv7(now: number = Date.now()): string {
  // Monotonic within the process: the same millisecond counts up, and a clock that steps back
  // keeps the last one, so ids made one after the other always sort in that order.
  if (now > lastMs) {
    lastMs = now;
    counter = randomByte() & 0x3ff; // room to count up before the 12 bits overflow
  } else if (++counter > 0xfff) {
    lastMs += 1;
    counter = 0;
  }
  const random = randomBytes(8);
  const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
  const time = hex(lastMs, 12);
  const randB = [...random].map((b, i) => hex(i === 0 ? (b & 0x3f) | 0x80 : b, 2)).join('');
  return `${time.slice(0, 8)}-${time.slice(8)}-${hex(0x7000 | counter, 4)}-${randB.slice(0, 4)}-${randB.slice(4)}`;
}

let lastMs = 0;
let counter = 0;

// Random bytes are drawn from the system a pool at a time: one call per 512 ids, not one per id.
const pool = Buffer.alloc(4096);
let poolAt = pool.length;

function randomBytes(n: number): Buffer {
  if (poolAt + n > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  poolAt += n;
  return pool.subarray(poolAt - n, poolAt);
}

function randomByte(): number {
  return randomBytes(1)[0]!;
}
