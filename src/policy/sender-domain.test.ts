/**
 * The sender domain verdict from the three DNS answers, the hard timeout and the cache.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../core/clock.js';
import { judge, senderDomainChecker } from './sender-domain.js';
import { DNS, scriptedResolver } from './test-world.js';

const ok = <T>(value: T) => ({ ok: true as const, value });
const err = (code: string) => ({ ok: false as const, code });

describe('judge', () => {
  const table: [string, Parameters<typeof judge>, ReturnType<typeof judge>][] = [
    ['an MX', [ok([{ exchange: 'mx.x.test', priority: 10 }]), err('ETIMEOUT'), err('ETIMEOUT')], { kind: 'exists' }],
    ['only AAAA', [err('ENODATA'), err('ENODATA'), ok(['2001:db8::1'])], { kind: 'exists' }],
    [
      'a null MX even with an A',
      [ok([{ exchange: '', priority: 0 }]), ok(['192.0.2.1']), err('ENODATA')],
      { kind: 'missing', why: 'null-mx' },
    ],
    [
      'NXDOMAIN beside a timeout',
      [err('ENOTFOUND'), err('ETIMEOUT'), err('ESERVFAIL')],
      { kind: 'missing', why: 'nxdomain' },
    ],
    ['no records at all', [err('ENODATA'), err('ENODATA'), err('ENODATA')], { kind: 'missing', why: 'no-records' }],
    [
      'no data and a SERVFAIL',
      [err('ENODATA'), err('ESERVFAIL'), err('ENODATA')],
      { kind: 'unknown', why: 'ESERVFAIL' },
    ],
    [
      'no DNS server',
      [err('ECONNREFUSED'), err('ECONNREFUSED'), err('ECONNREFUSED')],
      { kind: 'unknown', why: 'ECONNREFUSED,ECONNREFUSED,ECONNREFUSED' },
    ],
  ];
  for (const [name, args, want] of table) {
    it(`${name} → ${want.kind}`, () => assert.deepEqual(judge(...args), want));
  }
});

describe('senderDomainChecker', () => {
  it('gives up after timeout_ms when DNS never answers', async () => {
    const c = senderDomainChecker({
      resolver: scriptedResolver(DNS),
      clock: new FakeClock(),
      timeoutMs: 100,
      cacheMs: 0,
    });
    const t0 = performance.now();
    assert.deepEqual(await c.check('hang.test'), { kind: 'unknown', why: 'ETIMEOUT,ETIMEOUT,ETIMEOUT' });
    assert.ok(performance.now() - t0 < 1000);
  });
  it('caches definite answers for cache_ms, but never failures', async () => {
    const calls: string[] = [];
    const clock = new FakeClock();
    const c = senderDomainChecker({ resolver: scriptedResolver(DNS, calls), clock, timeoutMs: 1000, cacheMs: 60_000 });
    await c.check('remote.test');
    await c.check('REMOTE.test');
    assert.equal(calls.filter((x) => x === 'mx remote.test').length, 1);
    clock.advance(60_001);
    await c.check('remote.test');
    assert.equal(calls.filter((x) => x === 'mx remote.test').length, 2);
    await c.check('servfail.test');
    await c.check('servfail.test');
    assert.equal(calls.filter((x) => x === 'mx servfail.test').length, 2);
  });
});
