/**
 * Deliveries per second through createRunner alone: 1000 queued one-recipient messages over
 * 10 domains, a fake transport that answers 250 after 5 ms. Measures the queue's own cost per
 * delivery (claims, recorded outcomes, spool removal). Not part of `npm test`.
 * Usage: node --import tsx bench/runner.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../src/core/clock.js';
import { reply } from '../src/core/reply.js';
import { createRunner } from '../src/queue/runner.js';
import { createSchedule } from '../src/queue/schedule.js';
import { message } from '../src/store/queue-contract.js';
import { openSqliteQueueStore } from '../src/store/sqlite/queue.js';

const COUNT = 1000;
const dir = await mkdtemp(join(tmpdir(), 'mailward-bench-runner-'));
const store = openSqliteQueueStore(join(dir, 'queue.db'));
const now = Date.now();
await store.insertMessages(
  Array.from({ length: COUNT }, (_, i) =>
    message(`R${i}`, [`u${i}@d${i % 10}.test`], { arrivedAt: now, spoolPath: join(dir, `R${i}`) }),
  ),
);
const ok = reply(250, '2.0.0', 'ok');
const runner = createRunner({
  store,
  clock: systemClock,
  schedule: createSchedule(),
  log: { info() {}, warn() {}, error() {} },
  transport: {
    async deliver(job) {
      await new Promise((r) => setTimeout(r, 5));
      return job.rcpts.map((r) => ({
        rcpt: r.address,
        status: 'delivered' as const,
        reply: ok,
        stage: 'local' as const,
      }));
    },
    async close() {},
  },
});
const t = performance.now();
await runner.start();
while ((await store.liveMessageIds()).length > 0) await new Promise((r) => setTimeout(r, 10));
await runner.stop();
const secs = (performance.now() - t) / 1000;
console.log(`runner: ${COUNT} deliveries in ${secs.toFixed(2)} s = ${(COUNT / secs).toFixed(0)} deliveries/s`);
await store.close();
await rm(dir, { recursive: true, force: true });
