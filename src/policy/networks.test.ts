import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { networkSet, sameAddress, unmapIPv4 } from './networks.js';

describe('networkSet', () => {
  const nets = networkSet(['127.0.0.1/32', '::1/128', '10.0.0.0/8', '2001:db8::/32', '192.0.2.7']);
  for (const [ip, want] of [
    ['127.0.0.1', true],
    ['::ffff:127.0.0.1', true],
    ['127.0.0.2', false],
    ['::ffff:127.0.0.2', false],
    ['::1', true],
    ['0:0:0:0:0:0:0:1', true],
    ['::2', false],
    ['10.255.1.2', true],
    ['11.0.0.1', false],
    ['2001:db8:ffff::1', true],
    ['2001:db9::1', false],
    ['192.0.2.7', true],
    ['192.0.2.8', false],
    ['not-an-ip', false],
    ['', false],
  ] as const) {
    it(`${ip || '(empty)'} is ${want ? '' : 'not '}trusted`, () => assert.equal(nets.has(ip), want));
  }
  it('refuses malformed networks at build time', () => {
    for (const bad of ['127.0.0.1/33', '::1/129', '10.0.0.0/x', 'example.test/8', '1.2.3.4/8/9']) {
      assert.throws(() => networkSet([bad]), /\S/, bad);
    }
  });
  it('unmaps IPv4-mapped IPv6 and compares notations', () => {
    assert.equal(unmapIPv4('::FFFF:192.0.2.1'), '192.0.2.1');
    assert.equal(sameAddress('::ffff:127.0.0.1', '127.0.0.1'), true);
    assert.equal(sameAddress('::1', '0:0::1'), true);
    assert.equal(sameAddress('127.0.0.1', '127.0.0.2'), false);
  });
});
