import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateDkimKey } from './keys.js';
import { chooseSigningKey, createOutboundSigner, fromHeaderDomain, signBeforeInject, signMessage } from './sign.js';

let dataDir: string;
const msg = (from: string) => Buffer.from(`From: ${from}\r\nSubject: s\r\n\r\nbody\r\n`);

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mailward-dkim-sign-'));
  for (const d of ['from.test', 'envelope.test', 'mx.ours.test', 'ours2.test']) {
    assert.ok((await generateDkimKey(dataDir, d)).ok);
  }
});
after(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('fromHeaderDomain', () => {
  it('reads the first From address in its usual forms', () => {
    assert.equal(fromHeaderDomain(msg('"A, B" <a@From.Test>')), 'from.test');
    assert.equal(fromHeaderDomain(msg('a@from.test (Alice)')), 'from.test');
    assert.equal(
      fromHeaderDomain(Buffer.from('Subject: x\r\nFROM:\r\n  Alice <a@folded.test>\r\n\r\n')),
      'folded.test',
    );
    assert.equal(fromHeaderDomain(Buffer.from('Subject: x\r\n\r\nFrom: a@body.test\r\n')), null);
    assert.equal(fromHeaderDomain(msg('undisclosed')), null);
  });
});

describe('chooseSigningKey', () => {
  const ctx = () => ({ dataDir, hostname: 'mx.ours.test' });
  it('prefers the From domain, then the envelope sender domain', async () => {
    assert.equal((await chooseSigningKey(msg('a@from.test'), 'b@envelope.test', ctx()))?.domain, 'from.test');
    assert.equal((await chooseSigningKey(msg('a@nokey.test'), 'b@envelope.test', ctx()))?.domain, 'envelope.test');
    assert.equal(await chooseSigningKey(msg('a@nokey.test'), 'b@nokey2.test', ctx()), null);
  });
  it('signs a bounce (null sender) with the hostname key, or its parent domain', async () => {
    assert.equal((await chooseSigningKey(msg('MAILER-DAEMON@elsewhere.test'), '', ctx()))?.domain, 'mx.ours.test');
    const parent = await chooseSigningKey(msg('x@none.test'), '', { dataDir, hostname: 'mail.ours2.test' });
    assert.equal(parent?.domain, 'ours2.test');
    assert.equal(await chooseSigningKey(msg('x@none.test'), '', { dataDir, hostname: 'localhost' }), null);
  });
});

describe('createOutboundSigner', () => {
  it('prepends one DKIM-Signature when a key exists and leaves the rest untouched', async () => {
    const raw = msg('a@from.test');
    const r = await createOutboundSigner({ dataDir, hostname: 'mx.ours.test' }).sign(raw, 'a@from.test');
    assert.equal(r.signedBy, 'from.test');
    const text = r.message.toString();
    assert.match(text, /^DKIM-Signature: .*d=from\.test;/s);
    assert.match(text, /s=mailward;/);
    assert.ok(r.message.subarray(r.message.length - raw.length).equals(raw));
  });
  it('returns the message as is without a key or when disabled', async () => {
    const raw = msg('a@nokey.test');
    assert.deepEqual(await createOutboundSigner({ dataDir, hostname: 'h.test' }).sign(raw, 'a@nokey.test'), {
      message: raw,
      signedBy: null,
    });
    const off = createOutboundSigner({ dataDir, hostname: 'h.test', enabled: false });
    assert.equal((await off.sign(msg('a@from.test'), 'a@from.test')).signedBy, null);
  });
  it('throws on a broken key: a fault, not a message outcome', async () => {
    await assert.rejects(
      signMessage(msg('a@x.test'), { domain: 'x.test', selector: 's', privateKeyPem: 'not a key' }),
      /DKIM signing for x\.test failed/,
    );
  });
});

describe('signBeforeInject', () => {
  it('signs a bounce body (null sender, From MAILER-DAEMON@hostname) before injecting it', async () => {
    const seen: Array<{ from: string; body: Buffer; origin: string }> = [];
    const inject = signBeforeInject(
      async (m: { from: string; body: Buffer; origin: string }) => {
        seen.push(m);
        return 'queued';
      },
      createOutboundSigner({ dataDir, hostname: 'mx.ours.test' }),
      'body',
    );
    const body = msg('MAILER-DAEMON@mx.ours.test');
    assert.equal(await inject({ from: '', body, origin: 'bounce' }), 'queued');
    assert.equal(seen.length, 1);
    assert.match(seen[0]?.body.toString() ?? '', /^DKIM-Signature: .*d=mx\.ours\.test;/s);
    assert.equal(seen[0]?.origin, 'bounce');
  });
  it('injects unsigned, once, when the signer fails', async () => {
    const seen: Buffer[] = [];
    const errors: unknown[] = [];
    const broken = { sign: async () => Promise.reject(new Error('bad key')), signatureFor: async () => null };
    const inject = signBeforeInject(
      async (m: { from: string; raw: Buffer }) => {
        seen.push(m.raw);
      },
      broken,
      'raw',
      (e) => errors.push(e),
    );
    const raw = msg('a@from.test');
    await inject({ from: 'a@from.test', raw });
    assert.deepEqual(seen, [raw]);
    assert.equal(errors.length, 1);
  });
});
