/**
 * MX resolution: which hosts, in which order, take mail for a domain.
 *
 * RFC 5321 §5.1 (MX by preference, equal preferences in random order, implicit MX: the
 * domain's own A/AAAA when it has no MX records at all), RFC 7505 (null MX "." means the
 * domain accepts no mail), RFC 5321 §4.1.3 (address literals go straight to the IP).
 * Security: DNS answers are untrusted; only names and addresses are taken from them, the
 * number of hosts tried is capped, and a lookup failure is never read as "no such domain".
 */
import { isIP } from 'node:net';

/** The node:dns/promises Resolver methods we use; tests point a Resolver at loopback DNS. */
export interface MxResolver {
  resolveMx(hostname: string): Promise<Array<{ exchange: string; priority: number }>>;
  resolve4(hostname: string): Promise<string[]>;
  resolve6(hostname: string): Promise<string[]>;
}

export interface TargetHost {
  /** MX exchange name (or the domain itself for the implicit MX, or the literal). */
  host: string;
  ips: string[];
  preference: number;
}

export type TargetResult =
  | { ok: true; hosts: TargetHost[] }
  /**
   * nullmx: RFC 7505 null MX. nxdomain: the domain does not exist. unroutable: the domain
   * exists, but neither it nor any of its MX hosts has an address. temp: DNS failed; try later.
   */
  | { ok: false; outcome: 'nullmx' | 'nxdomain' | 'unroutable' | 'temp'; detail: string };

export interface ResolveOptions {
  /** Also look up AAAA records (tried after the A addresses of the same host). */
  ipv6?: boolean;
  /** At most this many MX hosts are kept (a hostile zone could list hundreds). */
  maxHosts?: number;
  /** [0,1) source for shuffling equal preferences; injected for tests. */
  random?: () => number;
}

type Lookup<T> = { ok: true; value: T } | { ok: false; kind: 'nxdomain' | 'nodata' | 'temp'; code: string };

async function lookup<T>(fn: () => Promise<T>): Promise<Lookup<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'EUNKNOWN';
    if (code === 'ENOTFOUND') return { ok: false, kind: 'nxdomain', code };
    if (code === 'ENODATA') return { ok: false, kind: 'nodata', code };
    // SERVFAIL, timeouts, refused, unreachable resolver: all temporary (RFC 5321 §5.1 "temporary error").
    return { ok: false, kind: 'temp', code };
  }
}

/** The A (then AAAA) addresses of one host name, or an IP given as is. */
export async function resolveHostAddresses(
  host: string,
  resolver: MxResolver,
  opts: ResolveOptions = {},
): Promise<Lookup<string[]>> {
  const bare = host.replace(/^\[(?:IPv6:)?|\]$/gi, '');
  if (isIP(bare)) return { ok: true, value: [bare] };
  const [v4, v6] = await Promise.all([
    lookup(() => resolver.resolve4(host)),
    opts.ipv6 === false ? null : lookup(() => resolver.resolve6(host)),
  ]);
  const ips = [...(v4.ok ? v4.value : []), ...(v6?.ok ? v6.value : [])];
  if (ips.length > 0) return { ok: true, value: ips };
  if (!v4.ok && v4.kind === 'temp') return v4;
  if (v6 && !v6.ok && v6.kind === 'temp') return v6;
  if (!v4.ok && v4.kind === 'nxdomain') return v4;
  return { ok: false, kind: 'nodata', code: 'ENODATA' };
}

export async function resolveTargets(
  domain: string,
  resolver: MxResolver,
  opts: ResolveOptions = {},
): Promise<TargetResult> {
  const random = opts.random ?? Math.random;
  const maxHosts = opts.maxHosts ?? 10;
  if (domain.startsWith('[')) {
    const ip = domain.replace(/^\[(?:IPv6:)?|\]$/gi, '');
    if (!isIP(ip)) return { ok: false, outcome: 'nxdomain', detail: `invalid address literal ${domain}` };
    return { ok: true, hosts: [{ host: domain, ips: [ip], preference: 0 }] };
  }

  const mx = await lookup(() => resolver.resolveMx(domain));
  if (!mx.ok && mx.kind === 'nxdomain')
    return { ok: false, outcome: 'nxdomain', detail: `${domain}: domain not found` };
  if (!mx.ok && mx.kind === 'temp')
    return { ok: false, outcome: 'temp', detail: `${domain}: MX lookup failed (${mx.code})` };

  const records = mx.ok ? mx.value : [];
  if (records.length === 0) {
    // RFC 5321 §5.1: no MX at all → the domain itself is the implicit MX with preference 0.
    const a = await resolveHostAddresses(domain, resolver, opts);
    if (a.ok) return { ok: true, hosts: [{ host: domain, ips: a.value, preference: 0 }] };
    if (a.kind === 'temp')
      return { ok: false, outcome: 'temp', detail: `${domain}: address lookup failed (${a.code})` };
    if (a.kind === 'nxdomain') return { ok: false, outcome: 'nxdomain', detail: `${domain}: domain not found` };
    return { ok: false, outcome: 'unroutable', detail: `${domain}: no MX, A or AAAA record` };
  }

  // RFC 7505 §3: a null MX is "." (node reports it as ''); it must stand alone, and a sender
  // must not fall back to A/AAAA. A null MX among real ones is a misconfiguration: use the real ones.
  const real = records.filter((r) => r.exchange !== '' && r.exchange !== '.');
  if (real.length === 0)
    return { ok: false, outcome: 'nullmx', detail: `${domain}: domain publishes a null MX (RFC 7505)` };

  const ordered = shuffleEqualPreferences(real, random).slice(0, maxHosts);
  const hosts: TargetHost[] = [];
  let tempFailure: string | null = null;
  // Look up all hosts at once; the order stays the MX order.
  const exchanges = ordered.map((r) => r.exchange.toLowerCase().replace(/\.$/, ''));
  const lookups = await Promise.all(exchanges.map((x) => resolveHostAddresses(x, resolver, opts)));
  lookups.forEach((a, i) => {
    const exchange = exchanges[i] as string;
    if (a.ok) hosts.push({ host: exchange, ips: a.value, preference: (ordered[i] as { priority: number }).priority });
    else if (a.kind === 'temp') tempFailure ??= `${exchange}: address lookup failed (${a.code})`;
  });
  if (hosts.length > 0) return { ok: true, hosts };
  if (tempFailure) return { ok: false, outcome: 'temp', detail: tempFailure };
  return { ok: false, outcome: 'unroutable', detail: `${domain}: no MX host has an address` };
}

/** Sorted by preference; within a preference, a random order (RFC 5321 §5.1 spreads load). */
export function shuffleEqualPreferences<T extends { priority: number }>(
  records: readonly T[],
  random: () => number,
): T[] {
  const keyed = records.map((r) => ({ r, k: random() }));
  keyed.sort((a, b) => a.r.priority - b.r.priority || a.k - b.k);
  return keyed.map((x) => x.r);
}
