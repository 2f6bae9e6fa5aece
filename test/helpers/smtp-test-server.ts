/**
 * Starts the SMTP engine on loopback port 0 for a test: a spool sink in a temp dir, a
 * self-signed certificate, and the three listener roles. Hooks can be overridden per test.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionHooks } from '../../src/smtp/hooks.js';
import type { ListenerOptions, SmtpLimits } from '../../src/smtp/options.js';
import { type BoundListener, createSmtpServer, type SmtpServer } from '../../src/smtp/server.js';
import { ensureCertificate, type PemPair } from '../../src/smtp/tls-certificate.js';
import { createSpoolSink, type SpoolSink } from './spool-sink.js';

export interface TestServer {
  readonly server: SmtpServer;
  readonly spool: SpoolSink;
  readonly ports: Record<'mx' | 'submission' | 'submissions', number>;
  readonly bound: BoundListener[];
  readonly tls: PemPair;
  stop(): Promise<void>;
}

let cert: Promise<{ dir: string; pems: PemPair }> | null = null;

/** One certificate per test process (RSA generation is slow). */
export function testCertificate(): Promise<{ dir: string; pems: PemPair }> {
  cert ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mailward-cert-'));
    return { dir, pems: await ensureCertificate(dir, 'mx.test') };
  })();
  return cert;
}

export const USERS: Record<string, string> = { alice: 'secret', 'bob@example.test': 'hunter2' };

export async function startTestServer(
  opts: { hooks?: SessionHooks; limits?: Partial<SmtpLimits>; listeners?: Partial<ListenerOptions>[] } = {},
): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'mailward-spool-'));
  const spool = createSpoolSink(dir);
  const { pems } = await testCertificate();
  const base: ListenerOptions[] = [
    { role: 'mx', host: '127.0.0.1', port: 0, tls: 'starttls', authOffered: false, authWithoutTls: 'never' },
    { role: 'submission', host: '127.0.0.1', port: 0, tls: 'starttls', authOffered: true, authWithoutTls: 'never' },
    { role: 'submissions', host: '127.0.0.1', port: 0, tls: 'implicit', authOffered: true, authWithoutTls: 'never' },
  ];
  const listeners = base.map((l, i) => ({ ...l, ...(opts.listeners?.[i] ?? {}) }));
  const hooks: SessionHooks = {
    onData: (v, e, b) => spool.onData(v, e, b),
    authenticate: async (_v, req) =>
      USERS[req.username] === req.password ? { ok: true, user: req.username } : { ok: false },
    ...opts.hooks,
  };
  const server = createSmtpServer(
    { hostname: 'mx.test', listeners, tls: pems, limits: { commandTimeoutMs: 10_000, ...opts.limits } },
    hooks,
  );
  const bound = await server.listen();
  const port = (role: string) => bound.find((b) => b.role === role)?.port ?? 0;
  return {
    server,
    spool,
    bound,
    tls: pems,
    ports: { mx: port('mx'), submission: port('submission'), submissions: port('submissions') },
    async stop() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
