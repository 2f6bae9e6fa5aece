/**
 * createSmtpServer: the listeners (mx, submission with STARTTLS, submissions with implicit
 * TLS) sharing one session engine, with the connection limits.
 *
 * RFC 5321 §4.3.1 (greeting, 421 refusal), RFC 3207 (STARTTLS), RFC 8314 §3.3 (implicit TLS
 * on 465). TCP_NODELAY on every accepted socket: replies are small and latency-bound.
 * Security: total and per-IP connection limits are checked before any byte is read; a
 * client over the limit gets `421 4.7.0` and is closed.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { createSecureContext, type SecureContext, TLSSocket } from 'node:tls';
import type { ListenerRole } from '../core/envelope.js';
import { pooledRandomBytes } from '../core/ids.js';
import { formatReply } from '../core/reply.js';
import type { SessionHooks } from './hooks.js';
import { type ListenerOptions, resolveLimits, type SmtpServerOptions } from './options.js';
import { replies } from './replies.js';
import { normalizeIp, Session, waitForHandshake } from './session.js';
import { commandTimeout, type SessionContext, type SmtpLogger } from './session-context.js';

export interface BoundListener {
  readonly role: ListenerRole;
  readonly host: string;
  readonly port: number;
}

export interface SmtpServer {
  /** Binds every listener; port 0 becomes the real port in the result. */
  listen(): Promise<BoundListener[]>;
  /** Stops accepting, closes every connection and waits until all sessions have ended. */
  close(): Promise<void>;
}

export function createSmtpServer(options: SmtpServerOptions, hooks: SessionHooks, log?: SmtpLogger): SmtpServer {
  const limits = resolveLimits(options.limits);
  const secureContext: SecureContext | null = options.tls
    ? createSecureContext({ key: options.tls.key, cert: options.tls.cert, minVersion: 'TLSv1.2' })
    : null;
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  const perIp = new Map<string, number>();
  const running = new Set<Promise<void>>();
  const sessions = new Set<Session>();

  function accept(listener: ListenerOptions, socket: Socket): void {
    socket.setNoDelay(true);
    socket.on('error', () => {});
    const ip = normalizeIp(socket.remoteAddress ?? '');
    const ipCount = perIp.get(ip) ?? 0;
    if (sockets.size >= limits.maxConnections || ipCount >= limits.maxConnectionsPerIp) {
      log?.warn({ ip, role: listener.role }, 'connection limit reached');
      refuse(listener, socket);
      return;
    }
    sockets.add(socket);
    perIp.set(ip, ipCount + 1);
    // entering stress: clients already idling lose their long timeouts too (Postfix's stress mode)
    if (limits.stressConnections > 0 && sockets.size === limits.stressConnections) {
      log?.warn({ connections: sockets.size }, 'under stress: short timeouts');
      for (const s of sessions) s.reader.shorten(limits.stressTimeoutMs);
    }
    socket.once('close', () => {
      sockets.delete(socket);
      const n = (perIp.get(ip) ?? 1) - 1;
      if (n <= 0) perIp.delete(ip);
      else perIp.set(ip, n);
    });
    const ctx: SessionContext = {
      hostname: options.hostname,
      listener,
      limits,
      secureContext,
      hooks,
      log: log ?? null,
      underStress: () => limits.stressConnections > 0 && sockets.size >= limits.stressConnections,
    };
    const id = pooledRandomBytes(6).toString('hex');
    const p = start(ctx, id, socket).finally(() => running.delete(p));
    running.add(p);
  }

  async function start(ctx: SessionContext, id: string, socket: Socket): Promise<void> {
    let stream: Socket | TLSSocket = socket;
    if (ctx.listener.tls === 'implicit') {
      const tlsSocket = new TLSSocket(socket, { isServer: true, secureContext: ctx.secureContext! });
      tlsSocket.on('error', () => {});
      if (!(await waitForHandshake(tlsSocket, commandTimeout(ctx)))) {
        socket.destroy();
        return;
      }
      stream = tlsSocket;
    }
    const session = new Session(ctx, id, socket, stream, ctx.listener.tls === 'implicit');
    sessions.add(session);
    try {
      await session.run();
    } finally {
      sessions.delete(session);
    }
  }

  function refuse(listener: ListenerOptions, socket: Socket): void {
    const text = formatReply(replies.tooManyConnections(options.hostname));
    if (listener.tls === 'implicit' && secureContext) {
      const t = new TLSSocket(socket, { isServer: true, secureContext });
      t.on('error', () => socket.destroy());
      t.once('secure', () => t.end(text));
      setTimeout(() => socket.destroy(), 5000).unref();
    } else socket.end(text);
  }

  return {
    async listen() {
      const bound: BoundListener[] = [];
      for (const l of options.listeners) {
        if (l.tls === 'implicit' && !secureContext)
          throw new Error(`listener ${l.role}: implicit TLS needs a certificate`);
        // allowHalfOpen: a client may send its last pipelined commands and FIN at once;
        // the replies must still reach it (the session ends the socket itself).
        const server = createServer({ allowHalfOpen: true }, (socket) => accept(l, socket));
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(l.port, l.host, () => {
            server.off('error', reject);
            resolve();
          });
        });
        servers.push(server);
        const addr = server.address();
        const port = addr && typeof addr === 'object' ? addr.port : l.port;
        bound.push({ role: l.role, host: l.host, port });
        log?.info({ role: l.role, host: l.host, port, tls: l.tls }, 'smtp listener ready');
      }
      return bound;
    },
    async close() {
      // server.close() waits for open connections, so those are destroyed first.
      const closed = servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
      servers.length = 0;
      for (const s of sockets) s.destroy();
      await Promise.all(closed);
      await Promise.allSettled([...running]);
    },
  };
}
