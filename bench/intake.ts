/**
 * Messages per second through createIntake alone (spool write + fdatasync + rename + group
 * commit of directory fsync and one SQLite transaction), with 1 and 20 concurrent writers of
 * 4 KiB bodies. Prints one line per run. Not part of `npm test`.
 * Usage: node --import tsx bench/intake.ts [seconds per run, default 5] [dir, default os.tmpdir()]
 * libuv's thread pool (4 threads by default) runs the fsyncs: UV_THREADPOOL_SIZE=32 lets more
 * of them overlap; the figure with both sizes is printed when the variable is not set.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parseMailbox } from '../src/core/address.js';
import { systemClock } from '../src/core/clock.js';
import type { ClientInfo, Envelope } from '../src/core/envelope.js';
import { createIntake } from '../src/queue/intake.js';
import { openSqliteQueueStore } from '../src/store/sqlite/queue.js';

const seconds = Number(process.argv[2] ?? 5);
const base = process.argv[3] ?? tmpdir();

const client: ClientInfo = {
  ip: '127.0.0.1',
  port: 50000,
  localIp: '127.0.0.1',
  localPort: 25,
  role: 'mx',
  helo: 'bench.test',
  esmtp: true,
  tls: false,
  authUser: null,
};
const mailbox = (s: string) => {
  const r = parseMailbox(s);
  if (!r.ok) throw new Error(s);
  return r.value;
};
const envelope: Envelope = {
  from: mailbox('sender@bench.test'),
  rcpts: [{ address: mailbox('rcpt@ours.test') }],
  dsn: {},
  client,
  body: '8BITMIME',
  smtputf8: false,
};
const header = 'From: sender@bench.test\r\nTo: rcpt@ours.test\r\nSubject: bench\r\nMessage-ID: <x@bench.test>\r\n\r\n';
const body = Buffer.from(
  header +
    'x'
      .repeat(76)
      .concat('\r\n')
      .repeat(Math.ceil((4096 - header.length) / 78)),
).subarray(0, 4096);

async function run(writers: number): Promise<void> {
  const dir = await mkdtemp(join(base, 'mailward-bench-'));
  const sqlite = openSqliteQueueStore(join(dir, 'queue.db'));
  let commitMs = 0;
  const store = Object.assign(Object.create(sqlite), {
    insertMessages: async (ms: Parameters<typeof sqlite.insertMessages>[0]) => {
      const t = performance.now();
      await sqlite.insertMessages(ms);
      commitMs += performance.now() - t;
    },
  }) as typeof sqlite;
  const log = { info() {}, warn() {}, error() {} };
  const intake = createIntake({
    store,
    spoolDir: join(dir, 'spool'),
    hostname: 'mx.bench.test',
    clock: systemClock,
    log,
  });
  const view = { sessionId: 'bench', client };
  const end = Date.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (Date.now() < end) {
        const r = await intake.onData(view, envelope, Readable.from([body]));
        if (r.code !== 250) throw new Error(`unexpected reply ${r.code}`);
        done++;
      }
    }),
  );
  const stats = intake.stats;
  await intake.close();
  await sqlite.close();
  await rm(dir, { recursive: true, force: true });
  const rate = done / seconds;
  console.log(
    `writers=${String(writers).padStart(2)} threadpool=${process.env.UV_THREADPOOL_SIZE ?? 4} ${rate.toFixed(0).padStart(6)} msg/s  ` +
      `(${done} messages, ${stats.batches} commits, ${(stats.messages / Math.max(stats.batches, 1)).toFixed(1)} per commit, largest ${stats.largestBatch}, ${(commitMs / Math.max(stats.batches, 1)).toFixed(2)} ms per SQLite commit)`,
  );
}

if (process.env.UV_THREADPOOL_SIZE === undefined && process.env.MAILWARD_BENCH_CHILD === undefined) {
  for (const pool of ['4', '32']) {
    spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
      stdio: 'inherit',
      env: { ...process.env, UV_THREADPOOL_SIZE: pool, MAILWARD_BENCH_CHILD: '1' },
    });
  }
} else {
  await run(1);
  await run(20);
}
