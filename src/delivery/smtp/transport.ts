/**
 * The remote transport: for one job (one destination domain), find where to send it
 * (route → smarthost → MX), try the hosts in order until one takes the transaction, and
 * return each recipient's outcome from the remote's own replies.
 *
 * RFC 5321 §5.1 (try the next MX when a connection fails or the session fails before the
 * transaction), §4.2.5 / §4.5.4.1 (4xx: retry later; 5xx: do not), RFC 7505 §3.2 (null MX →
 * 556 5.1.10), RFC 3463 (4.4.1 no answer from host, 4.4.2 bad connection, 4.4.3 DNS failure,
 * 5.1.2 bad destination system, 5.4.4 unable to route).
 * Security: remote replies are kept verbatim but only as Reply values (parsed, CR/LF-free);
 * credentials for the smarthost go only to the smarthost and only under its TLS setting.
 */
import type { DeliveryConfig } from '../../config/sections/delivery.js';
import { domainOf } from '../../core/address.js';
import type { DeliveryOutcome, DeliveryStage } from '../../core/delivery-outcome.js';
import { isPermanent, isTransient, type Reply, reply } from '../../core/reply.js';
import type { DeliveryJob, Transport } from '../transport.js';
import { type MxResolver, type ResolveOptions, resolveHostAddresses, resolveTargets } from './mx.js';
import { type SessionFailure, SmtpSession, type SocketFactory, type Timeouts } from './session.js';
import { SessionPool } from './session-pool.js';
import { runTransaction } from './transaction.js';
import { wireBodyChunks } from './wire-body.js';

export interface DeliveryLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface SmtpTransportDeps {
  resolver: MxResolver;
  /** Our name in EHLO. */
  hostname: string;
  config: DeliveryConfig;
  log?: DeliveryLog;
  /** Outbound socket factory (tests); default net.connect. */
  connect?: SocketFactory;
  resolveOptions?: ResolveOptions;
  /** Connections tried per attempt across all MX hosts and addresses (Postfix: smtp_mx_address_limit). */
  maxConnections?: number;
}

interface Candidate {
  host: string;
  ip: string;
  port: number;
  tls: 'opportunistic' | 'required' | 'none';
  auth?: { username: string; password: string };
}

type Plan = { ok: true; candidates: Candidate[] } | { ok: false; reply: Reply };

const noLog: DeliveryLog = { info() {}, warn() {} };

function splitHostPort(s: string, defaultPort: number): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(s);
  return { host: m?.[1] ?? s, port: m?.[2] ? Number(m[2]) : defaultPort };
}

export function createSmtpTransport(deps: SmtpTransportDeps): Transport {
  const cfg = deps.config;
  const log = deps.log ?? noLog;
  const ms = (s: number) => Math.round(s * 1000);
  const timeouts: Timeouts = {
    connect: ms(cfg.timeouts.connect),
    greeting: ms(cfg.timeouts.greeting),
    command: ms(cfg.timeouts.command),
    dataStart: ms(cfg.timeouts.data_start),
    dataBlock: ms(cfg.timeouts.data_block),
    endOfData: ms(cfg.timeouts.end_of_data),
  };
  const pool = new SessionPool(ms(cfg.connection_reuse_idle), cfg.max_messages_per_connection);
  const maxConnections = deps.maxConnections ?? 5;

  async function plan(domain: string): Promise<Plan> {
    const route = cfg.routes[domain];
    const smart = cfg.smarthost;
    if (route || smart) {
      const { host, port } = route
        ? splitHostPort(route, cfg.smtp_port)
        : { host: smart?.host ?? '', port: smart?.port ?? 587 };
      const a = await resolveHostAddresses(host.replace(/^\[|\]$/g, ''), deps.resolver, deps.resolveOptions);
      if (!a.ok) {
        // Our own relay not resolving is our configuration problem: never bounce for it.
        return { ok: false, reply: reply(451, '4.4.3', `relay host ${host} for ${domain} not resolvable (${a.code})`) };
      }
      const tls = route ? cfg.tls : (smart?.tls ?? cfg.tls);
      const auth = !route && smart?.username ? { username: smart.username, password: smart.password ?? '' } : undefined;
      return { ok: true, candidates: a.value.map((ip) => ({ host, ip, port, tls, ...(auth ? { auth } : {}) })) };
    }
    const t = await resolveTargets(domain, deps.resolver, deps.resolveOptions);
    if (!t.ok) {
      switch (t.outcome) {
        case 'nullmx':
          return { ok: false, reply: reply(556, '5.1.10', `${domain} does not accept mail (null MX)`) };
        case 'nxdomain':
          return { ok: false, reply: reply(550, '5.1.2', `host or domain name not found: ${t.detail}`) };
        case 'unroutable':
          return { ok: false, reply: reply(550, '5.4.4', `unable to route: ${t.detail}`) };
        default:
          return { ok: false, reply: reply(451, '4.4.3', `DNS lookup failed, will retry: ${t.detail}`) };
      }
    }
    const candidates = t.hosts.flatMap((h) =>
      h.ips.map((ip) => ({ host: h.host, ip, port: cfg.smtp_port, tls: cfg.tls })),
    );
    return { ok: true, candidates };
  }

  async function sessionFor(
    c: Candidate,
  ): Promise<{ ok: true; session: SmtpSession } | { ok: false; failure: SessionFailure }> {
    const key = SessionPool.key({ ip: c.ip, port: c.port, tls: c.tls, username: c.auth?.username });
    const reused = await pool.take(key, timeouts.command);
    if (reused) return { ok: true, session: reused };
    return SmtpSession.open({ ...c, ehloName: deps.hostname, timeouts, connect: deps.connect });
  }

  return {
    async deliver(job: DeliveryJob): Promise<DeliveryOutcome[]> {
      const first = job.rcpts[0];
      if (!first) return [];
      const domain = domainOf(first.address);
      const all = (r: Reply, stage: DeliveryStage, remote?: DeliveryOutcome['remote']): DeliveryOutcome[] =>
        job.rcpts.map((x) => ({
          rcpt: x.address,
          status: isTransient(r) ? 'deferred' : 'failed',
          reply: r,
          stage,
          ...(remote ? { remote } : {}),
        }));

      const p = await plan(domain);
      if (!p.ok) {
        log.info({ queueId: job.queueId, domain, reply: p.reply }, 'no route to destination');
        return all(p.reply, 'dns');
      }

      const failures: Array<{ failure: SessionFailure; remote: { host: string; ip: string; port: number } }> = [];
      for (const c of p.candidates.slice(0, maxConnections)) {
        let s = await sessionFor(c);
        const remote = { host: c.host, ip: c.ip, port: c.port };
        if (
          !s.ok &&
          s.failure.stage === 'starttls' &&
          s.failure.reply.enhanced === '4.7.5' &&
          c.tls === 'opportunistic'
        ) {
          // Opportunistic TLS (RFC 7435 §3): a broken handshake must not stop mail that plaintext can carry.
          log.warn(
            { queueId: job.queueId, remote, reply: s.failure.reply },
            'TLS handshake failed, retrying without TLS',
          );
          s = await sessionFor({ ...c, tls: 'none' });
        }
        if (!s.ok) {
          log.info(
            { queueId: job.queueId, remote, stage: s.failure.stage, reply: s.failure.reply },
            'session failed, next host',
          );
          failures.push({ failure: s.failure, remote });
          continue;
        }
        const session = s.session;
        let outcomes: DeliveryOutcome[];
        try {
          outcomes = await runTransaction(session, job, () => wireBodyChunks(job.bodyPath));
        } catch (err) {
          // Unexpected I/O (the spool file vanished): the session is mid-DATA, so it cannot be reused.
          session.destroy();
          throw err;
        }
        log.info(
          {
            queueId: job.queueId,
            remote,
            tls: session.tlsActive,
            tlsVerified: session.tlsVerified,
            outcomes: outcomes.length,
          },
          'transaction done',
        );
        await pool.release(
          SessionPool.key({ ip: c.ip, port: c.port, tls: c.tls, username: c.auth?.username }),
          session,
        );
        return outcomes;
      }

      // No host took the transaction. Permanent only when every host said so with a 5xx of its own.
      const permanent =
        failures.length > 0 &&
        failures.every((f) => f.failure.final || (!f.failure.synthesized && isPermanent(f.failure.reply)));
      const chosen = permanent
        ? failures[failures.length - 1]
        : ([...failures].reverse().find((f) => isTransient(f.failure.reply)) ?? failures[failures.length - 1]);
      if (!chosen) return all(reply(451, '4.4.1', `no host to try for ${domain}`), 'connect');
      return all(chosen.failure.reply, chosen.failure.stage, chosen.remote);
    },
    async close(): Promise<void> {
      await pool.closeAll();
    },
  };
}
