import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newQueueId, pooledRandomBytes } from './ids.js';

test('queue ids sort by time and are safe as file names', () => {
  const a = newQueueId(1_000_000);
  const b = newQueueId(2_000_000);
  assert.equal(a.length, 18);
  assert.ok(a < b);
  assert.match(a, /^[0-9A-Za-z]+$/);
  assert.notEqual(newQueueId(1_000_000), a);
});

test('pooled random octets never repeat a slice and refill past the pool', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const b = pooledRandomBytes(8);
    assert.equal(b.length, 8);
    seen.add(b.toString('hex'));
  }
  assert.equal(seen.size, 2000);
  assert.equal(pooledRandomBytes(5000).length, 5000);
});
