/**
 * The policy through the real SMTP engine, driven by swaks: the replies of the 553 catalogue
 * as they appear on the wire, relay attempts from 127.0.0.2 (an outsider: only 127.0.0.1 and
 * ::1 are trusted), and the sender domain check through a real resolver against a DNS server
 * on loopback, including one that never answers.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { policySchema } from '../../src/config/sections/policy.js';
import { systemClock } from '../../src/core/clock.js';
import { createPolicy } from '../../src/policy/create-policy.js';
import { systemResolver } from '../../src/policy/sender-domain.js';
import { exampleDirectory, memoryLog } from '../../src/policy/test-world.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { startTestServer, type TestServer } from '../helpers/smtp-test-server.js';

const run = promisify(execFile);

/** The server's replies swaks printed (`<-` accepted, `<**` refused), prefixes and the QUIT reply removed. */
async function swaks(args: string[]): Promise<string[]> {
  const r = await run('swaks', ['--timeout', '15', '--hide-informational', ...args]).catch(
    (e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }),
  );
  return r.stdout
    .split('\n')
    .filter((l) => /^ *<(-|\*\*) /.test(l))
    .map((l) => l.replace(/^ *<(-|\*\*) +/, ''))
    .filter((l) => !l.startsWith('221 '));
}

async function policyServer(raw: Record<string, unknown>, resolver = systemResolver({ servers: ['127.0.0.1:1'] })) {
  const policy = createPolicy(
    { ...policySchema.parse(raw), trustedNetworks: ['127.0.0.1/32', '::1/128'], hostname: 'mx.example.test' },
    { directory: await exampleDirectory(), resolver, clock: systemClock, log: memoryLog() },
  );
  return startTestServer({
    hooks: { onMail: policy.onMail, onRcpt: policy.onRcpt },
    listeners: [{}, { authWithoutTls: 'always' }],
  });
}

describe('policy on the wire (default style)', () => {
  let srv: TestServer;
  let dns: TestDnsServer;
  before(async () => {
    dns = await startDnsServer({
      'remote.test': { MX: [{ exchange: 'mx.remote.test', priority: 10 }] },
      'nullmx.test': { MX: [{ exchange: '.', priority: 0 }] },
      'broken.test': { SERVFAIL: true },
    });
    srv = await policyServer({ sender_domain_check: { timeout_ms: 2000 } }, dns.resolver);
  });
  after(async () => {
    await srv.stop();
    await dns.close();
  });
  const mx = () => ['--server', `127.0.0.1:${srv.ports.mx}`, '--quit-after', 'RCPT'];

  it('answers an unknown local recipient with 553 5.1.1 (the swaks check from the issue)', async () => {
    const out = await swaks([...mx(), '--from', '<>', '--to', 'nobody@example.test']);
    assert.equal(out.at(-1), '553 5.1.1 <nobody@example.test>: no mailbox here by that name');
  });
  it('refuses a relay attempt from 127.0.0.2 with 553 5.7.1', async () => {
    const out = await swaks([...mx(), '--local-interface', '127.0.0.2', '--from', '<>', '--to', 'someone@remote.test']);
    assert.equal(out.at(-1), '553 5.7.1 <someone@remote.test>: not an open relay');
  });
  it('relays for 127.0.0.1, a trusted network', async () => {
    const out = await swaks([...mx(), '--from', '<>', '--to', 'someone@remote.test']);
    assert.equal(out.at(-1), '250 2.1.5 Ok');
  });
  it('accepts RCPT TO:<postmaster> without a domain from an outsider (RFC 5321 §4.1.1.3)', async () => {
    const out = await swaks([...mx(), '--local-interface', '127.0.0.2', '--from', '<>', '--to', 'postmaster']);
    assert.equal(out.at(-1), '250 2.1.5 Ok');
  });
  it('refuses the % hack with 553 5.1.3', async () => {
    const out = await swaks([
      ...mx(),
      '--local-interface',
      '127.0.0.2',
      '--from',
      '<>',
      '--to',
      'user%remote.test@example.test',
    ]);
    assert.equal(out.at(-1), '553 5.1.3 <user%remote.test@example.test>: bad recipient address syntax');
  });
  it('refuses a forged local sender from an outsider', async () => {
    const out = await swaks([
      ...mx(),
      '--local-interface',
      '127.0.0.2',
      '--from',
      'alice@example.test',
      '--to',
      'bob@example.test',
    ]);
    assert.equal(out.at(-1), '553 5.7.1 authentication is required to send mail as <alice@example.test>');
  });
  for (const [domain, want] of [
    ['remote.test', '250 2.1.0 Ok'],
    ['nxdomain.test', '553 5.1.8 <x@nxdomain.test>: domain of sender address does not exist'],
    ['nullmx.test', '553 5.1.8 <x@nullmx.test>: domain of sender address does not exist'],
    ['broken.test', '451 4.4.3 <x@broken.test>: cannot check the sender domain now, try again later'],
  ]) {
    it(`checks the sender domain ${domain} through a real resolver: ${want}`, async () => {
      const out = await swaks([
        '--server',
        `127.0.0.1:${srv.ports.mx}`,
        '--quit-after',
        'MAIL',
        '--local-interface',
        '127.0.0.2',
        '--from',
        `x@${domain}`,
        '--to',
        'alice@example.test',
      ]);
      assert.equal(out.at(-1), want);
    });
  }
  it('refuses a sender an authenticated user does not own', async () => {
    const out = await swaks([
      '--server',
      `127.0.0.1:${srv.ports.submission}`,
      '--quit-after',
      'MAIL',
      '--auth',
      'PLAIN',
      '--auth-user',
      'bob@example.test',
      '--auth-password',
      'hunter2',
      '--from',
      'alice@example.test',
      '--to',
      'x@remote.test',
    ]);
    assert.equal(out.at(-1), '553 5.7.1 <alice@example.test>: sender address is not owned by user <bob@example.test>');
  });
});

describe('policy on the wire without working DNS', () => {
  let srv: TestServer;
  let silent: UdpSocket;
  before(async () => {
    // A DNS "server" that never answers: the worst case, worse than no server at all.
    silent = createSocket('udp4');
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', r));
    const port = silent.address().port;
    srv = await policyServer(
      { sender_domain_check: { timeout_ms: 1500 } },
      systemResolver({ servers: [`127.0.0.1:${port}`], timeoutMs: 1500 }),
    );
  });
  after(async () => {
    await srv.stop();
    silent.close();
  });
  it('answers 451 4.4.3 within a few seconds instead of hanging', async () => {
    const t0 = performance.now();
    const out = await swaks([
      '--server',
      `127.0.0.1:${srv.ports.mx}`,
      '--quit-after',
      'MAIL',
      '--local-interface',
      '127.0.0.2',
      '--from',
      'x@remote.test',
      '--to',
      'alice@example.test',
    ]);
    const ms = performance.now() - t0;
    assert.equal(out.at(-1), '451 4.4.3 <x@remote.test>: cannot check the sender domain now, try again later');
    assert.ok(ms < 4000, `took ${Math.round(ms)} ms`);
  });
});

describe('policy on the wire in qmail style', () => {
  let srv: TestServer;
  before(async () => {
    srv = await policyServer({ reply_style: 'qmail' });
  });
  after(() => srv.stop());
  it('sends the qmail texts exactly, without an enhanced code stamped in front', async () => {
    const base = [
      '--server',
      `127.0.0.1:${srv.ports.mx}`,
      '--quit-after',
      'RCPT',
      '--local-interface',
      '127.0.0.2',
      '--from',
      '<>',
    ];
    assert.equal(
      (await swaks([...base, '--to', 'someone@remote.test'])).at(-1),
      "553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)",
    );
    assert.equal(
      (await swaks([...base, '--to', 'nobody@example.test'])).at(-1),
      '553 sorry, no mailbox here by that name. (#5.1.1)',
    );
  });
});
