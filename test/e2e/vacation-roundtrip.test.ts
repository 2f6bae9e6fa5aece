/**
 * Vacation replies end to end: the real intake, SQLite queue, runner, router, local Maildir
 * transport and SMTP client, loopback DNS and a scripted remote for the sender's domain. A
 * message for a user on vacation is delivered to the Maildir; the reply is injected into our
 * queue as a local message (no SMTP hop, so our relay check never sees it) and leaves with
 * `MAIL FROM:<>`; we parse it as it arrived on the wire. A second message from the same sender
 * and a list message get no reply.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { withVacation } from '../../src/autoreply/after-local-delivery.js';
import { createVacationHook } from '../../src/autoreply/vacation.js';
import { autoreplySchema } from '../../src/config/sections/autoreply.js';
import { deliverySchema } from '../../src/config/sections/delivery.js';
import { FakeClock } from '../../src/core/clock.js';
import { createLocalTransport } from '../../src/delivery/local/transport.js';
import { createRouter } from '../../src/delivery/router.js';
import { createSmtpTransport } from '../../src/delivery/smtp/transport.js';
import type { Transport } from '../../src/delivery/transport.js';
import { createIntake, type Intake } from '../../src/queue/intake.js';
import { createRunner, type Runner } from '../../src/queue/runner.js';
import { createSchedule } from '../../src/queue/schedule.js';
import { MemoryDirectoryStore } from '../../src/store/memory/directory.js';
import type { QueueStore } from '../../src/store/ports/queue.js';
import { openSqliteQueueStore } from '../../src/store/sqlite/queue.js';
import { SqliteVacationStore } from '../../src/store/sqlite/vacation.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { type ScriptedPeer, startScriptedPeer } from '../helpers/scripted-peer.js';

const silent = { info() {}, warn() {}, error() {} };
const message = (extra = ''): Buffer =>
  Buffer.from(
    `From: Alice <alice@sender.test>\r\nTo: Bob <bob@ours.test>\r\nSubject: Lunch?\r\nMessage-ID: <m${Math.random().toString(36).slice(2)}@sender.test>\r\n${extra}\r\nShall we?\r\n`,
  );

describe('vacation replies through the queue', () => {
  let dir: string;
  let dns: TestDnsServer;
  let peer: ScriptedPeer;
  let store: QueueStore;
  let vacations: SqliteVacationStore;
  let intake: Intake;
  let runner: Runner;
  let remote: Transport;
  const clock = new FakeClock(Date.UTC(2026, 10, 28, 8));

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mailward-vacation-e2e-'));
    peer = await startScriptedPeer({}, { host: '127.0.0.2' });
    dns = await startDnsServer({
      'sender.test': { MX: [{ exchange: 'mx.sender.test', priority: 10 }] },
      'mx.sender.test': { A: ['127.0.0.2'] },
    });
    const directory = new MemoryDirectoryStore(() => clock.now());
    await directory.addDomain('ours.test');
    await directory.addUser({ address: 'bob@ours.test', passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA' });
    store = openSqliteQueueStore(join(dir, 'mailward.db'));
    vacations = SqliteVacationStore.open(join(dir, 'mailward.db'), () => clock.now());
    await vacations.setVacation({
      address: 'bob@ours.test',
      enabled: true,
      subject: null,
      body: 'I am away until Monday.\n',
      startAt: null,
      endAt: null,
      intervalDays: null,
      extraAddresses: [],
    });
    intake = createIntake({ store, spoolDir: join(dir, 'spool'), hostname: 'mail.ours.test', clock, log: silent });
    const hook = createVacationHook({
      store: vacations,
      clock,
      hostname: 'mail.ours.test',
      config: autoreplySchema.parse({}),
      inject: async (m) => {
        const r = await intake.injectLocal({
          from: m.from,
          rcpts: m.to,
          body: m.raw,
          origin: { source: m.source },
          bodyType: m.bodyType,
        });
        assert.ok(r.ok);
      },
    });
    const local = withVacation(createLocalTransport({ dataDir: dir, directory, hostname: 'mail.ours.test' }), hook);
    remote = createSmtpTransport({
      resolver: dns.resolver,
      hostname: 'mail.ours.test',
      config: deliverySchema.parse({ smtp_port: peer.port, connection_reuse_idle: 0 }),
    });
    const transport = createRouter({ localDomains: directory, local, remote });
    runner = createRunner({
      store,
      transport,
      clock,
      schedule: createSchedule(),
      log: silent,
      isLocalDomain: (d) => d === 'ours.test',
    });
  });

  after(async () => {
    await intake.close();
    await remote.close();
    await store.close();
    vacations.close();
    await Promise.all([peer.close(), dns.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  async function receive(body: Buffer, from = 'alice@sender.test'): Promise<void> {
    const r = await intake.injectLocal({ from, rcpts: ['bob@ours.test'], body, origin: { source: 'test' } });
    assert.ok(r.ok);
    await runner.runOnce();
  }

  it('delivers to the mailbox and sends one reply with the null sender and RFC 3834 headers', async () => {
    const original = message();
    await receive(original);
    const files = await readdir(join(dir, 'mail'), { recursive: true });
    assert.equal(files.filter((f) => /(^|\/)new\/[^/]+$/.test(String(f))).length, 1);
    assert.equal(peer.connections.length, 1);
    const c = peer.connections[0];
    assert.match(c?.commands[1] ?? '', /^MAIL FROM:<> SIZE=\d+$/);
    assert.equal(c?.commands[2], 'RCPT TO:<alice@sender.test>');
    const reply = await simpleParser(c?.messages[0]?.subarray(0, -3) as Buffer);
    assert.equal(reply.from?.value[0]?.address, 'bob@ours.test');
    assert.equal((reply.to as { text: string }).text, 'alice@sender.test');
    assert.equal(reply.subject, 'Auto: Lunch?');
    assert.equal(reply.headers.get('auto-submitted'), 'auto-replied');
    assert.equal(reply.headers.get('x-loop'), 'bob@ours.test');
    assert.equal(reply.inReplyTo, /Message-ID: (<[^>]+>)/.exec(original.toString())?.[1]);
    assert.equal(reply.text, 'I am away until Monday.\n');
  });

  it('does not answer the same sender twice within the interval, nor a list', async () => {
    await receive(message());
    await receive(message('List-Id: <dev.lists.test>\r\n'), 'dev-bounces@lists.test');
    await receive(message('Precedence: bulk\r\n'), 'carol@sender.test');
    assert.equal(peer.connections.length, 1);
    assert.deepEqual(await store.listMessages(), []);
  });
});
