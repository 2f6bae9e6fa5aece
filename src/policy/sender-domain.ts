/**
 * Sender domain check: does the MAIL FROM domain exist and can it receive replies?
 *
 * RFC 5321 §5.1 (MX, then implicit MX from A/AAAA), RFC 7505 (null MX: "." at preference 0
 * means the domain accepts no mail), RFC 3463 §3.2 (X.1.8 bad sender's system address) and
 * §3.5 (X.4.3 directory server failure).
 * The resolver is injected (node:dns/promises Resolver shape) and every lookup has a hard
 * timeout, so a broken DNS answers 451 within timeout_ms instead of hanging the session.
 * Security: the domain is client input, already parsed to A-labels; answers are cached briefly
 * so one client cannot make us query the same name over and over.
 */
import { Resolver } from 'node:dns/promises';
import type { Clock } from '../core/clock.js';

/** The part of node:dns/promises Resolver we use. */
export interface DnsResolver {
  resolveMx(name: string): Promise<{ exchange: string; priority: number }[]>;
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
}

/** exists: has somewhere to deliver; missing: NXDOMAIN, no records or null MX; unknown: DNS failed. */
export type DomainVerdict =
  | { readonly kind: 'exists' }
  | { readonly kind: 'missing'; readonly why: 'nxdomain' | 'no-records' | 'null-mx' }
  | { readonly kind: 'unknown'; readonly why: string };

export interface SenderDomainChecker {
  check(domain: string): Promise<DomainVerdict>;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; code: string };

/** Errors that mean "the name or the records do not exist" (c-ares codes). */
const DEFINITE = new Set(['ENOTFOUND', 'ENODATA']);

function settle<T>(p: Promise<T>, deadline: Promise<'timeout'>): Promise<Outcome<T>> {
  return Promise.race([
    p.then(
      (value): Outcome<T> => ({ ok: true, value }),
      (err: unknown): Outcome<T> => ({ ok: false, code: String((err as { code?: unknown })?.code ?? 'EUNKNOWN') }),
    ),
    deadline.then((): Outcome<T> => ({ ok: false, code: 'ETIMEOUT' })),
  ]);
}

export function isNullMx(mx: readonly { exchange: string; priority: number }[]): boolean {
  return mx.length === 1 && mx[0]?.priority === 0 && (mx[0].exchange === '' || mx[0].exchange === '.');
}

/** Decides from the three answers; exported for the table test. */
export function judge(
  mx: Outcome<{ exchange: string; priority: number }[]>,
  a: Outcome<string[]>,
  aaaa: Outcome<string[]>,
): DomainVerdict {
  if (mx.ok && isNullMx(mx.value)) return { kind: 'missing', why: 'null-mx' };
  if (mx.ok && mx.value.length > 0) return { kind: 'exists' };
  if ((a.ok && a.value.length > 0) || (aaaa.ok && aaaa.value.length > 0)) return { kind: 'exists' };
  const codes = [mx, a, aaaa].map((o) => (o.ok ? 'ENODATA' : o.code));
  // NXDOMAIN is authoritative: the name does not exist, whatever the other queries did.
  if (codes.includes('ENOTFOUND')) return { kind: 'missing', why: 'nxdomain' };
  if (codes.every((c) => DEFINITE.has(c))) return { kind: 'missing', why: 'no-records' };
  return { kind: 'unknown', why: codes.filter((c) => !DEFINITE.has(c)).join(',') };
}

export function senderDomainChecker(opts: {
  resolver: DnsResolver;
  clock: Clock;
  timeoutMs: number;
  cacheMs: number;
}): SenderDomainChecker {
  const cache = new Map<string, { verdict: DomainVerdict; until: number }>();
  return {
    async check(domain) {
      const key = domain.toLowerCase();
      const hit = cache.get(key);
      if (hit && hit.until > opts.clock.now()) return hit.verdict;
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), opts.timeoutMs);
      });
      try {
        const [mx, a, aaaa] = await Promise.all([
          settle(opts.resolver.resolveMx(key), deadline),
          settle(opts.resolver.resolve4(key), deadline),
          settle(opts.resolver.resolve6(key), deadline),
        ]);
        const verdict = judge(mx, a, aaaa);
        // Failures are not cached: the next try should ask again.
        if (verdict.kind !== 'unknown' && opts.cacheMs > 0) {
          if (cache.size > 10_000) cache.clear();
          cache.set(key, { verdict, until: opts.clock.now() + opts.cacheMs });
        }
        return verdict;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** A real resolver with c-ares' own timeout kept under ours; servers default to the system's. */
export function systemResolver(opts: { servers?: string[]; timeoutMs?: number } = {}): DnsResolver {
  const r = new Resolver({ timeout: Math.max(500, Math.floor((opts.timeoutMs ?? 5000) / 2)), tries: 1 });
  if (opts.servers?.length) r.setServers(opts.servers);
  return r;
}
