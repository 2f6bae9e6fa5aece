/**
 * STARTTLS (RFC 3207), implicit TLS (RFC 8314) and AUTH PLAIN/LOGIN (RFC 4954, RFC 4616):
 * pipelined garbage after STARTTLS is discarded and the session starts over, AUTH is not
 * offered nor accepted before TLS, never inside a transaction, and a foreign authorization
 * identity is refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { reply } from '../../src/core/reply.js';
import { SmtpClient } from '../helpers/smtp-dialogue.js';
import { startTestServer, type TestServer } from '../helpers/smtp-test-server.js';

let t: TestServer;
before(async () => {
  t = await startTestServer({
    hooks: {
      // auth_required lives in policy; this stands in for it through the hook.
      onMail: async (v) =>
        v.client.role !== 'mx' && !v.client.authUser ? reply(553, '5.7.1', 'authentication is required') : undefined,
    },
  });
});
after(() => t.stop());

const b64 = (s: string) => Buffer.from(s).toString('base64');

async function submissionOverTls(): Promise<SmtpClient> {
  const c = await SmtpClient.connect(t.ports.submission);
  await c.run([
    { s: /^220 / },
    { c: 'EHLO client.test', s: /^250-/ },
    { c: 'STARTTLS', s: '220 2.0.0 Ready to start TLS' },
  ]);
  await c.startTls();
  return c;
}

describe('STARTTLS', () => {
  it('does not offer AUTH before TLS and refuses it with 530 5.7.0', async () => {
    const c = await SmtpClient.connect(t.ports.submission);
    await c.expect(/^220 /);
    c.write('EHLO client.test\r\n');
    const ehlo = (await c.reply()) ?? '';
    assert.match(ehlo, /\n250 STARTTLS$/);
    assert.doesNotMatch(ehlo, /AUTH/);
    await c.run([
      { c: `AUTH PLAIN ${b64('\0alice\0secret')}`, s: '530 5.7.0 Must issue a STARTTLS command first' },
      { c: 'MAIL FROM:<alice@b.test>', s: '553 5.7.1 authentication is required' },
    ]);
    c.close();
  });

  it('discards commands pipelined after STARTTLS and starts the session over', async () => {
    const c = await SmtpClient.connect(t.ports.submission);
    await c.run([{ s: /^220 / }, { c: 'EHLO client.test', s: /^250-/ }]);
    c.write('STARTTLS\r\nMAIL FROM:<injected@x.test>\r\nRCPT TO:<victim@d.test>\r\n');
    await c.expect('220 2.0.0 Ready to start TLS');
    await c.startTls();
    await c.run([
      // The injected MAIL was discarded, and the HELO name is forgotten.
      { c: 'MAIL FROM:<a@b.test>', s: '503 5.5.1 Error: send HELO/EHLO first' },
      { c: 'EHLO client.test', s: /\n250 AUTH PLAIN LOGIN$/ },
      { c: 'STARTTLS', s: '503 5.5.1 Error: TLS already active' },
    ]);
    assert.equal(c.pendingText, '');
    c.close();
  });

  it('refuses STARTTLS where the listener has no TLS', async () => {
    const n = await startTestServer({ listeners: [{ tls: 'none' }] });
    const c = await SmtpClient.connect(n.ports.mx);
    await c.run([
      { s: /^220 / },
      { c: 'EHLO client.test', s: /\n250 CHUNKING$/ },
      { c: 'STARTTLS', s: '502 5.5.1 Error: command not implemented' },
    ]);
    c.close();
    await n.stop();
  });
});

describe('AUTH', () => {
  it('logs in with PLAIN (initial response), then MAIL passes the policy hook', async () => {
    const c = await submissionOverTls();
    await c.run([
      { c: 'EHLO client.test', s: /\n250 AUTH PLAIN LOGIN$/ },
      { c: `AUTH PLAIN ${b64('\0alice\0secret')}`, s: '235 2.7.0 Authentication successful' },
      { c: `AUTH PLAIN ${b64('\0alice\0secret')}`, s: '503 5.5.1 Error: already authenticated' },
      { c: 'MAIL FROM:<alice@b.test>', s: '250 2.1.0 Ok' },
    ]);
    c.close();
  });

  it('refuses a foreign authorization identity without asking the authenticator', async () => {
    const c = await submissionOverTls();
    await c.run([
      { c: 'EHLO client.test', s: /^250-/ },
      {
        c: `AUTH PLAIN ${b64('bob@example.test\0alice\0secret')}`,
        s: '535 5.7.8 Error: the authorization identity must be empty or equal to the user name',
      },
      { c: `AUTH PLAIN ${b64('alice\0alice\0secret')}`, s: '235 2.7.0 Authentication successful' },
    ]);
    c.close();
  });

  it('logs in with LOGIN through challenges, refuses wrong passwords, cancels with *', async () => {
    const c = await submissionOverTls();
    await c.run([
      { c: 'EHLO client.test', s: /^250-/ },
      { c: 'AUTH LOGIN', s: `334 ${b64('Username:')}` },
      { c: '*', s: '501 5.7.0 Authentication cancelled' },
      { c: 'AUTH PLAIN', s: '334 ' },
      { c: 'not base64!', s: '501 5.5.2 Error: cannot decode the AUTH response' },
      { c: 'AUTH CRAM-MD5', s: '504 5.5.4 Error: unrecognized authentication mechanism' },
      { c: 'AUTH LOGIN', s: `334 ${b64('Username:')}` },
      { c: b64('bob@example.test'), s: `334 ${b64('Password:')}` },
      { c: b64('wrong'), s: '535 5.7.8 Error: authentication credentials invalid' },
      { c: `AUTH LOGIN ${b64('bob@example.test')}`, s: `334 ${b64('Password:')}` },
      { c: b64('hunter2'), s: '235 2.7.0 Authentication successful' },
    ]);
    c.close();
  });

  it('refuses AUTH inside a mail transaction with 503', async () => {
    const n = await startTestServer({ listeners: [{}, { authWithoutTls: 'loopback' }] });
    const c = await SmtpClient.connect(n.ports.submission);
    await c.run([
      { s: /^220 / },
      // Allowed without TLS on loopback by config: offered next to STARTTLS.
      { c: 'EHLO client.test', s: /\n250-STARTTLS\n250 AUTH PLAIN LOGIN$/ },
      { c: 'MAIL FROM:<a@b.test>', s: '250 2.1.0 Ok' },
      { c: `AUTH PLAIN ${b64('\0alice\0secret')}`, s: '503 5.5.1 Error: AUTH not allowed during a mail transaction' },
      { c: 'RSET', s: '250 2.0.0 Ok' },
      { c: `AUTH PLAIN ${b64('\0alice\0secret')}`, s: '235 2.7.0 Authentication successful' },
    ]);
    c.close();
    await n.stop();
  });

  it('closes the connection when the authenticator answers 421 (lockout)', async () => {
    const n = await startTestServer({
      listeners: [{}, { authWithoutTls: 'always' }],
      hooks: { authenticate: async () => ({ ok: false, reply: reply(421, '4.7.0', 'too many failed logins') }) },
    });
    const c = await SmtpClient.connect(n.ports.submission);
    await c.run([
      { s: /^220 / },
      { c: 'EHLO client.test', s: /^250-/ },
      { c: `AUTH PLAIN ${b64('\0alice\0x')}`, s: '421 4.7.0 too many failed logins' },
    ]);
    assert.equal(await c.closedByServer(), true);
    await n.stop();
  });
});

describe('implicit TLS', () => {
  it('greets over TLS, offers AUTH and no STARTTLS, and delivers', async () => {
    const c = await SmtpClient.connect(t.ports.submissions, '127.0.0.1', true);
    await c.run([
      { s: '220 mx.test ESMTP mailward' },
      { c: 'EHLO client.test', s: /\n250-CHUNKING\n250 AUTH PLAIN LOGIN$/ },
      { c: `AUTH PLAIN ${b64('\0alice\0secret')}`, s: /^235 / },
      { c: 'MAIL FROM:<alice@b.test>', s: /^250 / },
      { c: 'RCPT TO:<c@d.test>', s: /^250 / },
      { c: 'DATA', s: /^354 / },
      { raw: 'Subject: tls\r\n\r\nhi\r\n.\r\n', s: /^250 2\.0\.0 Ok: queued as / },
    ]);
    const env = t.spool.messages.at(-1)?.envelope;
    assert.deepEqual(
      { tls: env?.client.tls, user: env?.client.authUser, role: env?.client.role },
      { tls: true, user: 'alice', role: 'submissions' },
    );
    c.close();
  });
});
