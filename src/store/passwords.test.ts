/**
 * Passwords: argon2id round trip, wrong passwords refused, and an unknown user costing about
 * as much time as a known one (the dummy hash has the same parameters).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryDirectoryStore } from './memory/directory.js';
import { ARGON2_PARAMS, authenticateUser, DUMMY_HASH, hashPassword, verifyPassword } from './passwords.js';

test('hashes with argon2id and the configured parameters, and verifies', async () => {
  const h = await hashPassword('correct horse');
  const { memoryCost: m, timeCost: t, parallelism: p } = ARGON2_PARAMS;
  assert.match(h, new RegExp(`^\\$argon2id\\$v=19\\$m=${m},t=${t},p=${p}\\$`));
  assert.equal(await verifyPassword(h, 'correct horse'), true);
  assert.equal(await verifyPassword(h, 'correct horsE'), false);
});

test('the dummy hash uses the same parameters as new hashes', async () => {
  const h = await hashPassword('x');
  assert.equal(DUMMY_HASH.split('$').slice(0, 4).join('$'), h.split('$').slice(0, 4).join('$'));
});

test('an unknown user and a malformed stored hash verify as false', async () => {
  assert.equal(await verifyPassword(null, ''), false);
  assert.equal(await verifyPassword('not a hash', 'x'), false);
});

test('an unknown login takes about as long as a known one', async () => {
  const dir = new MemoryDirectoryStore();
  await dir.addDomain('example.test');
  await dir.addUser({ address: 'a@example.test', passwordHash: await hashPassword('pw') });
  assert.equal((await authenticateUser(dir, 'A@example.test', 'pw'))?.address, 'a@example.test');
  // One check at a time, known and unknown in turn, and the fastest of each: the least a check
  // costs, which contention from other processes can only raise, never lower.
  const once = async (login: string): Promise<number> => {
    const t0 = performance.now();
    assert.equal(await authenticateUser(dir, login, 'wrong'), null);
    return performance.now() - t0;
  };
  await once('a@example.test'); // warm up
  let known = Number.POSITIVE_INFINITY;
  let unknown = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 12; i++) {
    known = Math.min(known, await once('a@example.test'));
    unknown = Math.min(unknown, await once('nobody@example.test'));
  }
  const ratio = unknown / known;
  // skipping the hash for unknown users would make this ratio about 0.01; the bounds leave room for a busy machine
  assert.ok(ratio > 0.5 && ratio < 2.5, `unknown/known time ratio ${ratio.toFixed(2)} (${unknown} / ${known} ms)`);
});
