import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../core/clock.js';
import { LoginLimiter } from './login-limiter.js';

const opts = {
  maxFailuresPerIp: 5,
  maxFailuresPerUser: 3,
  windowMs: 60_000,
  lockoutMs: 120_000,
  baseDelayMs: 100,
  maxDelayMs: 800,
  maxEntries: 3,
};

describe('LoginLimiter', () => {
  it('answers each failure after a growing delay, capped', () => {
    const l = new LoginLimiter(new FakeClock(), opts);
    const delays = [1, 2, 3, 4, 5].map((i) => l.recordFailure('192.0.2.1', `u${i}@x.test`));
    assert.deepEqual(delays, [100, 200, 400, 800, 800]);
  });
  it('locks out an IP after its limit, for the lockout period', () => {
    const clock = new FakeClock();
    const l = new LoginLimiter(clock, opts);
    for (let i = 0; i < 4; i++) l.recordFailure('192.0.2.1', `u${i}@x.test`);
    assert.equal(l.isLocked('192.0.2.1'), false);
    l.recordFailure('192.0.2.1', 'u9@x.test');
    assert.equal(l.isLocked('192.0.2.1'), true);
    assert.equal(l.isLocked('192.0.2.2'), false);
    clock.advance(120_001);
    assert.equal(l.isLocked('192.0.2.1'), false);
  });
  it('locks out a username guessed from many IPs', () => {
    const l = new LoginLimiter(new FakeClock(), opts);
    for (const ip of ['192.0.2.1', '192.0.2.2', '192.0.2.3']) l.recordFailure(ip, 'Boss@x.test');
    assert.equal(l.isLocked('192.0.2.9', 'boss@x.test'), true);
    assert.equal(l.isLocked('192.0.2.9', 'other@x.test'), false);
  });
  it('forgets failures older than the window', () => {
    const clock = new FakeClock();
    const l = new LoginLimiter(clock, opts);
    l.recordFailure('192.0.2.1', 'a@x.test');
    l.recordFailure('192.0.2.1', 'a@x.test');
    clock.advance(60_001);
    l.recordFailure('192.0.2.1', 'a@x.test');
    assert.equal(l.isLocked('192.0.2.1', 'a@x.test'), false);
  });
  it('a success clears the username counter but not the IP counter', () => {
    const l = new LoginLimiter(new FakeClock(), opts);
    l.recordFailure('192.0.2.1', 'a@x.test');
    l.recordFailure('192.0.2.1', 'a@x.test');
    l.recordSuccess('a@x.test');
    assert.equal(l.recordFailure('192.0.2.1', 'a@x.test'), 400);
    assert.equal(l.isLocked('192.0.2.1', 'a@x.test'), false);
  });
  it('keeps its maps bounded', () => {
    const l = new LoginLimiter(new FakeClock(), opts);
    for (let i = 0; i < 10; i++) l.recordFailure(`192.0.2.${i}`, `u${i}@x.test`);
    // biome-ignore lint/suspicious/noExplicitAny: reading private state on purpose
    assert.equal((l as any).byIp.size, 3);
  });
});
