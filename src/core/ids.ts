/**
 * Queue ids: short, unique, sortable by time, safe as file names (no `/`, no `.`).
 * The random source is injected so tests can fix it.
 */
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789BCDFGHJKLMNPQRSTVWXZbcdfghjklmnpqrstvwxz';

export type RandomSource = (n: number) => Buffer;

/** 10 characters of time (ms, base 50) and 8 of randomness. */
export function newQueueId(now: number = Date.now(), random: RandomSource = randomBytes): string {
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
