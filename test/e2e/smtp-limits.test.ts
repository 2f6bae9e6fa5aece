/**
 * Session limits and the hook error boundary: errors per session, command and DATA timeouts,
 * early talkers, connections in total and per IP, onConnect refusals, and a throwing onData
 * hook becoming `451 4.3.0` (RFC 5321 §4.3.1, §4.5.3.2).
 */
import assert from 'node:assert/strict';
import { connect, Socket } from 'node:net';
import { describe, it } from 'node:test';
import { reply } from '../../src/core/reply.js';
import { SmtpClient } from '../helpers/smtp-dialogue.js';
import { startTestServer } from '../helpers/smtp-test-server.js';

describe('limits', () => {
  it('says 421 and closes after too many errors', async () => {
    const t = await startTestServer({ limits: { maxErrors: 3 } });
    const c = await SmtpClient.connect(t.ports.mx);
    await c.run([
      { s: /^220 / },
      { c: 'FOO', s: /^500 / },
      { c: 'BAR', s: /^500 / },
      { c: 'BAZ', s: ['500 5.5.2 Error: command not recognized', '421 4.7.0 mx.test Error: too many errors'] },
    ]);
    assert.equal(await c.closedByServer(), true);
    await t.stop();
  });

  it('times out an idle client with 421 4.4.2, also in the middle of DATA', async () => {
    const t = await startTestServer({ limits: { commandTimeoutMs: 150, dataTimeoutMs: 150 } });
    const c = await SmtpClient.connect(t.ports.mx);
    await c.run([{ s: /^220 / }, { s: '421 4.4.2 mx.test Error: timeout exceeded' }]);
    assert.equal(await c.closedByServer(), true);
    const d = await SmtpClient.connect(t.ports.mx);
    await d.run([
      { s: /^220 / },
      { c: 'EHLO c.test', s: /^250-/ },
      { c: 'MAIL FROM:<a@b.test>', s: /^250 / },
      { c: 'RCPT TO:<c@d.test>', s: /^250 / },
      { c: 'DATA', s: /^354 / },
      { raw: 'Subject: slow\r\n', s: '421 4.4.2 mx.test Error: timeout exceeded' },
    ]);
    assert.equal(await d.closedByServer(), true);
    assert.equal(t.spool.messages.length, 0);
    await t.stop();
  });

  it('cuts off a client that trickles a command one byte at a time (the timeout is per line)', async () => {
    const t = await startTestServer({ limits: { commandTimeoutMs: 400 } });
    const c = await SmtpClient.connect(t.ports.mx);
    await c.expect(/^220 /);
    const t0 = Date.now();
    let sent = 0;
    const trickle = setInterval(() => {
      if (sent < 40) c.write('NOOP'.charAt(sent++ % 4));
    }, 50);
    try {
      await c.expect('421 4.4.2 mx.test Error: timeout exceeded');
      const took = Date.now() - t0;
      assert.ok(took >= 350 && took < 1500, `cut off after ${took} ms of trickling`);
      assert.equal(await c.closedByServer(), true);
    } finally {
      clearInterval(trickle);
    }
    await t.stop();
  });

  it('under stress (80% of the connection limit) idle clients get the short timeout and free their slots', async () => {
    const t = await startTestServer({
      limits: { maxConnections: 5, maxConnectionsPerIp: 5, commandTimeoutMs: 60_000, stressTimeoutMs: 1000 },
    });
    // below the stress mark (4 of 5): two idle clients keep their 60 s timeout
    const calm = [await SmtpClient.connect(t.ports.mx), await SmtpClient.connect(t.ports.mx)];
    for (const c of calm) await c.expect(/^220 /);
    await new Promise((r) => setTimeout(r, 1300));
    for (const c of calm) assert.equal(c.pendingText, '');
    // two more: now 4 open, under stress; their first wait is short
    const idle = [await SmtpClient.connect(t.ports.mx), await SmtpClient.connect(t.ports.mx)];
    for (const c of idle) await c.expect(/^220 /);
    const t0 = Date.now();
    // every idle client is cut loose, also the two that came before the stress began
    for (const c of [...idle, ...calm]) await c.expect('421 4.4.2 mx.test Error: timeout exceeded');
    assert.ok(Date.now() - t0 < 2500, 'cut off after the stress timeout');
    // the freed slots serve a client that talks
    const talker = await SmtpClient.connect(t.ports.mx);
    await talker.run([{ s: /^220 / }, { c: 'EHLO ok.test', s: /^250[ -]/ }, { c: 'QUIT', s: /^221 / }]);
    await t.stop();
  });

  it('refuses a client that talks before the greeting with 554 and closes', async () => {
    const t = await startTestServer({ limits: { greetingDelayMs: 200 } });
    const c = await SmtpClient.connect(t.ports.mx);
    c.write('EHLO hasty.test\r\n');
    await c.expect('554 5.5.0 Error: SMTP protocol synchronization: talked before the greeting');
    assert.equal(await c.closedByServer(), true);
    const d = await SmtpClient.connect(t.ports.mx);
    await d.run([{ s: '220 mx.test ESMTP mailward' }]);
    d.close();
    await t.stop();
  });

  it('refuses connections over the total and per-IP limits with 421 4.7.0 at the greeting', async () => {
    const t = await startTestServer({ limits: { maxConnections: 3, maxConnectionsPerIp: 2 } });
    const a = await SmtpClient.connect(t.ports.mx);
    const b = await SmtpClient.connect(t.ports.mx, '127.0.0.1');
    await a.expect(/^220 /);
    await b.expect(/^220 /);
    const c = await SmtpClient.connect(t.ports.mx);
    await c.expect('421 4.7.0 mx.test Too many connections, try again later');
    assert.equal(await c.closedByServer(), true);
    // Another loopback address is another IP: under the per-IP limit, at the total limit.
    const d = await SmtpClient.connect(t.ports.mx, '127.0.0.2').catch(() => null);
    if (d) {
      await d.expect(/^220 /);
      const e = await SmtpClient.connect(t.ports.mx, '127.0.0.3');
      await e.expect('421 4.7.0 mx.test Too many connections, try again later');
      d.close();
    }
    a.close();
    await new Promise((r) => setTimeout(r, 50));
    const f = await SmtpClient.connect(t.ports.mx);
    await f.expect(/^220 /);
    f.close();
    b.close();
    await t.stop();
  });

  it('sends the onConnect refusal instead of the greeting', async () => {
    const t = await startTestServer({
      hooks: { onConnect: async () => reply(554, '5.7.1', 'mx.test your address is blocklisted') },
    });
    const c = await SmtpClient.connect(t.ports.mx);
    await c.expect('554 5.7.1 mx.test your address is blocklisted');
    assert.equal(await c.closedByServer(), true);
    await t.stop();
  });

  it('answers 451 4.3.0 when onData throws, and the session goes on', async () => {
    const t = await startTestServer({
      hooks: {
        onData: async (_v, _e, body) => {
          for await (const _ of body);
          throw new Error('disk full');
        },
      },
    });
    const c = await SmtpClient.connect(t.ports.mx);
    await c.run([
      { s: /^220 / },
      { c: 'EHLO c.test', s: /^250-/ },
      { c: 'MAIL FROM:<a@b.test>', s: /^250 / },
      { c: 'RCPT TO:<c@d.test>', s: /^250 / },
      { c: 'DATA', s: /^354 / },
      { raw: 'x\r\n.\r\n', s: '451 4.3.0 Error: internal error, try again later' },
      { c: 'NOOP', s: '250 2.0.0 Ok' },
    ]);
    c.close();
    await t.stop();
  });

  it('sets TCP_NODELAY on every accepted socket', async () => {
    const calls: unknown[] = [];
    const original = Socket.prototype.setNoDelay;
    Socket.prototype.setNoDelay = function (this: Socket, noDelay?: boolean) {
      calls.push(noDelay);
      return original.call(this, noDelay);
    };
    try {
      const t = await startTestServer();
      const c = await SmtpClient.connect(t.ports.mx);
      await c.expect(/^220 /);
      c.close();
      await t.stop();
    } finally {
      Socket.prototype.setNoDelay = original;
    }
    assert.ok(calls.includes(true), `setNoDelay calls: ${JSON.stringify(calls)}`);
  });

  it('answers every pipelined command of a client that half-closes right after sending', async () => {
    const t = await startTestServer();
    const sock = connect({ port: t.ports.mx, host: '127.0.0.1', allowHalfOpen: true });
    let text = '';
    sock.setEncoding('latin1');
    sock.on('data', (d: string) => {
      text += d;
    });
    // Wait for the greeting: talking first would make this an early talker.
    while (!text.includes('\r\n')) await new Promise((r) => sock.once('data', r));
    sock.end('EHLO c.test\r\nNOOP\r\nQUIT\r\n');
    await new Promise((r) => sock.once('close', r));
    assert.match(
      text,
      /^220 mx\.test ESMTP mailward\r\n250-mx\.test Hello c\.test\r\n[\s\S]*\r\n250 2\.0\.0 Ok\r\n221 2\.0\.0 Bye\r\n$/,
    );
    await t.stop();
  });
});
