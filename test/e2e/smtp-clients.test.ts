/**
 * Real clients against the engine: swaks and Python's smtplib (outside the project) and
 * nodemailer, with and without STARTTLS, with AUTH, and BDAT from a raw Python socket. Each
 * message must arrive in the spool byte for byte (same SHA-256).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import nodemailer from 'nodemailer';
import { startTestServer, type TestServer } from '../helpers/smtp-test-server.js';
import { sha256 } from '../helpers/spool-sink.js';

const run = promisify(execFile);
let t: TestServer;
let n = 0;

/** A message with dot lines, 8-bit text and a long body, CRLF throughout. */
function message(tag: string): Buffer {
  const lines = [
    'From: Alice <alice@b.test>',
    'To: Carol <c@d.test>',
    `Subject: interop ${tag}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Grüße aus Köln.',
    '.a line with a leading dot',
    '..two dots',
    '.',
    ...Array.from({ length: 2000 }, (_, i) => `line ${i} ${'x'.repeat(i % 90)}`),
    'end',
  ];
  return Buffer.from(`${lines.join('\r\n')}\r\n`);
}

async function lastHash(): Promise<string> {
  const bodies = await t.spool.bodies();
  return sha256(bodies.at(-1) ?? Buffer.alloc(0));
}

before(async () => {
  t = await startTestServer();
});
after(() => t.stop());

describe('swaks', () => {
  for (const mode of ['plain', 'starttls+auth'] as const) {
    it(`delivers byte for byte (${mode})`, async () => {
      const msg = message(`swaks ${mode}`);
      const file = join(t.spool.dir, `swaks-${n++}.msg`);
      // swaks always ends the data with CRLF "." CRLF: the file holds the message without its last CRLF.
      await writeFile(file, msg.subarray(0, -2));
      const port = mode === 'plain' ? t.ports.mx : t.ports.submission;
      const args = ['--server', '127.0.0.1', '--port', String(port), '--ehlo', 'client.test'];
      args.push('--from', 'alice@b.test', '--to', 'c@d.test', '--data', `@${file}`, '--timeout', '10');
      if (mode !== 'plain') args.push('--tls', '--auth', 'PLAIN', '--auth-user', 'alice', '--auth-password', 'secret');
      const before = t.spool.messages.length;
      const { stdout } = await run('swaks', args);
      assert.match(stdout, /<[-~] {1,2}250 2\.0\.0 Ok: queued as/);
      assert.equal(t.spool.messages.length, before + 1);
      assert.equal(await lastHash(), sha256(msg));
    });
  }
});

const PY_SMTPLIB = `
import smtplib, ssl, sys
port, mode, path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
msg = open(path, 'rb').read()
s = smtplib.SMTP('127.0.0.1', port, local_hostname='client.test', timeout=10)
s.ehlo()
if mode == 'tls':
    ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
    s.starttls(context=ctx); s.ehlo(); s.login('bob@example.test', 'hunter2')
refused = s.sendmail('alice@b.test', ['c@d.test'], msg, mail_options=['BODY=8BITMIME'])
print('refused', refused)
s.quit()
`;

const PY_BDAT = `
import socket, sys
port, path = int(sys.argv[1]), sys.argv[2]
msg = open(path, 'rb').read()
s = socket.create_connection(('127.0.0.1', port), timeout=10)
f = s.makefile('rb')
def reply():
    lines = []
    while True:
        line = f.readline().decode()
        lines.append(line.strip())
        if line[3:4] != '-': return '\\n'.join(lines)
print(reply())
s.sendall(b'EHLO client.test\\r\\n'); assert 'CHUNKING' in reply()
s.sendall(b'MAIL FROM:<alice@b.test> BODY=8BITMIME\\r\\nRCPT TO:<c@d.test>\\r\\n')
print(reply()); print(reply())
sizes, at = [1, 333, 4097, 9999], 0
for n in sizes:
    s.sendall(b'BDAT %d\\r\\n' % n + msg[at:at + n]); at += n; print(reply())
s.sendall(b'BDAT %d LAST\\r\\n' % (len(msg) - at) + msg[at:]); print(reply())
s.sendall(b'QUIT\\r\\n'); print(reply())
`;

describe('python', () => {
  for (const mode of ['plain', 'tls'] as const) {
    it(`smtplib delivers byte for byte (${mode}${mode === 'tls' ? ' + AUTH' : ''})`, async () => {
      const msg = message(`smtplib ${mode}`);
      const file = join(t.spool.dir, `py-${n++}.msg`);
      await writeFile(file, msg);
      const port = mode === 'plain' ? t.ports.mx : t.ports.submission;
      const { stdout } = await run('python3', ['-c', PY_SMTPLIB, String(port), mode, file]);
      assert.equal(stdout.trim(), 'refused {}');
      assert.equal(await lastHash(), sha256(msg));
      if (mode === 'tls') assert.equal(t.spool.messages.at(-1)?.envelope.client.authUser, 'bob@example.test');
    });
  }

  it('a raw socket delivers with BDAT chunks byte for byte', async () => {
    const msg = message('bdat');
    const file = join(t.spool.dir, `bdat-${n++}.msg`);
    await writeFile(file, msg);
    const { stdout } = await run('python3', ['-c', PY_BDAT, String(t.ports.mx), file]);
    const lines = stdout.trim().split('\n');
    assert.equal(lines[0], '220 mx.test ESMTP mailward');
    assert.deepEqual(lines.slice(1, 7), [
      '250 2.1.0 Ok',
      '250 2.1.5 Ok',
      '250 2.0.0 Ok: 1 octets received',
      '250 2.0.0 Ok: 333 octets received',
      '250 2.0.0 Ok: 4097 octets received',
      '250 2.0.0 Ok: 9999 octets received',
    ]);
    assert.match(lines[7] ?? '', /^250 2\.0\.0 Ok: queued as /);
    assert.equal(lines[8], '221 2.0.0 Bye');
    assert.equal(await lastHash(), sha256(msg));
  });
});

describe('nodemailer', () => {
  it('delivers a raw message over STARTTLS with AUTH byte for byte', async () => {
    const msg = message('nodemailer');
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: t.ports.submission,
      secure: false,
      requireTLS: true,
      name: 'client.test',
      tls: { rejectUnauthorized: false },
      auth: { user: 'alice', pass: 'secret' },
    });
    const info = await transport.sendMail({ envelope: { from: 'alice@b.test', to: ['c@d.test'] }, raw: msg });
    transport.close();
    assert.match(info.response, /^250 2\.0\.0 Ok: queued as /);
    assert.equal(await lastHash(), sha256(msg));
    assert.equal(t.spool.messages.at(-1)?.envelope.client.tls, true);
  });
});
