import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FakeClock } from '../core/clock.js';
import type { DeliveryOutcome } from '../core/delivery-outcome.js';
import { reply } from '../core/reply.js';
import type { DeliveryJob, Transport } from '../delivery/transport.js';
import type { QueueMessage } from '../store/ports/queue.js';
import { openSqliteQueueStore } from '../store/sqlite/queue.js';
import { createIntake } from './intake.js';
import { createRunner, type RunnerDeps } from './runner.js';
import { createSchedule } from './schedule.js';
import { heldDomains } from './settings.js';

const silent = { info() {}, warn() {}, error() {} };
const MIN = 60_000;
const ok = reply(250, '2.0.0', 'Ok');
const greylisted = reply(451, '4.7.1', 'Greylisted, try again later');

let dir: string;
let n = 0;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailward-runner-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Decide = (
  job: DeliveryJob,
  rcpt: string,
) => Omit<DeliveryOutcome, 'rcpt'> | Promise<Omit<DeliveryOutcome, 'rcpt'>>;

function fakeTransport(decide: Decide) {
  const jobs: DeliveryJob[] = [];
  const transport: Transport = {
    async deliver(job) {
      jobs.push(job);
      return Promise.all(job.rcpts.map(async (r) => ({ rcpt: r.address, ...(await decide(job, r.address)) })));
    },
    async close() {},
  };
  return { transport, jobs };
}

const delivered = () => ({
  status: 'delivered' as const,
  reply: ok,
  stage: 'end-of-data' as const,
  remote: { host: 'mx.remote.test', ip: '127.0.0.9' },
});

async function setup(decide: Decide, over: Partial<RunnerDeps> = {}) {
  const base = join(dir, String(n++));
  const file = join(base, 'queue.db');
  const store = openSqliteQueueStore(file);
  const clock = new FakeClock();
  const spoolDir = join(base, 'spool');
  const intake = createIntake({
    store,
    spoolDir,
    hostname: 'mx.ours.test',
    clock,
    log: silent,
    lifetimeMs: over.schedule?.lifetimeMs,
    ...(over.isHeld ? { isHeld: over.isHeld } : {}),
  });
  const fake = fakeTransport(decide);
  const notices: [QueueMessage, readonly DeliveryOutcome[]][] = [];
  const runner = createRunner({
    store,
    transport: fake.transport,
    clock,
    schedule: createSchedule(),
    log: silent,
    onOutcomes: async (m, o) => {
      notices.push([m, o]);
    },
    ...over,
  });
  const inject = async (rcpts: string[]) => {
    const r = await intake.injectLocal({
      from: 'alice@ours.test',
      rcpts,
      body: Buffer.from('Subject: t\r\n\r\nhi\r\n'),
      origin: { source: 'test' },
    });
    assert.ok(r.ok);
    return r.queueId;
  };
  return {
    store,
    clock,
    runner,
    inject,
    notices,
    jobs: fake.jobs,
    file,
    spoolDir,
    async close() {
      await runner.stop();
      await intake.close();
      await store.close();
    },
  };
}

describe('queue runner', () => {
  it('delivers, records the outcome, and removes the spool file when every recipient is final', async () => {
    const t = await setup(delivered);
    const id = await t.inject(['bob@remote.test']);
    const spool = (await t.store.getMessage(id))?.spoolPath ?? '';
    assert.deepEqual(await t.runner.runOnce(), { jobs: 1, recipients: 1 });
    assert.deepEqual(
      { ...t.jobs[0], bodyPath: '' },
      {
        queueId: id,
        from: 'alice@ours.test',
        rcpts: [{ address: 'bob@remote.test' }],
        dsn: {},
        bodyPath: '',
        size: t.jobs[0]?.size,
        smtputf8: false,
        body: '8BITMIME',
        attempt: 1,
      },
    );
    const m = await t.store.getMessage(id);
    assert.equal(m?.doneAt, t.clock.now());
    assert.equal(existsSync(spool), false);
    const ev = (await t.store.listEvents({ queueId: id })).map((e) => [
      e.event,
      e.remoteHost,
      e.remoteIp,
      e.stage,
      e.reply?.code ?? null,
    ]);
    assert.deepEqual(ev, [
      ['received', null, null, null, null],
      ['delivered', 'mx.remote.test', '127.0.0.9', 'end-of-data', 250],
    ]);
    assert.equal(t.notices.length, 1);
    await t.close();
  });

  it('defers a 451 from the remote and retries after the first interval', async () => {
    let calls = 0;
    const t = await setup(() =>
      calls++ === 0 ? { status: 'deferred', reply: greylisted, stage: 'rcpt' } : delivered(),
    );
    const id = await t.inject(['bob@remote.test']);
    const t0 = t.clock.now();
    await t.runner.runOnce();
    const r = (await t.store.getMessage(id))?.recipients[0];
    assert.deepEqual(
      [r?.state, r?.attempts, r?.nextAttemptAt, r?.lastReply],
      ['deferred', 1, t0 + 5 * MIN, greylisted],
    );
    t.clock.advance(5 * MIN - 1);
    assert.deepEqual(await t.runner.runOnce(), { jobs: 0, recipients: 0 });
    t.clock.advance(1);
    assert.deepEqual(await t.runner.runOnce(), { jobs: 1, recipients: 1 });
    assert.equal(t.jobs[1]?.attempt, 2);
    assert.equal((await t.store.getMessage(id))?.recipients[0]?.state, 'delivered');
    await t.close();
  });

  it('fails a recipient still deferred at the end of its lifetime as expired (4.4.7)', async () => {
    const t = await setup(() => ({ status: 'deferred', reply: greylisted, stage: 'rcpt' }), {
      schedule: createSchedule(['1h'], '150m'),
    });
    const id = await t.inject(['bob@remote.test']);
    await t.runner.runOnce(); // t=0
    t.clock.advance(60 * MIN);
    await t.runner.runOnce(); // t=1h
    t.clock.advance(60 * MIN);
    await t.runner.runOnce(); // t=2h, next clamped to 2h30
    assert.equal((await t.store.getMessage(id))?.recipients[0]?.nextAttemptAt, Date.UTC(2026, 0, 1) + 150 * MIN);
    t.clock.advance(30 * MIN);
    await t.runner.runOnce(); // t=2h30: expired
    const m = await t.store.getMessage(id);
    const r = m?.recipients[0];
    const expired = reply(451, '4.4.7', [
      'Message expired: delivery time ran out',
      'Last error: 451 4.7.1 Greylisted, try again later',
    ]);
    assert.deepEqual([r?.state, r?.attempts, r?.lastReply], ['failed', 4, expired]);
    assert.notEqual(m?.doneAt, null);
    const last = t.notices.at(-1)?.[1][0];
    assert.deepEqual([last?.status, last?.reply], ['failed', expired]);
    assert.deepEqual(
      (await t.store.listEvents({ queueId: id })).map((e) => e.event),
      ['received', 'deferred', 'deferred', 'deferred', 'expired'],
    );
    await t.close();
  });

  it('groups recipients by message and destination, our domains as one', async () => {
    const t = await setup(delivered, { isLocalDomain: (d) => d === 'ours.test' || d === 'ours2.test' });
    await t.inject(['a@x.test', 'b@x.test', 'c@y.test', 'me@ours.test', 'you@ours2.test']);
    assert.deepEqual(await t.runner.runOnce(), { jobs: 3, recipients: 5 });
    assert.deepEqual(t.jobs.map((j) => j.rcpts.map((r) => r.address)).sort(), [
      ['a@x.test', 'b@x.test'],
      ['c@y.test'],
      ['me@ours.test', 'you@ours2.test'],
    ]);
    await t.close();
  });

  it('keeps within the per-domain and total concurrency limits', async () => {
    const live = new Map<string, number>();
    const peak = new Map<string, number>();
    let total = 0;
    let peakTotal = 0;
    const t = await setup(
      async (_job, rcpt) => {
        const d = rcpt.split('@')[1] as string;
        live.set(d, (live.get(d) ?? 0) + 1);
        total++;
        peak.set(d, Math.max(peak.get(d) ?? 0, live.get(d) ?? 0));
        peakTotal = Math.max(peakTotal, total);
        await new Promise((r) => setTimeout(r, 5));
        live.set(d, (live.get(d) ?? 0) - 1);
        total--;
        return delivered();
      },
      { limits: { maxConnections: 3, maxPerDomain: 2 } },
    );
    for (let i = 0; i < 6; i++) await t.inject([`u${i}@x.test`]);
    for (let i = 0; i < 3; i++) await t.inject([`v${i}@y.test`]);
    assert.deepEqual(await t.runner.runOnce(), { jobs: 9, recipients: 9 });
    assert.equal(peak.get('x.test'), 2);
    assert.ok(peakTotal <= 3, `total concurrency ${peakTotal}`);
    assert.ok((peak.get('y.test') ?? 0) >= 1 && (peak.get('y.test') ?? 0) <= 2);
    assert.deepEqual(await t.store.listMessages(), []);
    await t.close();
  });

  it('holds claimed jobs over a destination limit and starts them as slots free, without giving claims back', async () => {
    let live = 0;
    let peak = 0;
    const t = await setup(
      async () => {
        live++;
        peak = Math.max(peak, live);
        await new Promise((r) => setTimeout(r, 5));
        live--;
        return delivered();
      },
      { limits: { maxConnections: 10, maxPerDomain: 2 }, pollIntervalMs: 60_000 },
    );
    const calls = { claim: 0, release: 0 };
    const claimDue = t.store.claimDue.bind(t.store);
    const releaseClaims = t.store.releaseClaims.bind(t.store);
    t.store.claimDue = (...a) => {
      calls.claim++;
      return claimDue(...a);
    };
    t.store.releaseClaims = (...a) => {
      calls.release++;
      return releaseClaims(...a);
    };
    for (let i = 0; i < 8; i++) await t.inject([`u${i}@x.test`]);
    await t.runner.start();
    for (let i = 0; i < 200 && (await t.store.listMessages()).length > 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.deepEqual(await t.store.listMessages(), []);
    assert.equal(t.jobs.length, 8);
    assert.equal(peak, 2);
    assert.equal(calls.release, 0);
    // one claim took all eight (two started, six held); the last one found nothing more
    assert.ok(calls.claim <= 3, `${calls.claim} claims`);
    await t.close();
  });

  it('gives held claims back on stop, so another worker can deliver them', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const t = await setup(
      async () => {
        await gate;
        return delivered();
      },
      { limits: { maxConnections: 10, maxPerDomain: 1 }, pollIntervalMs: 60_000 },
    );
    for (let i = 0; i < 3; i++) await t.inject([`u${i}@x.test`]);
    await t.runner.start();
    while (t.jobs.length === 0) await new Promise((r) => setTimeout(r, 5));
    const stopping = t.runner.stop();
    release();
    await stopping;
    const left = await t.store.listMessages();
    assert.equal(left.length, 2);
    for (const m of left) for (const r of m.recipients) assert.equal(r.state, 'pending');
    const other = createRunner({
      store: t.store,
      transport: fakeTransport(() => delivered()).transport,
      clock: t.clock,
      schedule: createSchedule(),
      log: silent,
    });
    assert.deepEqual(await other.runOnce(), { jobs: 2, recipients: 2 });
    await t.close();
  });

  it('never lets two runners on one database file deliver the same recipient', async () => {
    const seen: string[] = [];
    const t = await setup(
      async (job, rcpt) => {
        seen.push(`${job.queueId}/${rcpt}`);
        await new Promise((r) => setTimeout(r, 1));
        return delivered();
      },
      { limits: { maxConnections: 4 } },
    );
    for (let i = 0; i < 40; i++) await t.inject([`u${i}@d${i % 4}.test`, `w${i}@d${i % 4}.test`]);
    const other = openSqliteQueueStore(t.file);
    const second = createRunner({
      store: other,
      transport: fakeTransport(async (job, rcpt) => {
        seen.push(`${job.queueId}/${rcpt}`);
        await new Promise((r) => setTimeout(r, 1));
        return delivered();
      }).transport,
      clock: t.clock,
      schedule: createSchedule(),
      log: silent,
      workerId: 'second',
      limits: { maxConnections: 5 },
    });
    const [a, b] = await Promise.all([t.runner.runOnce(), second.runOnce()]);
    assert.equal(a.recipients + b.recipients, 80);
    assert.ok(a.recipients > 0 && b.recipients > 0, `both runners worked: ${a.recipients} + ${b.recipients}`);
    assert.equal(new Set(seen).size, 80);
    assert.equal(seen.length, 80);
    await other.close();
    await t.close();
  });

  it('puts recipients left active by a crash back on start, and delivers them', async () => {
    const t = await setup(delivered, { pollIntervalMs: 10_000 });
    const id = await t.inject(['bob@remote.test']);
    await t.store.claimDue('crashed-worker', t.clock.now(), 10, { leaseMs: 3_600_000 });
    assert.deepEqual(await t.runner.runOnce(), { jobs: 0, recipients: 0 });
    await t.runner.start();
    for (let i = 0; i < 100 && t.jobs.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    await t.runner.stop();
    assert.equal((await t.store.getMessage(id))?.recipients[0]?.state, 'delivered');
    assert.equal(await t.store.recoverActive(t.clock.now()), 0);
    await t.close();
  });

  it('defers with 451 4.3.0 when the transport throws, and keeps the spool file', async () => {
    const t = await setup(() => {
      throw new Error('bug in transport');
    });
    const id = await t.inject(['bob@remote.test']);
    await t.runner.runOnce();
    const m = await t.store.getMessage(id);
    assert.deepEqual(
      [m?.recipients[0]?.state, m?.recipients[0]?.lastReply?.code, m?.recipients[0]?.lastReply?.enhanced],
      ['deferred', 451, '4.3.0'],
    );
    assert.equal(existsSync(m?.spoolPath ?? ''), true);
    await t.close();
  });

  it('records a permanent failure and hands it to the notice hook', async () => {
    const unknown = reply(550, '5.1.1', 'No such user');
    const t = await setup(() => ({
      status: 'failed',
      reply: unknown,
      stage: 'rcpt',
      remote: { host: 'mx.remote.test', ip: '127.0.0.9' },
    }));
    const id = await t.inject(['bob@remote.test']);
    await t.runner.runOnce();
    assert.equal((await t.store.getMessage(id))?.recipients[0]?.state, 'failed');
    assert.deepEqual(t.notices[0]?.[1], [
      {
        rcpt: 'bob@remote.test',
        status: 'failed',
        reply: unknown,
        stage: 'rcpt',
        remote: { host: 'mx.remote.test', ip: '127.0.0.9' },
      },
    ]);
    assert.equal(t.notices[0]?.[0].id, id);
    await t.close();
  });

  it('does not start a second delivery of a recipient whose lease ran out while its job still runs', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let calls = 0;
    const t = await setup(
      async () => {
        calls++;
        await gate;
        return delivered();
      },
      { leaseMs: 1000, pollIntervalMs: 60_000 },
    );
    const id = await t.inject(['bob@remote.test']);
    await t.runner.start();
    for (let i = 0; i < 200 && calls === 0; i++) await new Promise((r) => setTimeout(r, 5));
    t.clock.advance(5000);
    t.runner.kick();
    await new Promise((r) => setTimeout(r, 50));
    const during = calls;
    release();
    await t.runner.stop();
    assert.equal(during, 1);
    assert.equal(calls, 1);
    assert.equal((await t.store.getMessage(id))?.recipients[0]?.state, 'delivered');
    await t.close();
  });

  it('holds mail for a deferred domain until a flush, and puts it back on hold after a failed try', async () => {
    let bobTries = 0;
    const t = await setup(
      (_job, rcpt) =>
        rcpt.startsWith('bob@') && bobTries++ === 0
          ? { status: 'deferred', reply: greylisted, stage: 'rcpt' }
          : delivered(),
      { schedule: createSchedule(['5m'], '2d'), isHeld: heldDomains(['Remote.TEST']) },
    );
    const t0 = t.clock.now();
    const held = await t.inject(['bob@remote.test']);
    const free = await t.inject(['carol@elsewhere.test']);
    // only the free domain is tried; the held recipient waits, due at its expiry
    assert.deepEqual(await t.runner.runOnce(), { jobs: 1, recipients: 1 });
    assert.deepEqual(
      t.jobs.map((j) => j.queueId),
      [free],
    );
    const waiting = (await t.store.getMessage(held))?.recipients[0];
    assert.deepEqual([waiting?.state, waiting?.attempts, waiting?.nextAttemptAt], ['pending', 0, t0 + 2 * 1440 * MIN]);
    t.clock.advance(60 * MIN);
    assert.deepEqual(await t.runner.runOnce(), { jobs: 0, recipients: 0 });
    // `mailward queue flush`: tried now; the failure puts it back on hold, not on the 5m schedule
    assert.equal(await t.store.retryNow(null, t.clock.now()), 1);
    assert.deepEqual(await t.runner.runOnce(), { jobs: 1, recipients: 1 });
    const back = (await t.store.getMessage(held))?.recipients[0];
    assert.deepEqual([back?.state, back?.attempts, back?.nextAttemptAt], ['deferred', 1, t0 + 2 * 1440 * MIN]);
    t.clock.advance(5 * MIN);
    assert.deepEqual(await t.runner.runOnce(), { jobs: 0, recipients: 0 });
    // the next flush delivers it
    await t.store.retryNow(held, t.clock.now());
    assert.deepEqual(await t.runner.runOnce(), { jobs: 1, recipients: 1 });
    assert.equal((await t.store.getMessage(held))?.recipients[0]?.state, 'delivered');
    await t.close();
  });

  it('gives held mail one last try at the end of its lifetime, then expires it (4.4.7)', async () => {
    const t = await setup(() => ({ status: 'deferred', reply: greylisted, stage: 'rcpt' }), {
      schedule: createSchedule(['5m'], '1h'),
      isHeld: heldDomains(['remote.test']),
    });
    const id = await t.inject(['bob@remote.test']);
    assert.deepEqual(await t.runner.runOnce(), { jobs: 0, recipients: 0 });
    t.clock.advance(60 * MIN);
    assert.deepEqual(await t.runner.runOnce(), { jobs: 1, recipients: 1 });
    const r = (await t.store.getMessage(id))?.recipients[0];
    assert.deepEqual([r?.state, r?.lastReply?.enhanced], ['failed', '4.4.7']);
    await t.close();
  });
});
