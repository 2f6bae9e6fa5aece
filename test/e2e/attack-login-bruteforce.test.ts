/**
 * Login brute force against the whole server (issue #7): failed AUTHs are answered after a
 * growing delay, then the client IP is locked out with `421 4.7.0` — even the right password
 * is refused while locked — and a username is locked when the guesses come from several IPs.
 * Other clients keep logging in. Small limits from `[auth]` keep the test short; the defaults
 * (10 failures in 15 min, 0.5 s doubling to 8 s, 15 min lockout) are in docs/config.md.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type MailwardProcess, startMailwardProcess, writeTestConfig } from '../helpers/mailward-process.js';
import { SmtpClient } from '../helpers/smtp-dialogue.js';

const LOCKED = '421 4.7.0 too many failed login attempts, try again later';
const INVALID = '535 5.7.8 Authentication credentials invalid';

describe('login brute force against the running server', () => {
  let dataDir: string;
  let mw: MailwardProcess;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mw-bruteforce-'));
    const config = await writeTestConfig(
      dataDir,
      '[auth]\nmax_failures_per_ip = 4\nmax_failures_per_user = 5\nbase_delay_ms = 100\nmax_delay_ms = 400\nlockout = "10m"\n',
    );
    mw = await startMailwardProcess(dataDir, config);
  });
  after(async () => {
    await mw?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** One AUTH PLAIN on a fresh submissions (implicit TLS) connection from `from`: the reply and how long it took. */
  async function login(from: string, user: string, password: string): Promise<{ reply: string; ms: number }> {
    const c = await SmtpClient.connect(mw.ports.submissions, '127.0.0.1', true, from);
    try {
      await c.expect(/^220 /);
      c.write('EHLO attacker.test\r\n');
      await c.expect(/^250[ -]/);
      const t0 = performance.now();
      c.write(`AUTH PLAIN ${Buffer.from(`\0${user}\0${password}`).toString('base64')}\r\n`);
      const reply = (await c.reply()) ?? '(closed)';
      return { reply, ms: performance.now() - t0 };
    } finally {
      c.close();
    }
  }

  it('delays each failure longer, then locks the IP out, right password included', async () => {
    const tries = [];
    for (let i = 1; i <= 3; i++) tries.push(await login('127.0.0.7', `guess${i}@example.test`, 'wrong'));
    assert.deepEqual(
      tries.map((t) => t.reply),
      [INVALID, INVALID, INVALID],
    );
    // 100, 200, 400 ms: the answer comes no sooner than the delay, and later each time
    assert.ok(tries[0] && tries[0].ms >= 90, `first failure after ${tries[0]?.ms} ms`);
    assert.ok(tries[2] && tries[1] && tries[2].ms > tries[1].ms && tries[1].ms > (tries[0]?.ms ?? 0));
    assert.ok(tries[2] && tries[2].ms >= 380, `third failure after ${tries[2]?.ms} ms`);
    // the fourth failure reaches the limit
    assert.equal((await login('127.0.0.7', 'guess4@example.test', 'wrong')).reply, LOCKED);
    const right = await login('127.0.0.7', 'postmaster@example.test', mw.firstStart?.password ?? '');
    assert.equal(right.reply, LOCKED);
    // another client is not affected
    const other = await login('127.0.0.8', 'postmaster@example.test', mw.firstStart?.password ?? '');
    assert.match(other.reply, /^235 2\.7\.0 /);
  });

  it('locks a username guessed at from several IPs', async () => {
    const replies: string[] = [];
    for (const ip of ['127.0.0.9', '127.0.0.10', '127.0.0.11', '127.0.0.9', '127.0.0.10']) {
      replies.push((await login(ip, 'postmaster@example.test', 'wrong')).reply);
    }
    assert.deepEqual(replies, [INVALID, INVALID, INVALID, INVALID, LOCKED]);
    const right = await login('127.0.0.12', 'postmaster@example.test', mw.firstStart?.password ?? '');
    assert.equal(right.reply, LOCKED);
  });

  it('never offers AUTH on the mx port, nor on submission before STARTTLS', async () => {
    for (const port of [mw.ports.mx, mw.ports.submission]) {
      const c = await SmtpClient.connect(port, '127.0.0.1', false, '127.0.0.13');
      await c.expect(/^220 /);
      c.write('EHLO client.test\r\n');
      const ehlo = await c.expect(/^250[ -]/);
      assert.doesNotMatch(ehlo, /AUTH/);
      c.write('AUTH PLAIN AGEAYg==\r\n');
      await c.expect(port === mw.ports.mx ? /^502 5\.5\.1 / : /^530 5\.7\.0 /);
      c.close();
    }
  });
});
