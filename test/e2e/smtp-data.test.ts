/**
 * DATA and BDAT end to end: dot-unstuffing, the smuggling family, bare newlines, size, content
 * pipelined before the 354, pipelined groups split at every byte boundary, BDAT chunks of odd
 * sizes (RFC 5321 §4.1.1.4, RFC 2920, RFC 3030, RFC 1870).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SmtpClient } from '../helpers/smtp-dialogue.js';
import { startTestServer, type TestServer } from '../helpers/smtp-test-server.js';

let t: TestServer;
before(async () => {
  t = await startTestServer({ limits: { maxMessageSize: 2000, maxErrors: 50 } });
});
after(() => t.stop());

async function ready(): Promise<SmtpClient> {
  const c = await SmtpClient.connect(t.ports.mx);
  await c.run([{ s: /^220 / }, { c: 'EHLO client.test', s: /^250-/ }]);
  return c;
}

const QUEUED = /^250 2\.0\.0 Ok: queued as [0-9a-f]{16}$/;

describe('DATA', () => {
  it('stores the dot-unstuffed body byte for byte', async () => {
    const before = t.spool.messages.length;
    const c = await ready();
    await c.run([
      { c: 'MAIL FROM:<a@b.test>', s: /^250 / },
      { c: 'RCPT TO:<c@d.test>', s: /^250 / },
      { c: 'DATA', s: '354 End data with <CR><LF>.<CR><LF>' },
      { raw: 'Subject: t\r\n\r\n..leading dot\r\n.\r\n', s: QUEUED },
    ]);
    const bodies = await t.spool.bodies();
    assert.equal(t.spool.messages.length, before + 1);
    assert.equal(bodies.at(-1)?.toString(), 'Subject: t\r\n\r\n.leading dot\r\n');
    c.close();
  });

  for (const marker of ['\n.\n', '\n.\r\n', '\r.\r\n', '\r\n.\r', '\r\n.\n']) {
    it(`gives one reply and stores no second message for ${JSON.stringify(marker)} (smuggling)`, async () => {
      const before = t.spool.messages.length;
      const c = await ready();
      await c.run([
        { c: 'MAIL FROM:<a@b.test>', s: /^250 / },
        { c: 'RCPT TO:<c@d.test>', s: /^250 / },
        { c: 'DATA', s: /^354 / },
      ]);
      c.write(
        `Subject: one\r\n\r\nbody${marker}MAIL FROM:<evil@x.test>\r\nRCPT TO:<victim@d.test>\r\nDATA\r\n\r\nsmuggled\r\n.\r\n`,
      );
      assert.equal(
        await c.reply(),
        '550 5.5.2 Error: message contains bare <CR> or <LF>; lines must end with <CR><LF>',
      );
      c.write('NOOP\r\n');
      // The next reply answers NOOP: nothing of the payload was read as a command.
      assert.equal(await c.reply(), '250 2.0.0 Ok');
      assert.equal(t.spool.messages.length, before);
      assert.deepEqual(
        (await t.spool.files()).filter((f) => f.endsWith('.tmp')),
        [],
      );
      c.close();
    });
  }

  it('normalizes bare newlines when configured, still without a second message', async () => {
    const n = await startTestServer({ limits: { bareNewline: 'normalize' } });
    const c = await SmtpClient.connect(n.ports.mx);
    await c.run([
      { s: /^220 / },
      { c: 'EHLO client.test', s: /^250-/ },
      { c: 'MAIL FROM:<a@b.test>', s: /^250 / },
      { c: 'RCPT TO:<c@d.test>', s: /^250 / },
      { c: 'DATA', s: /^354 / },
      { raw: 'a\nb\n.\nMAIL FROM:<e@x.test>\r\n.\r\n', s: QUEUED },
    ]);
    assert.deepEqual(
      (await n.spool.bodies()).map((b) => b.toString()),
      ['a\r\nb\r\n.\r\nMAIL FROM:<e@x.test>\r\n'],
    );
    c.close();
    await n.stop();
  });

  it('refuses a text line over max_text_line_length with 554 5.6.0 when configured', async () => {
    const n = await startTestServer({ limits: { maxTextLineLength: 998 } });
    const c = await SmtpClient.connect(n.ports.mx);
    await c.run([
      { s: /^220 / },
      { c: 'EHLO client.test', s: /^250-/ },
      { c: 'MAIL FROM:<a@b.test>', s: /^250 / },
      { c: 'RCPT TO:<c@d.test>', s: /^250 / },
      { c: 'DATA', s: /^354 / },
      {
        raw: `${'x'.repeat(998)}\r\n${'y'.repeat(999)}\r\n.\r\n`,
        s: '554 5.6.0 Error: message has a line longer than 998 octets',
      },
      { c: 'NOOP', s: '250 2.0.0 Ok' },
    ]);
    assert.equal(n.spool.messages.length, 0);
    c.close();
    await n.stop();
  });

  it('refuses an oversized message with 552 5.3.4 after reading it, and keeps the session', async () => {
    const before = t.spool.messages.length;
    const c = await ready();
    await c.run([
      { c: 'MAIL FROM:<a@b.test>', s: /^250 / },
      { c: 'RCPT TO:<c@d.test>', s: /^250 / },
      { c: 'DATA', s: /^354 / },
      {
        raw: `${`${'x'.repeat(998)}\r\n`.repeat(5)}.\r\n`,
        s: '552 5.3.4 Error: message exceeds fixed maximum message size',
      },
      { c: 'NOOP', s: '250 2.0.0 Ok' },
    ]);
    assert.equal(t.spool.messages.length, before);
    c.close();
  });

  it('refuses content sent before the 354 and closes', async () => {
    const before = t.spool.messages.length;
    const c = await ready();
    c.write('MAIL FROM:<a@b.test>\r\nRCPT TO:<c@d.test>\r\nDATA\r\nSubject: early\r\n\r\nx\r\n.\r\n');
    assert.equal(await c.reply(), '250 2.1.0 Ok');
    assert.equal(await c.reply(), '250 2.1.5 Ok');
    assert.equal(
      await c.reply(),
      '554 5.5.0 Error: SMTP protocol synchronization: message content sent before the 354 reply',
    );
    assert.equal(await c.closedByServer(), true);
    assert.equal(t.spool.messages.length, before);
  });

  it('answers a pipelined group split at every byte boundary in one piece each time', async () => {
    const group = 'MAIL FROM:<a@b.test>\r\nRCPT TO:<c@d.test>\r\nRCPT TO:<e@d.test>\r\nDATA\r\n';
    for (let cut = 1; cut < group.length; cut += 1) {
      const c = await ready();
      c.write(group.slice(0, cut));
      await new Promise((r) => setImmediate(r));
      c.write(group.slice(cut));
      assert.equal(await c.reply(), '250 2.1.0 Ok');
      assert.equal(await c.reply(), '250 2.1.5 Ok');
      assert.equal(await c.reply(), '250 2.1.5 Ok');
      assert.equal(await c.reply(), '354 End data with <CR><LF>.<CR><LF>');
      c.write(`cut ${cut}\r\n.\r\nQUIT\r\n`);
      assert.match((await c.reply()) ?? '', QUEUED);
      assert.equal(await c.reply(), '221 2.0.0 Bye');
      c.close();
    }
    const bodies = (await t.spool.bodies()).map((b) => b.toString());
    assert.equal(bodies.filter((b) => b.startsWith('cut ')).length, group.length - 1);
  });
});

describe('BDAT', () => {
  it('joins chunks of odd sizes, with pipelined BDAT commands, byte for byte', async () => {
    const body = Buffer.from(`Subject: chunks\r\n\r\n${'.line\r\n'.repeat(20)}bare\nend`);
    const sizes = [1, 7, 0, 13, 100];
    const chunks: Buffer[] = [];
    let at = 0;
    for (const n of sizes) {
      chunks.push(body.subarray(at, at + n));
      at += n;
    }
    chunks.push(body.subarray(at));
    const c = await ready();
    let wire = 'MAIL FROM:<a@b.test> BODY=8BITMIME\r\nRCPT TO:<c@d.test>\r\n';
    chunks.forEach((ch, i) => {
      wire += `BDAT ${ch.length}${i === chunks.length - 1 ? ' LAST' : ''}\r\n${ch.toString('latin1')}`;
    });
    c.write(Buffer.from(wire, 'latin1'));
    await c.run([{ s: '250 2.1.0 Ok' }, { s: '250 2.1.5 Ok' }]);
    for (const ch of chunks.slice(0, -1)) await c.expect(`250 2.0.0 Ok: ${ch.length} octets received`);
    await c.expect(QUEUED);
    assert.deepEqual(await t.spool.bodies().then((b) => b.at(-1)), body);
    c.close();
  });

  it('refuses BDAT out of sequence and DATA after BDAT, reading the chunk so it stays in step', async () => {
    const c = await ready();
    await c.run([
      { raw: 'BDAT 10\r\nNOOP\r\nXX\r\n', s: '503 5.5.1 Error: need MAIL command' },
      { c: 'MAIL FROM:<a@b.test>', s: /^250 / },
      { raw: 'BDAT 4 LAST\r\nQUIT', s: '554 5.5.1 Error: no valid recipients' },
      { c: 'RCPT TO:<c@d.test>', s: /^250 / },
      { raw: 'BDAT 3\r\nabc', s: '250 2.0.0 Ok: 3 octets received' },
      { c: 'DATA', s: '503 5.5.1 Error: DATA after BDAT' },
      { raw: 'BDAT 0 LAST\r\n', s: QUEUED },
    ]);
    assert.equal((await t.spool.bodies()).at(-1)?.toString(), 'abc');
    c.close();
  });

  it('refuses a chunked message over the size limit with 552 5.3.4 and ends the transaction', async () => {
    const before = t.spool.messages.length;
    const c = await ready();
    await c.run([
      { c: 'MAIL FROM:<a@b.test>', s: /^250 / },
      { c: 'RCPT TO:<c@d.test>', s: /^250 / },
      { raw: `BDAT 1500\r\n${'y'.repeat(1500)}`, s: '250 2.0.0 Ok: 1500 octets received' },
      { raw: `BDAT 600\r\n${'y'.repeat(600)}`, s: '552 5.3.4 Error: message exceeds fixed maximum message size' },
      { raw: 'BDAT 5 LAST\r\nyyyyy', s: '503 5.5.1 Error: need MAIL command' },
      { c: 'NOOP', s: '250 2.0.0 Ok' },
    ]);
    assert.equal(t.spool.messages.length, before);
    c.close();
  });

  it('closes the connection on a BDAT without a usable size', async () => {
    const c = await ready();
    await c.run([{ c: 'BDAT x', s: '501 5.5.4 Syntax: BDAT <size> [LAST]' }]);
    assert.equal(await c.closedByServer(), true);
  });
});
