/**
 * What our SMTP client puts on the wire: CRLF and dot-stuffing whatever the stored message
 * holds (issue #7, SMTP smuggling), DSN parameters only to a remote that offers DSN, several
 * messages over one connection, STARTTLS, and the smarthost with AUTH. Peers are reached
 * through routes (transport map), so each listens on its own port.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generate } from 'selfsigned';
import { deliverySchema } from '../../src/config/sections/delivery.js';
import { createSmtpTransport } from '../../src/delivery/smtp/transport.js';
import type { DeliveryJob, Transport } from '../../src/delivery/transport.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { type ScriptedPeer, startScriptedPeer } from '../helpers/scripted-peer.js';

const TIMEOUTS = { connect: 2, greeting: 2, command: 2, data_start: 2, data_block: 2, end_of_data: 2 };

describe('what the SMTP client sends', () => {
  let dns: TestDnsServer;
  let dir: string;
  let tls: { key: string; cert: string };
  const peers: ScriptedPeer[] = [];
  const transports: Transport[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'delivery-wire-'));
    dns = await startDnsServer({});
    const pems = await generate([{ name: 'commonName', value: 'peer.test' }], { keySize: 2048 });
    tls = { key: pems.private, cert: pems.cert };
  });
  after(async () => {
    await Promise.all(transports.map((t) => t.close()));
    await Promise.all(peers.map((p) => p.close()));
    await dns.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function setup(script: Parameters<typeof startScriptedPeer>[0], config: Record<string, unknown> = {}) {
    const peer = await startScriptedPeer(script);
    peers.push(peer);
    const transport = createSmtpTransport({
      resolver: dns.resolver,
      hostname: 'mail.ours.test',
      config: deliverySchema.parse({
        routes: { 'dest.test': `127.0.0.1:${peer.port}` },
        connection_reuse_idle: 0,
        timeouts: TIMEOUTS,
        ...config,
      }),
    });
    transports.push(transport);
    return { peer, transport };
  }

  async function job(body: string, extra: Partial<DeliveryJob> = {}): Promise<DeliveryJob> {
    const bodyPath = join(dir, `m${Math.random().toString(36).slice(2)}.eml`);
    await writeFile(bodyPath, body, 'latin1');
    return {
      queueId: 'Q1',
      from: 'alice@ours.test',
      rcpts: [{ address: 'bob@dest.test' }],
      dsn: {},
      bodyPath,
      size: Buffer.byteLength(body),
      smtputf8: false,
      body: '7BIT',
      attempt: 1,
      ...extra,
    };
  }

  it('sends bare LF and CR as CRLF and dot-stuffs, so "\\n.\\n" cannot end the message early', async () => {
    const { peer, transport } = await setup({});
    const body = 'Subject: x\n\nline one\n.\nMAIL FROM:<evil@x.test>\r\n.\rRCPT TO:<v@x.test>\r\nlast';
    const [o] = await transport.deliver(await job(body));
    assert.equal(o?.status, 'delivered');
    assert.equal(
      peer.connections[0]?.messages[0]?.toString('latin1'),
      'Subject: x\r\n\r\nline one\r\n..\r\nMAIL FROM:<evil@x.test>\r\n..\r\nRCPT TO:<v@x.test>\r\nlast\r\n.\r\n',
    );
    assert.deepEqual(
      peer.connections[0]?.commands.filter((c) => c.startsWith('MAIL')),
      [`MAIL FROM:<alice@ours.test> SIZE=${Buffer.byteLength(body)}`],
    );
  });

  it('passes RET, ENVID, NOTIFY and ORCPT to a remote that offers DSN', async () => {
    const { peer, transport } = await setup({ extensions: ['PIPELINING', 'SIZE 10240000', '8BITMIME', 'DSN'] });
    const j = await job('Subject: d\r\n\r\nx\r\n', {
      body: '8BITMIME',
      dsn: { ret: 'HDRS', envid: 'Q1+x=y' },
      rcpts: [{ address: 'bob@dest.test', notify: ['SUCCESS', 'FAILURE'], orcpt: 'rfc822;Bob@dest.test' }],
    });
    const [o] = await transport.deliver(j);
    assert.equal(o?.remoteDsn, true);
    assert.deepEqual(peer.connections[0]?.commands.slice(1, 3), [
      `MAIL FROM:<alice@ours.test> SIZE=${j.size} BODY=8BITMIME RET=HDRS ENVID=Q1+2Bx+3Dy`,
      'RCPT TO:<bob@dest.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;Bob@dest.test',
    ]);
  });

  it('leaves the DSN parameters out when the remote does not offer DSN', async () => {
    const { peer, transport } = await setup({ extensions: ['8BITMIME'] });
    const j = await job('x\r\n', {
      dsn: { ret: 'FULL', envid: 'E' },
      rcpts: [{ address: 'bob@dest.test', notify: 'NEVER' }],
    });
    const [o] = await transport.deliver(j);
    assert.equal(o?.status, 'delivered');
    assert.equal('remoteDsn' in (o ?? {}), false);
    // No PIPELINING either: one command at a time.
    assert.deepEqual(peer.connections[0]?.commands, [
      'EHLO mail.ours.test',
      'MAIL FROM:<alice@ours.test>',
      'RCPT TO:<bob@dest.test>',
      'DATA',
      'QUIT',
    ]);
  });

  it('carries two messages over one connection, with RSET between them', async () => {
    const { peer, transport } = await setup({}, { connection_reuse_idle: 5 });
    const [a] = await transport.deliver(await job('one\r\n'));
    const [b] = await transport.deliver(await job('two\r\n'));
    assert.equal(a?.status, 'delivered');
    assert.equal(b?.status, 'delivered');
    assert.equal(peer.connections.length, 1);
    assert.deepEqual(peer.connections[0]?.commands, [
      'EHLO mail.ours.test',
      'MAIL FROM:<alice@ours.test> SIZE=5',
      'RCPT TO:<bob@dest.test>',
      'DATA',
      'RSET',
      'MAIL FROM:<alice@ours.test> SIZE=5',
      'RCPT TO:<bob@dest.test>',
      'DATA',
    ]);
    assert.deepEqual(
      peer.connections[0]?.messages.map((m) => m.toString()),
      ['one\r\n.\r\n', 'two\r\n.\r\n'],
    );
    // The remote closes the idle connection: the next message opens a new one.
    peer.kick();
    await new Promise((r) => setTimeout(r, 20));
    const [c] = await transport.deliver(await job('three\r\n'));
    assert.equal(c?.status, 'delivered');
    assert.equal(peer.connections.length, 2);
  });

  it('uses STARTTLS when offered and says EHLO again inside TLS', async () => {
    const { peer, transport } = await setup({ tls });
    const [o] = await transport.deliver(await job('secret\r\n'));
    assert.equal(o?.status, 'delivered');
    assert.equal(peer.connections[0]?.tls, true);
    assert.deepEqual(peer.connections[0]?.commands.slice(0, 3), [
      'EHLO mail.ours.test',
      'STARTTLS',
      'EHLO mail.ours.test',
    ]);
  });

  it('retries without TLS when an opportunistic handshake fails', async () => {
    const { peer, transport } = await setup({ brokenTls: true });
    const [o] = await transport.deliver(await job('x\r\n'));
    assert.equal(o?.status, 'delivered');
    assert.equal(peer.connections.length, 2);
    assert.deepEqual(peer.connections[0]?.commands.slice(0, 2), ['EHLO mail.ours.test', 'STARTTLS']);
    assert.equal(peer.connections[1]?.commands.includes('STARTTLS'), false);
  });

  it('defers when TLS is required and the handshake fails', async () => {
    const { peer, transport } = await setup({ brokenTls: true }, { tls: 'required' });
    const [o] = await transport.deliver(await job('x\r\n'));
    assert.equal(o?.status, 'deferred');
    assert.equal(o?.stage, 'starttls');
    assert.equal(o?.reply.enhanced, '4.7.5');
    assert.equal(peer.connections.length, 1);
  });

  it('defers when TLS is required and the remote does not offer STARTTLS', async () => {
    const { peer, transport } = await setup({}, { tls: 'required' });
    const [o] = await transport.deliver(await job('x\r\n'));
    assert.deepEqual(o, {
      rcpt: 'bob@dest.test',
      status: 'deferred',
      reply: {
        code: 451,
        enhanced: '4.7.4',
        lines: [`TLS is required, but was not offered by 127.0.0.1[127.0.0.1]:${peer.port}`],
      },
      stage: 'starttls',
      remote: { host: '127.0.0.1', ip: '127.0.0.1', port: peer.port },
    });
    assert.deepEqual(peer.connections[0]?.commands, ['EHLO mail.ours.test', 'QUIT']);
  });

  it('fails with 5.4.6 when the remote greets us with our own name (a route back to ourselves)', async () => {
    const { peer, transport } = await setup({ greeting: '220 mail.ours.test ESMTP mailward' });
    const [o] = await transport.deliver(await job('x\r\n'));
    assert.equal(o?.status, 'failed');
    assert.equal(o?.stage, 'greeting');
    assert.deepEqual(o?.reply, {
      code: 554,
      enhanced: '5.4.6',
      lines: [
        `mail loops back to myself: 127.0.0.1[127.0.0.1]:${peer.port} greeted us with our own name mail.ours.test`,
      ],
    });
    assert.deepEqual(peer.connections[0]?.commands, ['QUIT']);
  });

  it('sends all remote mail through the smarthost with AUTH after STARTTLS', async () => {
    const auth = { username: 'relay-user', password: 's3cret' };
    const peer = await startScriptedPeer({ tls, auth });
    peers.push(peer);
    const make = (password: string) =>
      createSmtpTransport({
        resolver: dns.resolver,
        hostname: 'mail.ours.test',
        config: deliverySchema.parse({
          smarthost: { host: '127.0.0.1', port: peer.port, username: 'relay-user', password, tls: 'required' },
          connection_reuse_idle: 0,
          timeouts: TIMEOUTS,
        }),
      });
    const good = make('s3cret');
    transports.push(good);
    dns.queries.length = 0;
    const [o] = await good.deliver(await job('x\r\n', { rcpts: [{ address: 'zoe@anywhere.example' }] }));
    assert.equal(o?.status, 'delivered');
    assert.deepEqual(dns.queries, []);
    const plain = Buffer.from('\0relay-user\0s3cret').toString('base64');
    assert.deepEqual(peer.connections[0]?.commands.slice(0, 4), [
      'EHLO mail.ours.test',
      'STARTTLS',
      'EHLO mail.ours.test',
      `AUTH PLAIN ${plain}`,
    ]);

    const plainPeer = await startScriptedPeer({ auth });
    peers.push(plainPeer);
    const noTls = createSmtpTransport({
      resolver: dns.resolver,
      hostname: 'mail.ours.test',
      config: deliverySchema.parse({
        smarthost: {
          host: '127.0.0.1',
          port: plainPeer.port,
          username: 'relay-user',
          password: 's3cret',
          tls: 'opportunistic',
        },
        timeouts: TIMEOUTS,
      }),
    });
    transports.push(noTls);
    const [clear] = await noTls.deliver(await job('x\r\n', { rcpts: [{ address: 'zoe@anywhere.example' }] }));
    assert.equal(clear?.status, 'deferred');
    assert.deepEqual(clear?.reply.lines, [
      `not sending credentials to 127.0.0.1[127.0.0.1]:${plainPeer.port} without TLS`,
    ]);
    assert.deepEqual(plainPeer.connections[0]?.commands, ['EHLO mail.ours.test', 'QUIT']);

    const bad = make('wrong');
    transports.push(bad);
    const [d] = await bad.deliver(await job('x\r\n', { rcpts: [{ address: 'zoe@anywhere.example' }] }));
    assert.equal(d?.status, 'deferred');
    assert.equal(d?.stage, 'auth');
    assert.deepEqual(d?.reply.lines, [
      `authentication to 127.0.0.1[127.0.0.1]:${peer.port} failed: 535 5.7.8 Authentication credentials invalid`,
    ]);
  });
});
