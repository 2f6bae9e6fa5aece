/**
 * End to end: SPF, DKIM and DMARC on inbound mail against a loopback DNS server, with messages
 * signed by our own signer. RFC 7208 (SPF), RFC 6376 (DKIM), RFC 7489 §6.6 (DMARC policy),
 * RFC 8601 (Authentication-Results).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatReply } from '../../src/core/reply.js';
import { generateDkimKey, type SigningKey } from '../../src/mailauth/keys.js';
import { signMessage } from '../../src/mailauth/sign.js';
import { type InboundInput, resolveWith, verifyInbound } from '../../src/mailauth/verify.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';

const HOST = 'mx.ours.test';
let dns: TestDnsServer;
let dataDir: string;
let key: SigningKey;

function message(from: string, subject = 'hello'): Buffer {
  return Buffer.from(
    [
      `From: Someone <${from}>`,
      'To: rcpt@ours.test',
      `Subject: ${subject}`,
      'Date: Sat, 28 Nov 2026 10:00:00 +0000',
      `Message-ID: <${subject.replace(/\W/g, '')}@example>`,
      '',
      'Body line one.',
      'Body line two.',
      '',
    ].join('\r\n'),
  );
}

function input(over: Partial<InboundInput> & Pick<InboundInput, 'message'>): InboundInput {
  return {
    ip: '127.0.0.2',
    helo: 'mail.sender.test',
    mailFrom: 'alice@sender.test',
    hostname: HOST,
    resolver: resolveWith(dns.resolver),
    enforceDmarc: true,
    ...over,
  };
}

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mailward-mailauth-'));
  const g = await generateDkimKey(dataDir, 'sender.test', 'sel1');
  assert.ok(g.ok);
  key = g.key;
  // The DNS server keeps character-strings apart, as a published 2048-bit key needs.
  const chunks = g.key.record.match(/.{1,255}/g) ?? [];
  dns = await startDnsServer({
    'sender.test': { TXT: ['v=spf1 ip4:127.0.0.2 -all'] },
    'sel1._domainkey.sender.test': { TXT: [chunks] },
    '_dmarc.sender.test': { TXT: ['v=DMARC1; p=reject'] },
    'strict.test': { TXT: ['v=spf1 ip4:127.0.0.2 -all'] },
    '_dmarc.strict.test': { TXT: ['v=DMARC1; p=reject'] },
    'soft.test': { TXT: ['v=spf1 ip4:127.0.0.2 -all'] },
    '_dmarc.soft.test': { TXT: ['v=DMARC1; p=quarantine'] },
    'half.test': { TXT: ['v=spf1 -all'] },
    '_dmarc.half.test': { TXT: ['v=DMARC1; p=reject; pct=50'] },
    'mail.sender.test': { TXT: ['v=spf1 ip4:127.0.0.2 -all'], A: ['127.0.0.2'] },
  });
});

after(async () => {
  await dns.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('verifyInbound', () => {
  it('passes DKIM, SPF and DMARC for a message signed by our signer from an SPF-allowed IP', async () => {
    const signed = await signMessage(message('alice@sender.test'), key);
    assert.match(signed.toString(), /^DKIM-Signature: /);
    const v = await verifyInbound(input({ message: signed }));
    assert.equal(v.reject, undefined);
    assert.equal(v.quarantine, false);
    assert.deepEqual(
      { spf: v.results.spf, dkim: v.results.dkim, dmarc: v.results.dmarc, policy: v.results.dmarcPolicy },
      { spf: 'pass', dkim: 'pass', dmarc: 'pass', policy: 'reject' },
    );
    assert.deepEqual(v.results.dkimSignatures, [{ domain: 'sender.test', selector: 'sel1', result: 'pass' }]);
    assert.match(v.header, /^Authentication-Results: mx\.ours\.test;\r\n /);
    assert.match(v.header, / dkim=pass header\.i=@sender\.test header\.s=sel1 /);
    assert.match(
      v.header,
      / spf=pass \(mx\.ours\.test: domain of alice@sender\.test designates 127\.0\.0\.2 as permitted sender\) smtp\.mailfrom=alice@sender\.test/,
    );
    assert.match(v.header, / dmarc=pass \(p=REJECT arc=none\) header\.from=sender\.test header\.d=sender\.test\r\n$/);
    assert.ok(v.header.endsWith('\r\n'));
    assert.doesNotMatch(v.header, /Received-SPF/);
  });

  it('passes DMARC on the aligned DKIM signature alone when SPF fails', async () => {
    const signed = await signMessage(message('alice@sender.test', 'forwarded'), key);
    const v = await verifyInbound(input({ message: signed, ip: '127.0.0.9' }));
    assert.deepEqual([v.results.spf, v.results.dkim, v.results.dmarc], ['fail', 'pass', 'pass']);
    assert.equal(v.reject, undefined);
  });

  it('fails DKIM when the body was changed after signing', async () => {
    const signed = await signMessage(message('alice@sender.test', 'tampered'), key);
    const tampered = Buffer.from(signed.toString().replace('Body line two.', 'Body line 2.'));
    const v = await verifyInbound(input({ message: tampered, ip: '127.0.0.9' }));
    assert.equal(v.results.dkim, 'neutral');
    assert.equal(v.results.dmarc, 'fail');
    assert.equal(
      v.reject && formatReply(v.reject),
      '550 5.7.1 Message rejected: From domain sender.test fails DMARC and its policy is p=reject\r\n',
    );
  });

  it('refuses a forged, unsigned From strict.test from an IP outside SPF with 550 5.7.1', async () => {
    const v = await verifyInbound(
      input({ message: message('ceo@strict.test'), ip: '127.0.0.9', mailFrom: 'bounce@strict.test' }),
    );
    assert.deepEqual([v.results.spf, v.results.dkim, v.results.dmarc], ['fail', 'none', 'fail']);
    assert.ok(v.reject);
    assert.equal(
      formatReply(v.reject),
      '550 5.7.1 Message rejected: From domain strict.test fails DMARC and its policy is p=reject\r\n',
    );
    assert.equal(v.quarantine, false);
    assert.match(v.header, / dmarc=fail \(p=REJECT arc=none\) header\.from=strict\.test/);
  });

  it('checks DMARC on the From header even when MAIL FROM is another, SPF-passing domain', async () => {
    const v = await verifyInbound(
      input({ message: message('ceo@strict.test', 'spoof'), mailFrom: 'alice@sender.test' }),
    );
    assert.deepEqual([v.results.spf, v.results.dmarc], ['pass', 'fail']);
    assert.equal(v.reject?.code, 550);
  });

  it('only quarantines a p=reject failure when enforcement is off', async () => {
    const v = await verifyInbound(
      input({ message: message('ceo@strict.test'), ip: '127.0.0.9', mailFrom: '', enforceDmarc: false }),
    );
    assert.equal(v.reject, undefined);
    assert.equal(v.quarantine, true);
  });

  it('marks a p=quarantine failure (soft.test) for quarantine without refusing it', async () => {
    const v = await verifyInbound(input({ message: message('news@soft.test'), ip: '127.0.0.9', mailFrom: '' }));
    assert.equal(v.results.dmarc, 'fail');
    assert.equal(v.results.dmarcPolicy, 'quarantine');
    assert.equal(v.quarantine, true);
    assert.equal(v.reject, undefined);
  });

  it('applies pct sampling: a message outside the 50 % gets the next lower policy', async () => {
    const m = message('x@half.test');
    const sampled = await verifyInbound(input({ message: m, ip: '127.0.0.9', mailFrom: '', random: () => 0.2 }));
    assert.equal(sampled.reject?.code, 550);
    const spared = await verifyInbound(input({ message: m, ip: '127.0.0.9', mailFrom: '', random: () => 0.7 }));
    assert.equal(spared.reject, undefined);
    assert.equal(spared.quarantine, true);
  });

  it('checks SPF for the null sender against the HELO name (RFC 7208 §2.4)', async () => {
    const v = await verifyInbound(input({ message: message('mailer-daemon@mail.sender.test'), mailFrom: '' }));
    assert.equal(v.results.spf, 'pass');
    assert.match(v.header, /smtp\.mailfrom=postmaster@mail\.sender\.test/);
  });

  it('reports none when no domain publishes anything', async () => {
    const v = await verifyInbound(
      input({ message: message('a@nowhere.test'), mailFrom: 'a@nowhere.test', ip: '127.0.0.9' }),
    );
    assert.deepEqual([v.results.spf, v.results.dkim, v.results.dmarc], ['none', 'none', 'none']);
    assert.equal(v.reject, undefined);
    assert.equal(v.quarantine, false);
  });

  it('cannot be bypassed with a second From address: every author domain is checked (RFC 7489 §6.6.1)', async () => {
    for (const from of ['From: ceo@strict.test, me@nowhere.test', 'From: me@nowhere.test\r\nFrom: ceo@strict.test']) {
      const m = Buffer.from(`${from}\r\nSubject: two authors\r\n\r\nbody\r\n`);
      const v = await verifyInbound(input({ message: m, ip: '127.0.0.9', mailFrom: '' }));
      assert.equal(v.results.dmarc, 'fail', from);
      assert.equal(v.results.fromDomain, 'strict.test');
      assert.equal(
        v.reject?.lines[0],
        'Message rejected: From domain strict.test fails DMARC and its policy is p=reject',
      );
      // One dmarc= row per author domain, in From order.
      const rows = v.header.split(';\r\n ').filter((r) => r.startsWith('dmarc='));
      const expected = [
        'dmarc=fail (p=REJECT arc=none) header.from=strict.test header.d=strict.test',
        'dmarc=none header.from=nowhere.test',
      ];
      assert.deepEqual(
        rows.map((r) => r.trimEnd()),
        from.startsWith('From: ceo') ? expected : expected.reverse(),
      );
    }
  });

  it('lists no DKIM signature for an unsigned message', async () => {
    const v = await verifyInbound(input({ message: message('alice@sender.test', 'unsigned') }));
    assert.deepEqual(v.results.dkimSignatures, []);
    assert.equal(v.results.dkim, 'none');
  });

  it('bounds each DNS query: a sender whose SPF never answers still meets the From domain p=reject', {
    timeout: 5000,
  }, async () => {
    const real = resolveWith(dns.resolver);
    const asked: string[] = [];
    const resolver = (name: string, rrtype: string) => {
      asked.push(`${rrtype} ${name}`);
      return name === 'slow.test' ? new Promise<never>(() => {}) : real(name, rrtype);
    };
    const started = Date.now();
    const v = await verifyInbound(
      input({
        message: message('ceo@strict.test', 'slow'),
        ip: '127.0.0.9',
        mailFrom: 'x@slow.test',
        resolver,
        queryTimeoutMs: 150,
      }),
    );
    assert.ok(Date.now() - started < 3000, 'answered within the per-query bound');
    assert.deepEqual([v.results.spf, v.results.dmarc], ['temperror', 'fail']);
    assert.equal(v.reject?.code, 550);
    assert.ok(asked.includes('TXT slow.test') && asked.includes('TXT _dmarc.strict.test'), asked.join(', '));
  });
});
