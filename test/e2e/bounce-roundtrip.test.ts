/**
 * Notices end to end: the real intake, SQLite queue, runner and SMTP client, loopback DNS and
 * scripted remotes. A remote refuses a recipient; the runner's onOutcomes hook queues a failure
 * notice, which our own client then delivers with `MAIL FROM:<>`; we parse what arrived on the
 * wire with mailparser. When the notice itself cannot be delivered it goes once to the
 * postmaster, and when that fails too it is dropped: no loop. Also: a delay warning after 4 h
 * of deferral, and a success notice (Action: relayed) for NOTIFY=SUCCESS.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createNoticeHook } from '../../src/bounce/notice-hook.js';
import { readNotice } from '../../src/bounce/read-notice.js';
import { bounceSchema } from '../../src/config/sections/bounce.js';
import { deliverySchema } from '../../src/config/sections/delivery.js';
import { parseMailbox } from '../../src/core/address.js';
import { FakeClock } from '../../src/core/clock.js';
import type { Reply } from '../../src/core/reply.js';
import { createSmtpTransport } from '../../src/delivery/smtp/transport.js';
import type { Transport } from '../../src/delivery/transport.js';
import { createIntake, type Intake } from '../../src/queue/intake.js';
import { createRunner, type Runner } from '../../src/queue/runner.js';
import { createSchedule } from '../../src/queue/schedule.js';
import type { QueueStore } from '../../src/store/ports/queue.js';
import { openSqliteQueueStore } from '../../src/store/sqlite/queue.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { type ScriptedPeer, startScriptedPeer } from '../helpers/scripted-peer.js';

const H = 3600_000;
const silent = { info() {}, warn() {}, error() {} };
const ORIGINAL = Buffer.from(
  'From: Alice <alice@sender.test>\r\nTo: bob@remote.test\r\nSubject: Report\r\nMessage-ID: <orig-7@sender.test>\r\n\r\nThe report.\r\n',
);

/** The message as it arrived at a scripted peer: without the final ".\r\n", dot-stuffing undone. */
const unwire = (b: Buffer): Buffer =>
  Buffer.from(
    b
      .subarray(0, b.length - 3)
      .toString('latin1')
      .replace(/^\.\./gm, '.'),
    'latin1',
  );

describe('delivery status notices through the queue', () => {
  let dir: string;
  let dns: TestDnsServer;
  let remote: ScriptedPeer;
  let sender: ScriptedPeer;
  let store: QueueStore;
  let intake: Intake;
  let runner: Runner;
  let transport: Transport;
  const clock = new FakeClock(Date.UTC(2026, 10, 28, 8));
  const advised: Reply[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mailward-bounce-e2e-'));
    remote = await startScriptedPeer({}, { host: '127.0.0.2' });
    sender = await startScriptedPeer({}, { host: '127.0.0.3', port: remote.port });
    dns = await startDnsServer({
      'remote.test': { MX: [{ exchange: 'mx.remote.test', priority: 10 }] },
      'mx.remote.test': { A: ['127.0.0.2'] },
      'sender.test': { MX: [{ exchange: 'mx.sender.test', priority: 10 }] },
      'ours.test': { MX: [{ exchange: 'mx.sender.test', priority: 10 }] },
      'mx.sender.test': { A: ['127.0.0.3'] },
    });
    const config = deliverySchema.parse({
      smtp_port: remote.port,
      connection_reuse_idle: 0,
      timeouts: { connect: 2, greeting: 2, command: 2, data_start: 2, data_block: 2, end_of_data: 2 },
    });
    transport = createSmtpTransport({ resolver: dns.resolver, hostname: 'mail.ours.test', config });
    store = openSqliteQueueStore(join(dir, 'queue.db'));
    intake = createIntake({ store, spoolDir: join(dir, 'spool'), hostname: 'mail.ours.test', clock, log: silent });
    const hook = createNoticeHook({
      hostname: 'mail.ours.test',
      config: bounceSchema.parse({}),
      clock,
      advise: (r) => {
        advised.push(r);
        return 'Check the address for typing errors.';
      },
      inject: (m) => intake.injectLocal(m),
      markDelayWarned: (id, rcpts) => store.markDelayWarned(id, rcpts),
    });
    runner = createRunner({ store, transport, clock, schedule: createSchedule(), log: silent, onOutcomes: hook });
  });

  after(async () => {
    await intake.close();
    await transport.close();
    await store.close();
    await Promise.all([remote.close(), sender.close(), dns.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  async function send(rcpt: string, extra: { notify?: ['SUCCESS'] } = {}): Promise<string> {
    const address = parseMailbox(rcpt);
    assert.ok(address.ok);
    const r = await intake.injectLocal({
      from: 'alice@sender.test',
      rcpts: [{ address: address.value, ...extra }],
      body: ORIGINAL,
      origin: { source: 'test' },
      dsn: { envid: 'ENV-1' },
      received: false,
    });
    assert.ok(r.ok);
    return r.queueId;
  }

  it('returns a refused recipient to the sender with MAIL FROM:<> and every field', async () => {
    remote.script = { rcpt: () => '550 5.1.1 <bob@remote.test>: Recipient address rejected: User unknown' };
    await send('bob@remote.test');
    await runner.runOnce();
    const notice = sender.connections.at(-1);
    assert.match(notice?.commands[1] ?? '', /^MAIL FROM:<> SIZE=\d+$/);
    assert.equal(notice?.commands[2], 'RCPT TO:<alice@sender.test>');
    const { mail, perMessage, perRecipient } = await readNotice(unwire(notice?.messages[0] as Buffer));
    assert.equal(mail.subject, 'Mail delivery failed: returning message to sender');
    assert.equal(mail.from?.value[0]?.address, 'MAILER-DAEMON@mail.ours.test');
    assert.equal(mail.headers.get('x-failed-recipients'), 'bob@remote.test');
    assert.equal(mail.headers.get('auto-submitted'), 'auto-replied');
    assert.equal(mail.inReplyTo, '<orig-7@sender.test>');
    assert.equal(perMessage.get('reporting-mta'), 'dns; mail.ours.test');
    assert.equal(perMessage.get('original-envelope-id'), 'ENV-1');
    assert.deepEqual(Object.fromEntries(perRecipient[0] ?? []), {
      'final-recipient': 'rfc822; bob@remote.test',
      action: 'failed',
      status: '5.1.1',
      'remote-mta': 'dns; mx.remote.test',
      'diagnostic-code': 'smtp; 550 5.1.1 <bob@remote.test>: Recipient address rejected: User unknown',
      'last-attempt-date': 'Sat, 28 Nov 2026 08:00:00 +0000',
    });
    assert.match(mail.text ?? '', /host mx\.remote\.test \[127\.0\.0\.2\] said, after RCPT TO:<bob@remote\.test>:/);
    assert.match(mail.text ?? '', /What to do: Check the address for typing errors\./);
    assert.equal(Buffer.compare(mail.attachments[0]?.content as Buffer, ORIGINAL), 0);
    assert.equal(advised.at(-1)?.code, 550);
  });

  it('sends a notice that cannot be delivered once to the postmaster, then drops it', async () => {
    remote.script = { rcpt: () => '550 5.1.1 no such user' };
    sender.script = { rcpt: (a) => `550 5.1.1 <${a}>: no mailbox here by that name` };
    const before = sender.commands.filter((c) => c.startsWith('RCPT')).length;
    await send('carol@remote.test');
    await runner.runOnce();
    await runner.runOnce();
    const rcpts = sender.commands.filter((c) => c.startsWith('RCPT')).slice(before);
    assert.deepEqual(rcpts, ['RCPT TO:<alice@sender.test>', 'RCPT TO:<postmaster@ours.test>']);
    assert.deepEqual(await store.listMessages(), []);
    const events = await store.listEvents({});
    const received = events.filter((e) => e.event === 'received');
    // original + notice in the first test, original + notice + postmaster copy here: nothing more.
    assert.equal(received.length, 5);
  });

  it('warns once after four hours of deferral, then keeps quiet', async () => {
    remote.script = { rcpt: () => '451 4.7.1 Greylisted, try again later' };
    sender.script = {};
    const id = await send('dave@remote.test');
    await runner.runOnce();
    const seen = sender.connections.length;
    clock.advance(4 * H);
    await runner.runOnce();
    assert.equal(sender.connections.length, seen + 1);
    const { mail, perRecipient } = await readNotice(unwire(sender.connections.at(-1)?.messages[0] as Buffer));
    assert.equal(mail.subject, 'Delayed Mail (still being retried)');
    assert.equal(perRecipient[0]?.get('action'), 'delayed');
    assert.equal(perRecipient[0]?.get('status'), '4.7.1');
    assert.equal(perRecipient[0]?.get('will-retry-until'), 'Thu, 03 Dec 2026 08:00:00 +0000');
    clock.advance(4 * H);
    await runner.runOnce();
    assert.equal(sender.connections.length, seen + 1);
    assert.equal((await store.getMessage(id))?.recipients[0]?.delayWarned, true);
    await store.deleteMessage(id, clock.now());
  });

  it('reports NOTIFY=SUCCESS to a remote without DSN as relayed', async () => {
    remote.script = {};
    await send('erin@remote.test', { notify: ['SUCCESS'] });
    await runner.runOnce();
    await runner.runOnce();
    const { mail, perRecipient } = await readNotice(unwire(sender.connections.at(-1)?.messages[0] as Buffer));
    assert.equal(mail.subject, 'Successful Mail Delivery Report');
    assert.equal(perRecipient[0]?.get('action'), 'relayed');
    assert.equal(perRecipient[0]?.get('final-recipient'), 'rfc822; erin@remote.test');
  });
});
