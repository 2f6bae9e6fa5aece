/**
 * Our SMTP client against a real, strict SMTP server: mailward's own engine (src/smtp), which
 * refuses bare LF and knows PIPELINING, DSN, 8BITMIME, STARTTLS and AUTH. What the engine
 * stores must be exactly the message we had, line ends made CRLF and dots unstuffed again.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { deliverySchema } from '../../src/config/sections/delivery.js';
import { formatAddress } from '../../src/core/address.js';
import { createSmtpTransport } from '../../src/delivery/smtp/transport.js';
import type { DeliveryJob, Transport } from '../../src/delivery/transport.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { startTestServer, type TestServer } from '../helpers/smtp-test-server.js';

const TIMEOUTS = { connect: 5, greeting: 5, command: 5, data_start: 5, data_block: 5, end_of_data: 5 };

describe('our SMTP client against our SMTP engine', () => {
  let server: TestServer;
  let dns: TestDnsServer;
  let dir: string;
  const transports: Transport[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'delivery-interop-'));
    server = await startTestServer();
    dns = await startDnsServer({});
  });
  after(async () => {
    await Promise.all(transports.map((t) => t.close()));
    await server.stop();
    await dns.close();
    await rm(dir, { recursive: true, force: true });
  });

  function transport(config: Record<string, unknown>): Transport {
    const t = createSmtpTransport({
      resolver: dns.resolver,
      hostname: 'client.ours.test',
      config: deliverySchema.parse({ timeouts: TIMEOUTS, connection_reuse_idle: 0, ...config }),
    });
    transports.push(t);
    return t;
  }

  async function job(body: string, extra: Partial<DeliveryJob> = {}): Promise<DeliveryJob> {
    const bodyPath = join(dir, `m${Math.random().toString(36).slice(2)}.eml`);
    await writeFile(bodyPath, body, 'latin1');
    return {
      queueId: 'QINTEROP',
      from: 'alice@ours.test',
      rcpts: [{ address: 'bob@dest.test' }],
      dsn: {},
      bodyPath,
      size: Buffer.byteLength(body),
      smtputf8: false,
      body: '8BITMIME',
      attempt: 1,
      ...extra,
    };
  }

  it('delivers over STARTTLS with DSN parameters, and the engine stores exactly our message', async () => {
    const t = transport({ routes: { 'dest.test': `127.0.0.1:${server.ports.mx}` }, tls: 'required' });
    const body = 'Subject: interop\n\n.starts with a dot\nbare LF line\rbare CR line\r\n..two dots\r\nno final newline';
    const j = await job(body, {
      dsn: { ret: 'HDRS', envid: 'ENV+1' },
      rcpts: [{ address: 'bob@dest.test', notify: ['FAILURE', 'DELAY'], orcpt: 'rfc822;Bob@dest.test' }],
    });
    const [o] = await t.deliver(j);
    assert.equal(o?.status, 'delivered', JSON.stringify(o?.reply));
    assert.equal(o?.remoteDsn, true);
    assert.equal(o?.reply.code, 250);
    const stored = server.spool.messages.at(-1);
    assert.ok(stored);
    assert.equal(
      (await readFile(stored.path)).toString('latin1'),
      'Subject: interop\r\n\r\n.starts with a dot\r\nbare LF line\r\nbare CR line\r\n..two dots\r\nno final newline\r\n',
    );
    assert.equal(stored.envelope.client.tls, true);
    assert.equal(stored.envelope.client.helo, 'client.ours.test');
    assert.deepEqual(stored.envelope.dsn, { ret: 'HDRS', envid: 'ENV+1' });
    assert.equal(formatAddress(stored.envelope.from), 'alice@ours.test');
    assert.deepEqual(
      stored.envelope.rcpts.map((r) => [formatAddress(r.address), r.notify, r.orcpt]),
      [['bob@dest.test', ['FAILURE', 'DELAY'], 'rfc822;Bob@dest.test']],
    );
  });

  it('relays through the engine as a smarthost with AUTH on the submission port', async () => {
    const t = transport({
      smarthost: {
        host: '127.0.0.1',
        port: server.ports.submission,
        username: 'alice',
        password: 'secret',
        tls: 'required',
      },
    });
    const before = server.spool.messages.length;
    const [o] = await t.deliver(
      await job('Subject: via smarthost\r\n\r\nhi\r\n', { rcpts: [{ address: 'carol@far.example' }] }),
    );
    assert.equal(o?.status, 'delivered', JSON.stringify(o?.reply));
    assert.equal(server.spool.messages.length, before + 1);
    assert.equal(server.spool.messages.at(-1)?.envelope.client.authUser, 'alice');
  });
});
