/**
 * Bench server: the SMTP engine with the fsync spool sink on a loopback port, for
 * bench/intake.sh. Prints "listening <port>" when ready; stops on SIGTERM/SIGINT.
 * Usage: node --import tsx bench/intake-server.ts [port] [spool-dir]
 * INTAKE_SINK=discard replaces the spool with a sink that only drains the body: the engine's
 * own cost, without the disk.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reply } from '../src/core/reply.js';
import type { SessionHooks } from '../src/smtp/hooks.js';
import { createSmtpServer } from '../src/smtp/server.js';
import { createSpoolSink } from '../test/helpers/spool-sink.js';

const port = Number(process.argv[2] ?? 0);
const dir = process.argv[3] ?? (await mkdtemp(join(tmpdir(), 'mailward-bench-')));
const spool = createSpoolSink(dir);
const server = createSmtpServer(
  {
    hostname: 'bench.test',
    listeners: [{ role: 'mx', host: '127.0.0.1', port, tls: 'none', authOffered: false, authWithoutTls: 'never' }],
    limits: { maxConnections: 1000, maxConnectionsPerIp: 1000, maxErrors: 1000 },
  },
  hooks(),
);
function hooks(): SessionHooks {
  if (process.env.INTAKE_SINK !== 'discard') return { onData: (v, e, b) => spool.onData(v, e, b) };
  return {
    onData: async (_v, _e, body) => {
      for await (const _ of body);
      return reply(250, '2.0.0', 'Ok: discarded');
    },
  };
}

const [bound] = await server.listen();
console.log(`listening ${bound?.port}`);
const stop = async () => {
  await server.close();
  if (!process.argv[3]) await rm(dir, { recursive: true, force: true });
  console.log(`stored ${spool.messages.length}`);
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
