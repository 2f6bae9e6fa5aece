/**
 * Queue ids: short, unique, sortable by time, safe as file names (no `/`, no `.`).
 * The random source is injected so tests can fix it.
 */
import { randomBytes, randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789BCDFGHJKLMNPQRSTVWXZbcdfghjklmnpqrstvwxz';

export type RandomSource = (n: number) => Buffer;

const POOL = Buffer.alloc(4096);
let poolAt = POOL.length;

/**
 * Random octets cut from a pool refilled 4 KiB at a time (as crypto.randomUUID does): one
 * CSPRNG call per few hundred ids instead of one each. For ids, not for keys or secrets.
 */
export function pooledRandomBytes(n: number): Buffer {
  if (n > POOL.length) return randomBytes(n);
  if (poolAt + n > POOL.length) {
    randomFillSync(POOL);
    poolAt = 0;
  }
  const out = Buffer.from(POOL.subarray(poolAt, poolAt + n));
  poolAt += n;
  return out;
}

/** 10 characters of time (ms, base 50) and 8 of randomness. */
export function newQueueId(now: number = Date.now(), random: RandomSource = pooledRandomBytes): string {
  let t = '';
  let n = Math.floor(now);
  for (let i = 0; i < 10; i++) {
    t = ALPHABET[n % ALPHABET.length] + t;
    n = Math.floor(n / ALPHABET.length);
  }
  let r = '';
  for (const b of random(8)) r += ALPHABET[b % ALPHABET.length];
  return t + r;
}
