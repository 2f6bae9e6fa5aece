import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { type MailboxAddress, parseMailbox } from '../core/address.js';
import { FakeClock } from '../core/clock.js';
import type { ClientInfo, Envelope } from '../core/envelope.js';
import { reply } from '../core/reply.js';
import type { SessionView } from '../smtp/hooks.js';
import type { QueueStore } from '../store/ports/queue.js';
import { openSqliteQueueStore } from '../store/sqlite/queue.js';
import { createIntake, type IntakeDeps } from './intake.js';
import { spoolPaths } from './spool.js';

const silent = { info() {}, warn() {}, error() {} };
const client: ClientInfo = {
  ip: '192.0.2.7',
  port: 40000,
  localIp: '127.0.0.1',
  localPort: 25,
  role: 'mx',
  helo: 'client.example',
  esmtp: true,
  tls: true,
  authUser: null,
};
const view: SessionView = { sessionId: 's1', client };
const mbox = (s: string): MailboxAddress => {
  const r = parseMailbox(s);
  assert.ok(r.ok);
  return r.value;
};
const envelope = (rcpts: string[], over: Partial<Envelope> = {}): Envelope => ({
  from: mbox('alice@example.org'),
  rcpts: rcpts.map((r) => ({ address: mbox(r) })),
  dsn: {},
  client,
  body: '8BITMIME',
  smtputf8: false,
  ...over,
});
const BODY = 'Message-ID: <m1@example.org>\r\nSubject: hi\r\n\r\nhello\r\n';

let dir: string;
let n = 0;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailward-intake-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function setup(over: Partial<IntakeDeps> = {}) {
  const base = join(dir, String(n++));
  const store = openSqliteQueueStore(join(base, 'queue.db'));
  const clock = new FakeClock(Date.UTC(2026, 0, 1, 12, 0, 0));
  const intake = createIntake({
    store,
    spoolDir: join(base, 'spool'),
    hostname: 'mx.ours.test',
    clock,
    log: silent,
    ...over,
  });
  return {
    store,
    clock,
    intake,
    spool: join(base, 'spool'),
    close: async () => {
      await intake.close();
      await store.close();
    },
  };
}

const queuedId = (r: { code: number; lines: readonly string[] }) => /^Ok: queued as (\S+)$/.exec(r.lines[0] ?? '')?.[1];

describe('intake', () => {
  it('answers 250 with the queue id, with the body spooled behind a Received header and the envelope committed', async () => {
    const t = await setup();
    const r = await t.intake.onData(view, envelope(['bob@ours.test']), Readable.from([Buffer.from(BODY)]));
    assert.equal(r.code, 250);
    assert.equal(r.enhanced, '2.0.0');
    const id = queuedId(r);
    assert.ok(id);
    const file = spoolPaths(t.spool, id).file;
    assert.equal(
      await readFile(file, 'utf8'),
      `Received: from client.example ([192.0.2.7])\r\n\tby mx.ours.test (mailward) with ESMTPS id ${id}\r\n\tfor <bob@ours.test>;\r\n\tThu, 01 Jan 2026 12:00:00 +0000\r\n${BODY}`,
    );
    const m = await t.store.getMessage(id);
    assert.equal(m?.from, 'alice@example.org');
    assert.equal(m?.spoolPath, file);
    assert.equal(m?.messageId, '<m1@example.org>');
    assert.equal(m?.size, (await readFile(file)).length);
    assert.deepEqual(m?.origin, { kind: 'smtp', client });
    assert.deepEqual(
      m?.recipients.map((x) => [x.address, x.state, x.expiresAt]),
      [['bob@ours.test', 'pending', Date.UTC(2026, 0, 6, 12, 0, 0)]],
    );
    await t.close();
  });

  it('gives 50 concurrent messages 50 ids, all durable, in far fewer transactions', async () => {
    const t = await setup();
    let transactions = 0;
    const counting: QueueStore = Object.assign(Object.create(t.store), {
      insertMessages: (ms: Parameters<QueueStore['insertMessages']>[0]) => {
        transactions++;
        return t.store.insertMessages(ms);
      },
    });
    const intake = createIntake({
      store: counting,
      spoolDir: t.spool,
      hostname: 'mx.ours.test',
      clock: t.clock,
      log: silent,
    });
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        intake.onData(view, envelope([`u${i}@ours.test`]), Readable.from([Buffer.from(BODY)])),
      ),
    );
    const ids = replies.map(queuedId);
    assert.equal(new Set(ids).size, 50);
    for (const id of ids) {
      assert.ok(id && existsSync(spoolPaths(t.spool, id).file));
      assert.equal((await t.store.getMessage(id))?.recipients.length, 1);
    }
    assert.ok(transactions <= 10, `expected a few group commits, got ${transactions}`);
    assert.equal(intake.stats.messages, 50);
    await intake.close();
    await t.close();
  });

  it('answers only after the commit returns, with the file already at its final name', async () => {
    const t = await setup();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let seenFile = false;
    const slow: QueueStore = Object.assign(Object.create(t.store), {
      insertMessages: async (ms: Parameters<QueueStore['insertMessages']>[0]) => {
        seenFile = ms.every((m) => existsSync(m.spoolPath) && !existsSync(`${m.spoolPath}.tmp`));
        await gate;
        return t.store.insertMessages(ms);
      },
    });
    const intake = createIntake({ store: slow, spoolDir: t.spool, hostname: 'h', clock: t.clock, log: silent });
    let answered = false;
    const p = intake.onData(view, envelope(['bob@ours.test']), Readable.from([Buffer.from(BODY)])).then((r) => {
      answered = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(answered, false);
    assert.equal(seenFile, true);
    release();
    assert.equal((await p).code, 250);
    await intake.close();
    await t.close();
  });

  it('never answers 250 when the store fails, and leaves no spool file', async () => {
    const t = await setup();
    const failing: QueueStore = Object.assign(Object.create(t.store), {
      insertMessages: async () => {
        throw new Error('disk full');
      },
    });
    const intake = createIntake({ store: failing, spoolDir: t.spool, hostname: 'h', clock: t.clock, log: silent });
    const r = await intake.onData(view, envelope(['bob@ours.test']), Readable.from([Buffer.from(BODY)]));
    assert.equal(r.code, 451);
    assert.equal(r.enhanced, '4.3.0');
    assert.match(r.lines[0] ?? '', /^Temporary queue failure, try again later \(\S+\)$/);
    const shards = await readdir(t.spool);
    for (const s of shards) assert.deepEqual(await readdir(join(t.spool, s)), []);
    await intake.close();
    await t.close();
  });

  it('discards the partial file and rejects when the engine destroys the body stream', async () => {
    const t = await setup();
    // mid-stream: the first chunk is written, then the engine gives up
    let reads = 0;
    const body = new Readable({
      read() {
        if (reads++ === 0) this.push(Buffer.from('Subject: x\r\n\r\npartial'));
        else this.destroy(new Error('bare LF'));
      },
    });
    await assert.rejects(t.intake.onData(view, envelope(['bob@ours.test']), body), /bare LF/);
    // before we read anything: the error must not escape as an uncaught exception
    const early = new Readable({ read() {} });
    early.destroy(new Error('message too big'));
    await assert.rejects(t.intake.onData(view, envelope(['bob@ours.test']), early), /message too big/);
    for (const s of await readdir(t.spool)) assert.deepEqual(await readdir(join(t.spool, s)), []);
    assert.deepEqual(await t.store.listMessages(), []);
    await t.close();
  });

  it('refuses a body over the size limit with 552 5.3.4', async () => {
    const t = await setup({ maxMessageSize: 10 });
    const r = await t.intake.onData(view, envelope(['bob@ours.test']), Readable.from([Buffer.from(BODY)]));
    assert.deepEqual(
      [r.code, r.enhanced, r.lines],
      [552, '5.3.4', ['Message size exceeds fixed maximum message size']],
    );
    assert.deepEqual(await t.store.listMessages(), []);
    await t.close();
  });

  it('passes the synced file to the content filter and returns its refusal', async () => {
    let seen = '';
    const spam = reply(553, '5.7.1', 'message filtered as spam');
    const t = await setup({
      beforeCommit: async (file) => {
        seen = await readFile(file, 'utf8');
        return spam;
      },
    });
    const r = await t.intake.onData(view, envelope(['bob@ours.test']), Readable.from([Buffer.from(BODY)]));
    assert.deepEqual(r, spam);
    assert.ok(seen.endsWith(BODY) && seen.startsWith('Received: '));
    assert.deepEqual(await t.store.listMessages(), []);
    await t.close();
  });

  it('hands the content step the file head and size, and queues the size it reports after a rewrite', async () => {
    const added = 'Authentication-Results: mx.ours.test; spf=none\r\n';
    const t = await setup({
      beforeCommit: async (file, _envelope, spooled) => {
        const old = await readFile(file);
        // what the intake hands over is what the file holds
        assert.deepEqual(spooled.head, old);
        assert.equal(spooled.size, old.length);
        await writeFile(`${file}.new`, Buffer.concat([Buffer.from(added), old]));
        await rename(`${file}.new`, file);
        spooled.resized(old.length + added.length);
        return undefined;
      },
    });
    const r = await t.intake.onData(view, envelope(['bob@ours.test']), Readable.from([Buffer.from(BODY)]));
    const m = await t.store.getMessage(queuedId(r) ?? '');
    const onDisk = await readFile(m?.spoolPath ?? '');
    assert.ok(onDisk.toString().startsWith(added));
    assert.equal(m?.size, onDisk.length);
    await t.close();
  });

  it('queues the expanded recipients once each, keeping the given one as original', async () => {
    const t = await setup({
      expandRecipients: async (rcpts) =>
        rcpts.flatMap((r) =>
          r.address.local === 'team'
            ? [
                { address: 'Ann@ours.test', original: 'team@ours.test' },
                { address: 'bob@remote.test', original: 'team@ours.test' },
              ]
            : [{ address: `${r.address.local}@${r.address.domain}` }],
        ),
    });
    const r = await t.intake.onData(
      view,
      envelope(['team@ours.test', 'ann@ours.test']),
      Readable.from([Buffer.from(BODY)]),
    );
    const m = await t.store.getMessage(queuedId(r) ?? '');
    assert.deepEqual(
      m?.recipients.map((x) => [x.address, x.original]),
      [
        ['Ann@ours.test', 'team@ours.test'],
        ['bob@remote.test', 'team@ours.test'],
      ],
    );
    await t.close();
  });

  it('injects local mail through the same durable path with a local Received header', async () => {
    const t = await setup();
    const r = await t.intake.injectLocal({
      from: 'root@ours.test',
      rcpts: ['bob@remote.test'],
      body: Buffer.from(BODY),
      origin: { source: 'sendmail', user: 'root', uid: 0 },
    });
    assert.ok(r.ok);
    const m = await t.store.getMessage(r.queueId);
    assert.deepEqual(m?.origin, { kind: 'local', source: 'sendmail', user: 'root', uid: 0 });
    assert.equal(
      (await readFile(m?.spoolPath ?? '', 'utf8')).split('\r\n\t').slice(0, 2).join('|'),
      `Received: by mx.ours.test (mailward, from userid root) id ${r.queueId}|for <bob@remote.test>;`,
    );
    const bad = await t.intake.injectLocal({
      from: '',
      rcpts: ['not an address'],
      body: Buffer.from(BODY),
      origin: { source: 'x' },
    });
    assert.deepEqual(bad, { ok: false, reply: reply(553, '5.1.3', 'not an address: bad recipient address syntax') });
    await t.close();
  });
});
