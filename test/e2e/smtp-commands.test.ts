/**
 * Scripted dialogues for every SMTP command and its error paths (RFC 5321 §4.1, RFC 1870,
 * RFC 3461, RFC 6531, RFC 2034 enhanced codes), against the engine on port 0.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { reply } from '../../src/core/reply.js';
import { SmtpClient, type Step } from '../helpers/smtp-dialogue.js';
import { startTestServer, type TestServer } from '../helpers/smtp-test-server.js';

let t: TestServer;
const seen: { mail?: Map<string, string | true>; helo?: string } = {};

before(async () => {
  t = await startTestServer({
    limits: { maxRecipients: 3, maxErrors: 20, maxMessageSize: 10_000 },
    hooks: {
      onHelo: async (_v, name) => {
        seen.helo = name;
        return name === 'refused.test' ? reply(550, '5.7.1', 'go away') : undefined;
      },
      onMail: async (_v, _from, params) => {
        seen.mail = new Map(params);
        return undefined;
      },
      onRcpt: async (_v, _from, rcpt) => {
        if (rcpt.address.domain === 'elsewhere.test') return reply(553, '5.7.1', 'not an open relay');
        if (rcpt.address.domain === 'crash.test') throw new Error('store down');
        return undefined;
      },
    },
  });
});
after(() => t.stop());

async function dialogue(steps: Step[]): Promise<SmtpClient> {
  const c = await SmtpClient.connect(t.ports.mx);
  await c.expect('220 mx.test ESMTP mailward');
  await c.run(steps);
  return c;
}

const EHLO: Step = { c: 'EHLO client.test', s: /^250-mx\.test Hello client\.test\n/ };

describe('EHLO and HELO', () => {
  it('lists the extensions, STARTTLS before TLS, no AUTH on mx', async () => {
    const c = await dialogue([]);
    c.write('EHLO client.test\r\n');
    assert.equal(
      await c.reply(),
      [
        '250-mx.test Hello client.test',
        '250-PIPELINING',
        '250-SIZE 10000',
        '250-8BITMIME',
        '250-SMTPUTF8',
        '250-ENHANCEDSTATUSCODES',
        '250-DSN',
        '250-CHUNKING',
        '250 STARTTLS',
      ].join('\n'),
    );
    c.close();
  });

  it('answers HELO with one line, and refuses invalid names and 8-bit bytes', async () => {
    const c = await dialogue([
      { c: 'HELO client.test', s: '250 mx.test Hello client.test' },
      { c: 'HELO bad name', s: '501 5.5.2 Error: invalid host name in HELO/EHLO' },
      { c: 'EHLO', s: '501 5.5.4 Syntax: EHLO <hostname>' },
      { raw: Buffer.from('EHLO caf\xe9.test\r\n', 'latin1'), s: '500 5.5.2 Error: invalid characters in command' },
      { c: 'EHLO [127.0.0.1]', s: /^250-mx\.test Hello \[127\.0\.0\.1\]/ },
      { c: 'EHLO [999.1.1.1]', s: /^501 5\.5\.2 / },
    ]);
    c.close();
  });

  it('passes the name to onHelo and sends its refusal', async () => {
    const c = await dialogue([{ c: 'EHLO refused.test', s: '550 5.7.1 go away' }]);
    assert.equal(seen.helo, 'refused.test');
    await c.run([{ c: 'MAIL FROM:<a@b.test>', s: '503 5.5.1 Error: send HELO/EHLO first' }]);
    c.close();
  });
});

describe('MAIL and RCPT', () => {
  it('refuses MAIL before EHLO, nested MAIL, RCPT before MAIL and DATA before MAIL', async () => {
    const c = await dialogue([
      { c: 'MAIL FROM:<a@b.test>', s: '503 5.5.1 Error: send HELO/EHLO first' },
      { c: 'RCPT TO:<a@b.test>', s: '503 5.5.1 Error: need MAIL command' },
      { c: 'DATA', s: '503 5.5.1 Error: need MAIL command' },
      EHLO,
      { c: 'MAIL FROM:<a@b.test>', s: '250 2.1.0 Ok' },
      { c: 'MAIL FROM:<a@b.test>', s: '503 5.5.1 Error: nested MAIL command' },
      { c: 'DATA', s: '554 5.5.1 Error: no valid recipients' },
    ]);
    c.close();
  });

  it('checks path syntax: 501 5.1.7 for senders, 501 5.1.3 for recipients', async () => {
    const c = await dialogue([
      EHLO,
      { c: 'MAIL FROM:a@b.test', s: /^501 5\.1\.7 / },
      { c: 'MAIL FROM:<a@@b>', s: /^501 5\.1\.7 / },
      { c: 'MAIL TO:<a@b.test>', s: '501 5.5.4 Syntax: MAIL FROM:<address>' },
      { c: 'MAIL FROM: <>', s: '250 2.1.0 Ok' },
      { c: 'RCPT TO:<>', s: /^501 5\.1\.3 / },
      { c: 'RCPT TO:<x y@b.test>', s: /^501 5\.1\.3 / },
      { c: 'RCPT TO:<Postmaster>', s: '250 2.1.5 Ok' },
      { c: 'RCPT TO:<"quoted>str"@b.test>', s: '250 2.1.5 Ok' },
      { c: 'RCPT TO:<user%remote@b.test>', s: '250 2.1.5 Ok' },
    ]);
    c.close();
  });

  it('parses and validates SIZE, BODY, RET, ENVID, NOTIFY, ORCPT and refuses unknown ones', async () => {
    const c = await dialogue([
      EHLO,
      { c: 'MAIL FROM:<a@b.test> FOO=1', s: '555 5.5.4 Unsupported parameter: FOO' },
      { c: 'MAIL FROM:<a@b.test> SIZE=10001', s: '552 5.3.4 Error: message exceeds fixed maximum message size' },
      { c: 'MAIL FROM:<a@b.test> SIZE=x', s: '501 5.5.4 Invalid parameter: SIZE' },
      { c: 'MAIL FROM:<a@b.test> BODY=BINARYMIME', s: '501 5.5.4 Invalid parameter: BODY' },
      { c: 'MAIL FROM:<a@b.test> RET=ALL', s: '501 5.5.4 Invalid parameter: RET' },
      { c: 'MAIL FROM:<a@b.test> SIZE=1 SIZE=2', s: '501 5.5.4 Invalid parameter: duplicate parameter SIZE' },
      { c: 'MAIL FROM:<a@b.test> SIZE=100 BODY=8BITMIME RET=HDRS ENVID=abc+2Bdef', s: '250 2.1.0 Ok' },
      { c: 'RCPT TO:<c@d.test> NOTIFY=NEVER,SUCCESS', s: '501 5.5.4 Invalid parameter: NOTIFY' },
      { c: 'RCPT TO:<c@d.test> ORCPT=rfc822', s: '501 5.5.4 Invalid parameter: ORCPT' },
      { c: 'RCPT TO:<c@d.test> BAR', s: '555 5.5.4 Unsupported parameter: BAR' },
      { c: 'RCPT TO:<c@d.test> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;c+2Bx@d.test', s: '250 2.1.5 Ok' },
      { c: 'DATA', s: /^354 / },
      { raw: 'hello\r\n.\r\n', s: /^250 2\.0\.0 Ok: queued as / },
    ]);
    assert.deepEqual(
      [...(seen.mail ?? [])],
      [
        ['SIZE', '100'],
        ['BODY', '8BITMIME'],
        ['RET', 'HDRS'],
        ['ENVID', 'abc+2Bdef'],
      ],
    );
    const env = t.spool.messages.at(-1)?.envelope;
    assert.deepEqual(
      { body: env?.body, dsn: env?.dsn, size: env?.declaredSize, rcpts: env?.rcpts.map((r) => [r.orcpt, r.notify]) },
      {
        body: '8BITMIME',
        dsn: { ret: 'HDRS', envid: 'abc+def' },
        size: 100,
        rcpts: [['rfc822;c+x@d.test', ['SUCCESS', 'DELAY']]],
      },
    );
    c.close();
  });

  it('refuses parameters after HELO and UTF-8 without SMTPUTF8', async () => {
    const c = await dialogue([
      { c: 'HELO client.test', s: /^250 / },
      { c: 'MAIL FROM:<a@b.test> SIZE=10', s: '555 5.5.4 Unsupported parameter: SIZE' },
      EHLO,
      { c: 'MAIL FROM:<rené@b.test>', s: '553 5.6.7 Non-ASCII address requires SMTPUTF8' },
      { c: 'MAIL FROM:<rené@b.test> SMTPUTF8', s: '250 2.1.0 Ok' },
      { c: 'RCPT TO:<zoë@bücher.test>', s: '250 2.1.5 Ok' },
      { raw: Buffer.from('RCPT TO:<\xff@b.test>\r\n', 'latin1'), s: '500 5.5.2 Error: invalid characters in command' },
    ]);
    c.close();
  });

  it('sends the policy reply from onRcpt as is, and 451 4.3.0 when the hook throws', async () => {
    const c = await dialogue([
      EHLO,
      { c: 'MAIL FROM:<a@b.test>', s: /^250 / },
      { c: 'RCPT TO:<x@elsewhere.test>', s: '553 5.7.1 not an open relay' },
      { c: 'RCPT TO:<x@crash.test>', s: '451 4.3.0 Error: internal error, try again later' },
      { c: 'DATA', s: '554 5.5.1 Error: no valid recipients' },
    ]);
    c.close();
  });

  it('limits recipients per message with 452 4.5.3', async () => {
    const c = await dialogue([
      EHLO,
      { c: 'MAIL FROM:<a@b.test>', s: /^250 / },
      { c: 'RCPT TO:<r1@d.test>', s: /^250 / },
      { c: 'RCPT TO:<r2@d.test>', s: /^250 / },
      { c: 'RCPT TO:<r3@d.test>', s: /^250 / },
      { c: 'RCPT TO:<r4@d.test>', s: '452 4.5.3 Error: too many recipients' },
      { c: 'RSET', s: '250 2.0.0 Ok' },
      { c: 'RCPT TO:<r1@d.test>', s: '503 5.5.1 Error: need MAIL command' },
    ]);
    c.close();
  });
});

describe('other commands', () => {
  it('answers NOOP, HELP, VRFY, EXPN (never revealing users), unknown commands and QUIT', async () => {
    const c = await dialogue([
      { c: 'NOOP', s: '250 2.0.0 Ok' },
      { c: 'HELP', s: /^214-2\.0\.0 Commands: .*\n214 2\.0\.0 See RFC 5321$/ },
      { c: 'VRFY root', s: '252 2.5.0 Cannot verify the user, but will accept the message and try' },
      { c: 'EXPN staff', s: '252 2.5.0 Cannot verify the user, but will accept the message and try' },
      { c: 'RSET now', s: '501 5.5.4 Syntax: RSET' },
      { c: 'FOO bar', s: '500 5.5.2 Error: command not recognized' },
      { c: 'STARTTLS x', s: '501 5.5.4 Syntax: STARTTLS' },
      { c: 'AUTH PLAIN', s: '502 5.5.1 Error: command not implemented' },
      { c: 'QUIT', s: '221 2.0.0 Bye' },
    ]);
    assert.equal(await c.closedByServer(), true);
  });

  it('refuses a very long line with 500 5.5.2 and stays in step', async () => {
    const c = await dialogue([
      { c: `NOOP ${'x'.repeat(5000)}`, s: '500 5.5.2 Error: line too long' },
      { c: `NOOP ${'x'.repeat(20000)}`, s: '500 5.5.2 Error: line too long' },
      { c: `NOOP ${'x'.repeat(990)}`, s: '250 2.0.0 Ok' },
      { c: 'NOOP', s: '250 2.0.0 Ok' },
    ]);
    c.close();
  });
});
