/**
 * The queue's promises across processes: every message that got `250` survives a `kill -9`
 * of the process that accepted it (spool file and row both there), a restart recovers and
 * delivers it, and two processes running the queue on one database file never deliver the
 * same recipient twice. Children are started with inline scripts through tsx.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { systemClock } from '../../src/core/clock.js';
import { reply } from '../../src/core/reply.js';
import { createRunner } from '../../src/queue/runner.js';
import { createSchedule } from '../../src/queue/schedule.js';
import { sweepOrphans } from '../../src/queue/spool.js';
import { openSqliteQueueStore } from '../../src/store/sqlite/queue.js';

const ROOT = join(import.meta.dirname, '../..');
const silent = { info() {}, warn() {}, error() {} };

/** Accepts messages from 20 concurrent writers forever, printing each queue id after its 250. */
const WRITER = `
import { Readable } from 'node:stream';
import { systemClock } from './src/core/clock.ts';
import { parseMailbox } from './src/core/address.ts';
import { createIntake } from './src/queue/intake.ts';
import { openSqliteQueueStore } from './src/store/sqlite/queue.ts';
const [dir] = process.argv.slice(1);
const store = openSqliteQueueStore(dir + '/queue.db');
const intake = createIntake({ store, spoolDir: dir + '/spool', hostname: 'mx.test', clock: systemClock, log: { info() {}, warn() {}, error() {} } });
const client = { ip: '127.0.0.1', port: 1, localIp: '127.0.0.1', localPort: 25, role: 'mx', helo: 'c.test', esmtp: true, tls: false, authUser: null };
const mb = (s) => parseMailbox(s).value;
let n = 0;
await Promise.all(Array.from({ length: 20 }, async () => {
  for (;;) {
    const i = n++;
    const env = { from: mb('a@c.test'), rcpts: [{ address: mb('u' + i + '@remote.test') }], dsn: {}, client, body: '8BITMIME', smtputf8: false };
    const r = await intake.onData({ sessionId: 's', client }, env, Readable.from([Buffer.from('Subject: ' + i + '\\r\\n\\r\\n' + 'x'.repeat(4000) + '\\r\\n')]));
    if (r.code !== 250) throw new Error('reply ' + r.code);
    process.stdout.write(r.lines[0].slice('Ok: queued as '.length) + ' ' + i + '\\n');
  }
}));`;

/** Runs the queue once on a shared file and prints each delivery as "queueId/rcpt". */
const RUNNER = `
import { systemClock } from './src/core/clock.ts';
import { reply } from './src/core/reply.ts';
import { createRunner } from './src/queue/runner.ts';
import { createSchedule } from './src/queue/schedule.ts';
import { openSqliteQueueStore } from './src/store/sqlite/queue.ts';
const [file, name] = process.argv.slice(1);
const store = openSqliteQueueStore(file);
const transport = {
  async deliver(job) {
    await new Promise((r) => setTimeout(r, 2));
    for (const r of job.rcpts) process.stdout.write(job.queueId + '/' + r.address + '\\n');
    return job.rcpts.map((r) => ({ rcpt: r.address, status: 'delivered', reply: reply(250, '2.0.0', 'ok'), stage: 'end-of-data' }));
  },
  async close() {},
};
const runner = createRunner({ store, transport, clock: systemClock, schedule: createSchedule(), log: { info() {}, warn() {}, error() {} }, workerId: name, limits: { maxConnections: 4 } });
await runner.runOnce();
await store.close();`;

function child(script: string, args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, '--', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function collect(
  c: ChildProcess,
): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  c.stdout?.on('data', (d) => {
    stdout += d;
  });
  c.stderr?.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve) => c.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailward-durability-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('queue durability across processes', () => {
  test('every message answered 250 before a kill -9 is on disk and committed, and is delivered after restart', async () => {
    const work = join(dir, 'crash');
    const writer = child(WRITER, [work]);
    const done = collect(writer);
    let acked = 0;
    writer.stdout?.on('data', (d: Buffer) => {
      acked += d.toString().split('\n').length - 1;
      if (acked >= 60) writer.kill('SIGKILL');
    });
    const out = await done;
    assert.equal(out.signal, 'SIGKILL', out.stderr);
    const lines = out.stdout.split('\n').filter((l) => /^\S+ \d+$/.test(l));
    assert.ok(lines.length >= 60, `only ${lines.length} acknowledged`);

    const store = openSqliteQueueStore(join(work, 'queue.db'));
    for (const line of lines) {
      const [id, i] = line.split(' ') as [string, string];
      const m = await store.getMessage(id);
      assert.ok(m, `acknowledged message ${id} is missing from the store`);
      assert.deepEqual(
        m.recipients.map((r) => [r.address, r.state]),
        [[`u${i}@remote.test`, 'pending']],
      );
      const text = await readFile(m.spoolPath, 'utf8');
      assert.ok(text.includes(`\r\nSubject: ${i}\r\n\r\n${'x'.repeat(4000)}\r\n`), `spool file of ${id} is incomplete`);
    }
    // a restart: half-written files of the killed process go, committed ones stay
    const live = new Set(await store.liveMessageIds());
    await sweepOrphans(join(work, 'spool'), live, Date.now(), 0);
    for (const id of live)
      assert.ok(existsSync((await store.getMessage(id))?.spoolPath ?? ''), `sweep removed live ${id}`);

    const delivered = new Set<string>();
    const runner = createRunner({
      store,
      clock: systemClock,
      schedule: createSchedule(),
      log: silent,
      transport: {
        async deliver(job) {
          assert.ok(existsSync(job.bodyPath));
          for (const r of job.rcpts) delivered.add(`${job.queueId}/${r.address}`);
          return job.rcpts.map((r) => ({
            rcpt: r.address,
            status: 'delivered' as const,
            reply: reply(250, '2.0.0', 'ok'),
            stage: 'end-of-data' as const,
          }));
        },
        async close() {},
      },
    });
    await runner.runOnce();
    assert.equal(delivered.size, live.size);
    for (const line of lines) {
      const [id, i] = line.split(' ') as [string, string];
      assert.ok(delivered.has(`${id}/u${i}@remote.test`));
    }
    assert.deepEqual(await store.listMessages(), []);
    await store.close();
  });

  test('two processes running the queue on one database file deliver each recipient exactly once', async () => {
    const file = join(dir, 'shared', 'queue.db');
    const store = openSqliteQueueStore(file);
    const now = systemClock.now();
    const messages = Array.from({ length: 60 }, (_, i) => ({
      id: `M${String(i).padStart(3, '0')}`,
      from: 'a@c.test',
      dsn: {},
      body: '8BITMIME' as const,
      smtputf8: false,
      size: 10,
      spoolPath: join(dir, 'shared', `M${i}`),
      arrivedAt: now,
      expiresAt: now + 86_400_000,
      origin: { kind: 'local' as const, source: 'test' },
      messageId: null,
      recipients: [
        { address: `a${i}@d${i % 3}.test` },
        { address: `b${i}@d${i % 3}.test` },
        { address: `c${i}@e.test` },
      ],
    }));
    await store.insertMessages(messages);
    const [a, b] = await Promise.all([collect(child(RUNNER, [file, 'one'])), collect(child(RUNNER, [file, 'two']))]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    const first = a.stdout.trim().split('\n').filter(Boolean);
    const second = b.stdout.trim().split('\n').filter(Boolean);
    const all = [...first, ...second];
    assert.equal(all.length, 180);
    assert.equal(new Set(all).size, 180);
    assert.ok(first.length > 0 && second.length > 0, `both worked: ${first.length} + ${second.length}`);
    assert.deepEqual(await store.listMessages(), []);
    await store.close();
  });
});
