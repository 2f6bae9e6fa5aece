/**
 * Remote delivery end to end: loopback DNS gives test domains MX records on 127.0.0.x, scripted
 * peers there answer; we assert each recipient's outcome and that the remote's reply is kept
 * verbatim with host, IP and stage.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { deliverySchema } from '../../src/config/sections/delivery.js';
import { createSmtpTransport } from '../../src/delivery/smtp/transport.js';
import type { DeliveryJob, Transport } from '../../src/delivery/transport.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { type ScriptedPeer, startScriptedPeer } from '../helpers/scripted-peer.js';

describe('remote delivery against scripted peers', () => {
  let dns: TestDnsServer;
  let dir: string;
  let bodyPath: string;
  let port: number;
  let transport: Transport;
  const peers: Record<string, ScriptedPeer> = {};

  async function startPeers(): Promise<void> {
    for (const k of Object.keys(peers)) delete peers[k];
    peers.ok = await startScriptedPeer({}, { host: '127.0.0.2' });
    port = peers.ok.port;
    for (const [name, ip] of [
      ['retry', '127.0.0.3'],
      ['rcpt5xx', '127.0.0.4'],
      ['eod5xx', '127.0.0.5'],
      ['drop', '127.0.0.6'],
      ['greet421', '127.0.0.7'],
      ['second', '127.0.0.8'],
      ['amx', '127.0.0.9'],
      ['hang', '127.0.0.10'],
    ] as const) {
      peers[name] = await startScriptedPeer({}, { host: ip, port });
    }
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'delivery-smtp-'));
    bodyPath = join(dir, 'body.eml');
    await writeFile(bodyPath, 'Subject: hello\r\n\r\nHello there.\r\n');
    // All MX hosts share one port (like port 25 on the internet), on different loopback IPs.
    // The port is free on 127.0.0.2; if another IP has it taken, start over with a new one.
    for (let tries = 0; ; tries++) {
      try {
        await startPeers();
        break;
      } catch (err) {
        await Promise.all(Object.values(peers).map((p) => p.close()));
        if (tries >= 4) throw err;
      }
    }
    dns = await startDnsServer({
      'ok.test': { MX: [{ exchange: 'mx.ok.test', priority: 10 }] },
      'mx.ok.test': { A: ['127.0.0.2'] },
      'retry.test': { MX: [{ exchange: 'mx.retry.test', priority: 10 }] },
      'mx.retry.test': { A: ['127.0.0.3'] },
      'rcpt5xx.test': { MX: [{ exchange: 'mx.rcpt5xx.test', priority: 10 }] },
      'mx.rcpt5xx.test': { A: ['127.0.0.4'] },
      'eod5xx.test': { MX: [{ exchange: 'mx.eod5xx.test', priority: 10 }] },
      'mx.eod5xx.test': { A: ['127.0.0.5'] },
      'drop.test': { MX: [{ exchange: 'mx.drop.test', priority: 10 }] },
      'mx.drop.test': { A: ['127.0.0.6'] },
      'two.test': {
        MX: [
          { exchange: 'mx2.two.test', priority: 20 },
          { exchange: 'mx1.two.test', priority: 10 },
        ],
      },
      'mx1.two.test': { A: ['127.0.0.7'] },
      'mx2.two.test': { A: ['127.0.0.8'] },
      'refused.test': {
        MX: [
          { exchange: 'dead.refused.test', priority: 5 },
          { exchange: 'mx.ok.test', priority: 10 },
        ],
      },
      'dead.refused.test': { A: ['127.0.0.99'] },
      'null.test': { MX: [{ exchange: '.', priority: 0 }] },
      'amx.test': { A: ['127.0.0.9'] },
      'hang.test': { A: ['127.0.0.10'] },
      'sick.test': { SERVFAIL: true },
    });
    const config = deliverySchema.parse({
      smtp_port: port,
      connection_reuse_idle: 0,
      timeouts: { connect: 2, greeting: 2, command: 2, data_start: 2, data_block: 2, end_of_data: 0.5 },
    });
    transport = createSmtpTransport({ resolver: dns.resolver, hostname: 'mail.ours.test', config });
  });

  after(async () => {
    await transport.close();
    await Promise.all(Object.values(peers).map((p) => p.close()));
    await dns.close();
    await rm(dir, { recursive: true, force: true });
  });

  const job = (rcpts: string[], extra: Partial<DeliveryJob> = {}): DeliveryJob => ({
    queueId: 'Q1',
    from: 'alice@ours.test',
    rcpts: rcpts.map((address) => ({ address })),
    dsn: {},
    bodyPath,
    size: 31,
    smtputf8: false,
    body: '7BIT',
    attempt: 1,
    ...extra,
  });

  it('delivers to the MX and keeps the end-of-data reply', async () => {
    const out = await transport.deliver(job(['bob@ok.test', 'carol@ok.test']));
    const remote = { host: 'mx.ok.test', ip: '127.0.0.2', port };
    const r = { code: 250, enhanced: '2.0.0', lines: ['Ok: queued as SCRIPTED'] };
    assert.deepEqual(out, [
      { rcpt: 'bob@ok.test', status: 'delivered', reply: r, remote, stage: 'end-of-data' },
      { rcpt: 'carol@ok.test', status: 'delivered', reply: r, remote, stage: 'end-of-data' },
    ]);
    assert.deepEqual(peers.ok?.connections[0]?.commands, [
      'EHLO mail.ours.test',
      'MAIL FROM:<alice@ours.test> SIZE=31',
      'RCPT TO:<bob@ok.test>',
      'RCPT TO:<carol@ok.test>',
      'DATA',
      'QUIT',
    ]);
    assert.equal(peers.ok?.connections[0]?.messages[0]?.toString(), 'Subject: hello\r\n\r\nHello there.\r\n.\r\n');
  });

  it('defers a 451 at RCPT and delivers on the next attempt', async () => {
    const peer = peers.retry as ScriptedPeer;
    peer.script = { rcpt: () => '451 4.3.0 Temporary lookup failure' };
    const [first] = await transport.deliver(job(['dave@retry.test']));
    assert.equal(first?.status, 'deferred');
    assert.equal(first?.stage, 'rcpt');
    assert.deepEqual(first?.reply, { code: 451, enhanced: '4.3.0', lines: ['Temporary lookup failure'] });
    peer.script = {};
    const [second] = await transport.deliver(job(['dave@retry.test'], { attempt: 2 }));
    assert.equal(second?.status, 'delivered');
    assert.equal(peer.connections.length, 2);
  });

  it('fails only the recipient the remote refused, with its multi-line reply verbatim', async () => {
    (peers.rcpt5xx as ScriptedPeer).script = {
      rcpt: (addr) =>
        addr.startsWith('nobody')
          ? [
              '550-5.1.1 The email account that you tried to reach does not exist.',
              '550 5.1.1 https://support.example/bounce',
            ]
          : '250 2.1.5 Ok',
    };
    const out = await transport.deliver(job(['nobody@rcpt5xx.test', 'erin@rcpt5xx.test']));
    assert.deepEqual(out[0], {
      rcpt: 'nobody@rcpt5xx.test',
      status: 'failed',
      reply: {
        code: 550,
        enhanced: '5.1.1',
        lines: ['The email account that you tried to reach does not exist.', 'https://support.example/bounce'],
      },
      remote: { host: 'mx.rcpt5xx.test', ip: '127.0.0.4', port },
      stage: 'rcpt',
    });
    assert.equal(out[1]?.status, 'delivered');
  });

  it('fails every accepted recipient on a 5xx at end of data', async () => {
    (peers.eod5xx as ScriptedPeer).script = { endOfData: '554 5.7.1 Message rejected as spam' };
    const out = await transport.deliver(job(['f@eod5xx.test', 'g@eod5xx.test']));
    assert.deepEqual(
      out.map((o) => [o.rcpt, o.status, o.stage, o.reply.code, o.reply.enhanced, o.reply.lines[0]]),
      [
        ['f@eod5xx.test', 'failed', 'end-of-data', 554, '5.7.1', 'Message rejected as spam'],
        ['g@eod5xx.test', 'failed', 'end-of-data', 554, '5.7.1', 'Message rejected as spam'],
      ],
    );
  });

  it('defers when the remote drops the connection, saying after which command', async () => {
    const peer = peers.drop as ScriptedPeer;
    peer.script = { drop: 'end-of-data' };
    const [atEnd] = await transport.deliver(job(['h@drop.test']));
    assert.equal(atEnd?.status, 'deferred');
    assert.equal(atEnd?.stage, 'end-of-data');
    assert.deepEqual(atEnd?.reply, {
      code: 451,
      enhanced: '4.4.2',
      lines: [`mx.drop.test[127.0.0.6]:${port} lost connection (connection closed by remote) after end of data`],
    });
    peer.script = { drop: 'rcpt' };
    const [atRcpt] = await transport.deliver(job(['h@drop.test']));
    assert.equal(atRcpt?.status, 'deferred');
    assert.equal(atRcpt?.stage, 'rcpt');
  });

  it('defers when the remote never answers the end of data (timeout)', async () => {
    (peers.hang as ScriptedPeer).script = { hang: 'end-of-data' };
    const [o] = await transport.deliver(job(['i@hang.test']));
    assert.equal(o?.status, 'deferred');
    assert.equal(o?.reply.enhanced, '4.4.2');
    assert.match(o?.reply.lines[0] ?? '', /timed out \(no reply within 0.5s\) after end of data$/);
  });

  it('moves to the next MX after a 421 greeting', async () => {
    (peers.greet421 as ScriptedPeer).script = { greeting: '421 4.3.2 Too busy, try later' };
    const [o] = await transport.deliver(job(['j@two.test']));
    assert.equal(o?.status, 'delivered');
    assert.deepEqual(o?.remote, { host: 'mx2.two.test', ip: '127.0.0.8', port });
    assert.equal(peers.greet421?.connections.length, 1);
    assert.deepEqual(
      peers.greet421?.connections[0]?.commands.filter((c) => c.startsWith('MAIL')),
      [],
    );
  });

  it('defers with the 421 when every MX says so', async () => {
    (peers.second as ScriptedPeer).script = { greeting: '421 4.3.2 Also busy' };
    const [o] = await transport.deliver(job(['k@two.test']));
    assert.equal(o?.status, 'deferred');
    assert.equal(o?.stage, 'greeting');
    assert.deepEqual(o?.reply, { code: 421, enhanced: '4.3.2', lines: ['Also busy'] });
    (peers.second as ScriptedPeer).script = {};
  });

  it('tries the next MX when a connection is refused', async () => {
    const [o] = await transport.deliver(job(['l@refused.test']));
    assert.equal(o?.status, 'delivered');
    assert.equal(o?.remote?.host, 'mx.ok.test');
  });

  it('fails at once for a null MX, with 556 5.1.10', async () => {
    const [o] = await transport.deliver(job(['m@null.test']));
    assert.deepEqual(o, {
      rcpt: 'm@null.test',
      status: 'failed',
      reply: { code: 556, enhanced: '5.1.10', lines: ['null.test does not accept mail (null MX)'] },
      stage: 'dns',
    });
  });

  it('falls back to the A record when there is no MX', async () => {
    const [o] = await transport.deliver(job(['n@amx.test']));
    assert.equal(o?.status, 'delivered');
    assert.deepEqual(o?.remote, { host: 'amx.test', ip: '127.0.0.9', port });
  });

  it('fails a domain that does not exist and defers on a DNS failure', async () => {
    const [nx] = await transport.deliver(job(['o@nowhere.test']));
    assert.equal(nx?.status, 'failed');
    assert.deepEqual(nx?.reply, {
      code: 550,
      enhanced: '5.1.2',
      lines: ['host or domain name not found: nowhere.test: domain not found'],
    });
    const [sick] = await transport.deliver(job(['p@sick.test']));
    assert.equal(sick?.status, 'deferred');
    assert.equal(sick?.reply.enhanced, '4.4.3');
  });
});
