/**
 * Inbound mail authentication: SPF on the client IP and MAIL FROM (RFC 7208), DKIM signatures
 * (RFC 6376), DMARC on the From domain (RFC 7489 §6.6), and the `Authentication-Results:`
 * header that records them (RFC 8601 §2). The checks themselves are the `mailauth` library's;
 * this file chooses its options and turns its answer into our decision: accept, quarantine
 * (mark), or refuse with `550 5.7.1` when the From domain asks for `p=reject` (§6.6.4, `pct`
 * sampling included: a message not selected gets the next lower policy). Several From
 * addresses (§6.6.1): each author domain is evaluated and the strictest result applies.
 * Applies to mail on the mx listener from unauthenticated, untrusted clients; the caller decides.
 * The message may carry our own Received header on top: no check reads Received fields.
 * Security: the message and HELO are untrusted. Only IP, HELO and MAIL FROM from the session
 * are used (never the Received or Return-Path headers: trustReceived is off); DNS goes only
 * through the injected resolver; text placed in the reply is reduced to domain characters.
 */
import type { Readable } from 'node:stream';
import { authenticate, type DMARCResult, dmarc } from 'mailauth';
import { type Reply, reply } from '../core/reply.js';

/** `dns.promises.resolve`-shaped lookup: TXT answers are arrays of character-strings. */
export type DnsResolve = (name: string, rrtype: string) => Promise<unknown>;

/** Adapts a node:dns/promises Resolver (as the test DNS server gives) to DnsResolve. */
export function resolveWith(resolver: { resolve(name: string, rrtype: string): Promise<unknown> }): DnsResolve {
  return (name, rrtype) => resolver.resolve(name, rrtype);
}

export interface InboundInput {
  /** The message as received (our Received header on top is fine; other headers untouched). */
  readonly message: Buffer | Readable;
  /** Client IP address (IPv4-mapped IPv6 is handled). */
  readonly ip: string;
  /** HELO/EHLO name; null when the client never sent one. */
  readonly helo: string | null;
  /** MAIL FROM as `local@domain`, or '' for the null sender (SPF then checks the HELO name, RFC 7208 §2.4). */
  readonly mailFrom: string;
  /** Our hostname: the authserv-id of the header (RFC 8601 §2.5). */
  readonly hostname: string;
  readonly resolver: DnsResolve;
  /** Refuse DMARC `p=reject` failures (config mailauth.dmarc_enforce); when false they are quarantined. */
  readonly enforceDmarc: boolean;
  /** For `pct=` sampling; [0, 1). Default Math.random. */
  readonly random?: () => number;
  /** Bound on each DNS query (default 5000 ms); a slow query becomes a temperror for that check only. */
  readonly queryTimeoutMs?: number;
}

export type DmarcPolicy = 'none' | 'quarantine' | 'reject';

export interface InboundResults {
  /** SPF result (pass, fail, softfail, neutral, none, temperror, permerror). */
  readonly spf: string;
  /** `pass` if any signature passed, else the first signature's result, else `none`. */
  readonly dkim: string;
  /** DMARC result (pass, fail, none, temperror); with several From domains, the strictest one's; `none` without From. */
  readonly dmarc: string;
  /** The policy the From domain publishes for this message (p= or sp=), null without a record. */
  readonly dmarcPolicy: DmarcPolicy | null;
  /** The From domain the DMARC decision is about (lower case), or null without From. */
  readonly fromDomain: string | null;
  readonly dkimSignatures: ReadonlyArray<{
    readonly domain: string;
    readonly selector: string;
    readonly result: string;
  }>;
}

export interface InboundVerdict {
  /** `Authentication-Results: …` field(s) to prepend, folded, each ending in CRLF. */
  readonly header: string;
  /** `550 5.7.1` when DMARC fails under an enforced `p=reject`. */
  readonly reject?: Reply;
  /** DMARC failed under `p=quarantine` (or an unenforced or unsampled `p=reject`). */
  readonly quarantine: boolean;
  readonly results: InboundResults;
}

export async function verifyInbound(input: InboundInput): Promise<InboundVerdict> {
  const resolver = withTimeout(input.resolver, input.queryTimeoutMs ?? 5000);
  const auth = await authenticate(input.message, {
    ip: input.ip,
    helo: input.helo ?? undefined,
    sender: input.mailFrom || undefined,
    mta: input.hostname,
    resolver: resolver as never,
    trustReceived: false,
    // BIMI is about logos, not trust; skipping it saves DNS lookups on every message.
    disableBimi: true,
  });

  // mailauth reports an unsigned message as one pseudo-result without a domain: not a signature.
  const signed = (auth.dkim.results ?? []).filter((r) => r.signingDomain);
  const signatures = signed.map((r) => ({
    domain: String(r.signingDomain).toLowerCase(),
    selector: String(r.selector ?? ''),
    result: r.status.result,
  }));
  const dkim = signatures.some((s) => s.result === 'pass') ? 'pass' : (signatures[0]?.result ?? 'none');
  const spf = auth.spf ? auth.spf.status.result : 'none';
  let header = authResultsFields(auth.headers);

  let decisive: DMARCResult | false = auth.dmarc;
  const authors = [...new Set((auth.dkim.headerFrom ?? []).map(domainOf).filter((d): d is string => d !== null))];
  let fromDomain = authors.length === 1 ? (authors[0] ?? null) : null;
  if (!decisive && (auth.dkim.headerFrom ?? []).length > 1 && authors.length > 0) {
    // mailauth skips DMARC when From holds several addresses; that must not be a way around
    // p=reject. RFC 7489 §6.6.1: evaluate each author domain and apply the strictest result.
    const spfDomains = auth.spf && auth.spf.status.result === 'pass' ? [auth.spf.domain] : [];
    const dkimDomains = signed
      .filter((r) => r.status.result === 'pass')
      .map((r) => ({ id: r.id, domain: r.signingDomain, aligned: r.status.aligned, underSized: r.status.underSized }));
    const each: Array<{ domain: string; result: DMARCResult }> = [];
    for (const domain of authors) {
      const arcResult = auth.arc || undefined;
      const result = await dmarc({
        headerFrom: domain,
        spfDomains,
        dkimDomains,
        arcResult,
        resolver: resolver as never,
      });
      if (result) each.push({ domain, result });
    }
    header = appendResults(
      header,
      each.map((e) => e.result.info),
    );
    const worst = each.reduce<(typeof each)[number] | null>(
      (w, e) => (severity(e.result) > (w ? severity(w.result) : -1) ? e : w),
      null,
    );
    if (worst) {
      decisive = worst.result;
      fromDomain = worst.domain;
    }
  }
  const dmarcResult = decisive ? decisive.status.result : 'none';
  const dmarcPolicy = decisive && isPolicy(decisive.policy) ? decisive.policy : null;
  const results: InboundResults = {
    spf,
    dkim,
    dmarc: dmarcResult,
    dmarcPolicy,
    fromDomain,
    dkimSignatures: signatures,
  };

  let applied: DmarcPolicy = 'none';
  if (dmarcResult === 'fail' && dmarcPolicy && decisive) {
    applied = dmarcPolicy;
    const pct = typeof decisive.pct === 'number' ? decisive.pct : 100;
    // RFC 7489 §6.6.4: a message not selected by pct gets the next lower policy.
    if (pct < 100 && (input.random ?? Math.random)() * 100 >= pct) applied = lower(applied);
    if (applied === 'reject' && !input.enforceDmarc) applied = 'quarantine';
  }
  if (applied === 'reject') {
    const domain = safeDomain(fromDomain ?? (decisive ? decisive.domain : 'unknown'));
    return {
      header,
      reject: reply(550, '5.7.1', `Message rejected: From domain ${domain} fails DMARC and its policy is p=reject`),
      quarantine: false,
      results,
    };
  }
  return { header, quarantine: applied === 'quarantine', results };
}

/**
 * Bounds each query. Whole-check deadlines would let a sender with slow DNS (its own SPF
 * includes) run out the clock on the From domain's DMARC lookup; per query, a slow answer is
 * a temperror for the check that asked, and DMARC for the From domain still gets its turn.
 */
function withTimeout(resolve: DnsResolve, ms: number): DnsResolve {
  return (name, rrtype) =>
    new Promise((ok, fail) => {
      const timer = setTimeout(
        () => fail(Object.assign(new Error(`DNS timeout for ${rrtype} ${name}`), { code: 'ETIMEOUT' })),
        ms,
      );
      resolve(name, rrtype).then(
        (v) => {
          clearTimeout(timer);
          ok(v);
        },
        (e) => {
          clearTimeout(timer);
          fail(e);
        },
      );
    });
}

/** Keeps only the Authentication-Results field(s) of mailauth's header block (it also writes Received-SPF). */
function authResultsFields(block: string): string {
  const fields = block.split(/\r\n(?![ \t])/).filter((f) => /^authentication-results:/i.test(f));
  return fields.map((f) => `${f}\r\n`).join('');
}

function isPolicy(p: unknown): p is DmarcPolicy {
  return p === 'none' || p === 'quarantine' || p === 'reject';
}

function lower(p: DmarcPolicy): DmarcPolicy {
  return p === 'reject' ? 'quarantine' : 'none';
}

/** Failing under the strictest policy ranks highest; any result beats none. */
function severity(r: DMARCResult): number {
  if (r.status.result !== 'fail') return 0;
  return r.policy === 'reject' ? 3 : r.policy === 'quarantine' ? 2 : 1;
}

/** Adds result rows (`dmarc=…`) to the one Authentication-Results field. */
function appendResults(header: string, rows: readonly string[]): string {
  if (!header.endsWith('\r\n') || rows.length === 0) return header;
  return `${header.slice(0, -2)};\r\n ${rows.join(';\r\n ')}\r\n`;
}

function domainOf(addr: string): string | null {
  const at = addr.lastIndexOf('@');
  const domain = (at >= 0 ? addr.slice(at + 1) : addr).trim().toLowerCase();
  return domain || null;
}

/** The reply text is seen by the remote and logged: nothing but domain characters goes in. */
function safeDomain(domain: string): string {
  return domain.replace(/[^A-Za-z0-9.-]/g, '?').slice(0, 255);
}
