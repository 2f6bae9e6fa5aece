/**
 * Messages per second through our SMTP engine and the durable intake together, before the
 * server is wired: an mx listener on loopback whose onData is createIntake's, driven by 20
 * persistent client sessions (EHLO once, then MAIL, RCPT, DATA, 4 KiB body, each reply
 * awaited, as smtp-source does). A rough stand-in for bench/relay.sh. Not part of `npm test`.
 * Usage: node --import tsx bench/smtp-intake.ts [seconds=5] [sessions=20]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../src/core/clock.js';
import { createIntake } from '../src/queue/intake.js';
import { createSmtpServer } from '../src/smtp/server.js';
import { openSqliteQueueStore } from '../src/store/sqlite/queue.js';

const seconds = Number(process.argv[2] ?? 5);
const sessions = Number(process.argv[3] ?? 20);
const dir = await mkdtemp(join(tmpdir(), 'mailward-bench-smtp-'));
const store = openSqliteQueueStore(join(dir, 'queue.db'));
const log = { info() {}, warn() {}, error() {} };
const intake = createIntake({
  store,
  spoolDir: join(dir, 'spool'),
  hostname: 'mx.bench.test',
  clock: systemClock,
  log,
});
const server = createSmtpServer(
  {
    hostname: 'mx.bench.test',
    listeners: [{ role: 'mx', host: '127.0.0.1', port: 0, tls: 'none', authOffered: false, authWithoutTls: 'never' }],
    limits: { maxConnectionsPerIp: 1000, maxConnections: 1000 },
  },
  { onData: intake.onData },
);
const [bound] = await server.listen();
const body = `From: a@bench.test\r\nTo: b@ours.test\r\nSubject: bench\r\n\r\n${'x'.repeat(76)}\r\n`
  .repeat(1)
  .padEnd(4096, 'y');
const message = `${body}\r\n.\r\n`;

/** Reads complete replies (last line "NNN ") from a socket. */
function replies(socket: Socket): () => Promise<string> {
  let buf = '';
  const waiting: ((r: string) => void)[] = [];
  const ready: string[] = [];
  socket.on('data', (d) => {
    buf += d.toString('latin1');
    for (let m = /(?:^|\n)(\d{3}) [^\n]*\n/.exec(buf); m; m = /(?:^|\n)(\d{3}) [^\n]*\n/.exec(buf)) {
      const end = m.index + m[0].length;
      const r = buf.slice(0, end);
      buf = buf.slice(end);
      const w = waiting.shift();
      if (w) w(r);
      else ready.push(r);
    }
  });
  return () => {
    const r = ready.shift();
    return r !== undefined ? Promise.resolve(r) : new Promise((res) => waiting.push(res));
  };
}

let sent = 0;
const end = Date.now() + seconds * 1000;
await Promise.all(
  Array.from({ length: sessions }, async () => {
    const socket = connect(bound?.port ?? 0, '127.0.0.1');
    socket.setNoDelay(true);
    const next = replies(socket);
    const say = async (line: string, code: string) => {
      socket.write(line);
      const r = await next();
      if (!r.startsWith(code)) throw new Error(`${line.trim()} → ${r.trim()}`);
    };
    if (!(await next()).startsWith('220')) throw new Error('no greeting');
    await say('EHLO client.bench.test\r\n', '250');
    while (Date.now() < end) {
      await say('MAIL FROM:<a@bench.test>\r\n', '250');
      await say('RCPT TO:<b@ours.test>\r\n', '250');
      await say('DATA\r\n', '354');
      await say(message, '250');
      sent++;
    }
    await say('QUIT\r\n', '221');
    socket.end();
  }),
);
console.log(
  `smtp+intake: sessions=${sessions} ${(sent / seconds).toFixed(0)} msg/s (${sent} messages of ${body.length} octets)`,
);
await server.close();
await intake.close();
await store.close();
await rm(dir, { recursive: true, force: true });
