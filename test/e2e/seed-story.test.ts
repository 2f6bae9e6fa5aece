/**
 * The seed story of issue #6, end to end through `mailward serve`: a local user
 * authenticates on submission and writes to recipient@remote.test; a loopback DNS server
 * gives remote.test an MX on 127.0.0.5; the peer there refuses the RCPT with
 * `553 5.7.1 Not an open relay, so get lost`. The failure notice that lands in the sender's
 * Maildir is parsed with mailparser and asserted field by field.
 */
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { type MailwardProcess, startMailwardWithRemote } from '../helpers/mailward-process.js';
import type { ScriptedPeer } from '../helpers/scripted-peer.js';
import { SmtpClient } from '../helpers/smtp-dialogue.js';

const REFUSAL = '553 5.7.1 Not an open relay, so get lost';

describe('seed story: an authenticated user writes to a server that will not relay', () => {
  let world: Awaited<ReturnType<typeof startMailwardWithRemote>>;
  let dataDir: string;
  let peer: ScriptedPeer;
  let mw: MailwardProcess;

  before(async () => {
    world = await startMailwardWithRemote({ rcpt: () => REFUSAL }, '127.0.0.5', 'mw-seed-');
    ({ dataDir, peer, mw } = world);
  });
  after(() => world?.close());

  it('returns a readable RFC 3464 notice to the sender with the original attached byte for byte', async () => {
    const original =
      'From: Postmaster <postmaster@example.test>\r\nTo: recipient@remote.test\r\n' +
      'Subject: seed story\r\nMessage-ID: <seed-1@example.test>\r\n\r\nHello, is this relayed?\r\n';
    // A raw client, so the bytes of the message are exactly ours (swaks adds a line end).
    const c = await SmtpClient.connect(mw.ports.submission);
    await c.expect(/^220 /);
    c.write('EHLO client.test\r\n');
    await c.expect(/^250[ -]/);
    c.write('STARTTLS\r\n');
    await c.expect(/^220 /);
    await c.startTls();
    c.write('EHLO client.test\r\n');
    await c.expect(/^250[ -]/);
    const token = Buffer.from(`\0postmaster@example.test\0${mw.firstStart?.password}`).toString('base64');
    c.write(`AUTH PLAIN ${token}\r\n`);
    await c.expect(/^235 2\.7\.0 /);
    c.write('MAIL FROM:<postmaster@example.test>\r\n');
    await c.expect(/^250 /);
    c.write('RCPT TO:<recipient@remote.test>\r\n');
    await c.expect(/^250 /);
    c.write('DATA\r\n');
    await c.expect(/^354 /);
    c.write(`${original}.\r\n`);
    await c.expect(/^250 2\.0\.0 Ok: queued as /);
    c.close();

    const dir = join(dataDir, 'mail', 'example.test', 'postmaster', 'Maildir', 'new');
    let raw: Buffer | undefined;
    for (let i = 0; i < 200 && !raw; i++) {
      const names = await readdir(dir).catch(() => [] as string[]);
      for (const n of names) {
        const b = await readFile(join(dir, n));
        if (b.includes('Mail delivery failed')) raw = b;
      }
      if (!raw) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(raw, 'a failure notice reached the sender');
    // SEED_NOTICE_OUT=file keeps the notice for a person to read.
    if (process.env.SEED_NOTICE_OUT) await writeFile(process.env.SEED_NOTICE_OUT, raw);
    const text = raw.toString('utf8');
    assert.match(text, /^Return-Path: <>\r\n/);

    const n = await simpleParser(raw);
    assert.equal(n.subject, 'Mail delivery failed: returning message to sender');
    assert.equal(n.from?.value[0]?.address, 'MAILER-DAEMON@mx.mailward.test');
    assert.equal(n.from?.value[0]?.name, 'Mail Delivery System');
    assert.equal(n.headers.get('auto-submitted'), 'auto-replied');
    assert.equal(n.headers.get('x-failed-recipients'), 'recipient@remote.test');
    assert.equal(n.inReplyTo, '<seed-1@example.test>');
    assert.match(
      String(n.headers.get('content-type') && (n.headers.get('content-type') as { value: string }).value),
      /^multipart\/report$/,
    );

    assert.match(n.text ?? '', /recipient@remote\.test/);
    assert.match(n.text ?? '', /mx\.remote\.test/);
    assert.match(n.text ?? '', /127\.0\.0\.5/);
    assert.match(n.text ?? '', /after RCPT TO:<recipient@remote\.test>/);
    assert.ok((n.text ?? '').includes(REFUSAL), 'the verbatim reply');

    assert.match(text, /^Status: 5\.7\.1\r$/m);
    assert.match(text, /^Action: failed\r$/m);
    assert.match(text, /^Final-Recipient: rfc822; ?recipient@remote\.test\r$/m);
    assert.match(text, /^Remote-MTA: dns; ?mx\.remote\.test\r$/m);
    assert.ok(text.includes(`Diagnostic-Code: smtp; ${REFUSAL}\r\n`), 'Diagnostic-Code with the reply verbatim');

    const attached = n.attachments.find((a) => a.contentType === 'message/rfc822');
    assert.ok(attached, 'the original is attached');
    // Our queue prepends Received:, and DKIM may add a signature; the original follows byte for byte.
    assert.ok(attached.content.toString('utf8').endsWith(original), 'original attached byte for byte');
    assert.equal(peer.commands.filter((c) => c.startsWith('RCPT TO:')).length >= 1, true);
  });
});
