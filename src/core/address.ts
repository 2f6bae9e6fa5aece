/**
 * Address: a parsed RFC 5321 mailbox, or the null sender as a value of its own.
 *
 * RFC 5321 §4.1.2 (Path, Mailbox, Local-part, Domain, address-literal), §4.5.3.1 (length
 * limits), RFC 6531 §3.3 (UTF-8 in addresses with SMTPUTF8), RFC 5890 (A-labels).
 * Security: input is untrusted client text. The parser never guesses: anything outside the
 * grammar is a syntax error, and the shapes that relay tricks use (source routes, quoted
 * local parts, `%` and `!` in the local part, address literals) are reported as flags so
 * that policy can refuse them — they are never silently rewritten into another address.
 */
import { domainToASCII } from 'node:url';

export interface MailboxAddress {
  readonly kind: 'mailbox';
  /** Local part with quoting removed (a quoted `"a b"` becomes `a b`). Case is kept. */
  readonly local: string;
  /** Domain lower-cased, in A-label form, without a trailing dot; `[1.2.3.4]` for literals. */
  readonly domain: string;
  readonly quoted: boolean;
  readonly literal: boolean;
  readonly trailingDot: boolean;
  /** RFC 5321 §4.1.2 A-d-l hops (`<@a,@b:user@c>`); obsolete, never followed. */
  readonly sourceRoute: readonly string[];
  /** Holds non-ASCII characters (needs SMTPUTF8). */
  readonly utf8: boolean;
}

export interface NullSender {
  readonly kind: 'null';
}

export type Address = MailboxAddress | NullSender;

export const NULL_SENDER: NullSender = Object.freeze({ kind: 'null' as const });

export type AddressProblem = 'syntax' | 'too-long' | 'utf8-not-allowed' | 'null-not-allowed';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problem: AddressProblem; detail: string };

export interface ParseOptions {
  /** The transaction announced SMTPUTF8 (RFC 6531), so UTF-8 is allowed. */
  utf8?: boolean;
  /** `<>` allowed (MAIL FROM). */
  allowNull?: boolean;
  /** `<Postmaster>` without a domain allowed (RCPT TO, RFC 5321 §4.1.1.3). */
  allowBarePostmaster?: boolean;
}

const ATEXT = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+$/;
const ATEXT_UTF8 = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\u{10FFFF}-]+$/u;
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

const fail = (problem: AddressProblem, detail: string): { ok: false; problem: AddressProblem; detail: string } => ({
  ok: false,
  problem,
  detail,
});

/** Parses a reverse-path or forward-path including its angle brackets. */
export function parsePath(input: string, opts: ParseOptions = {}): ParseResult<Address> {
  if (!input.startsWith('<') || !input.endsWith('>')) return fail('syntax', 'address must be enclosed in <>');
  const inner = input.slice(1, -1);
  if (inner === '') {
    return opts.allowNull ? { ok: true, value: NULL_SENDER } : fail('null-not-allowed', 'empty address');
  }
  if (input.length > 256) return fail('too-long', 'path longer than 256 octets');
  let rest = inner;
  const route: string[] = [];
  if (rest.startsWith('@')) {
    const colon = rest.indexOf(':');
    if (colon < 0) return fail('syntax', 'source route without ":"');
    for (const hop of rest.slice(0, colon).split(',')) {
      if (!hop.startsWith('@')) return fail('syntax', 'malformed source route');
      const d = parseDomain(hop.slice(1), !!opts.utf8);
      if (!d.ok) return d;
      route.push(d.value.domain);
    }
    rest = rest.slice(colon + 1);
  }
  if (opts.allowBarePostmaster && route.length === 0 && rest.toLowerCase() === 'postmaster') {
    return {
      ok: true,
      value: Object.freeze({
        kind: 'mailbox' as const,
        local: 'postmaster',
        domain: '',
        quoted: false,
        literal: false,
        trailingDot: false,
        sourceRoute: [],
        utf8: false,
      }),
    };
  }
  const m = parseMailboxText(rest, !!opts.utf8);
  if (!m.ok) return m;
  return { ok: true, value: Object.freeze({ ...m.value, sourceRoute: Object.freeze(route) }) };
}

/** Parses a bare mailbox (`user@example.com`, no brackets): for config, CLI and headers. */
export function parseMailbox(input: string, opts: { utf8?: boolean } = { utf8: true }): ParseResult<MailboxAddress> {
  return parseMailboxText(input.trim(), !!opts.utf8);
}

function parseMailboxText(text: string, utf8: boolean): ParseResult<MailboxAddress> {
  let local: string;
  let quoted = false;
  let i: number;
  if (text.startsWith('"')) {
    quoted = true;
    let out = '';
    i = 1;
    for (;;) {
      if (i >= text.length) return fail('syntax', 'unterminated quoted local part');
      const c = text[i] as string;
      if (c === '"') break;
      if (c === '\\') {
        const n = text[i + 1];
        if (n === undefined || n.charCodeAt(0) < 32 || n.charCodeAt(0) > 126) return fail('syntax', 'bad quoted-pair');
        out += n;
        i += 2;
        continue;
      }
      const code = c.codePointAt(0) as number;
      if (code < 32 || code === 127 || (code > 127 && !utf8))
        return fail('syntax', 'bad character in quoted local part');
      out += c;
      i++;
    }
    local = out;
    i++;
    if (text[i] !== '@') return fail('syntax', 'missing @ after quoted local part');
  } else {
    i = text.lastIndexOf('@');
    if (i <= 0) return fail('syntax', 'missing local part or @');
    local = text.slice(0, i);
    const atext = utf8 ? ATEXT_UTF8 : ATEXT;
    if (local.split('.').some((atom) => !atext.test(atom))) {
      return /[^\x00-\x7f]/.test(local) && !utf8
        ? fail('utf8-not-allowed', 'non-ASCII local part without SMTPUTF8')
        : fail('syntax', 'invalid local part');
    }
  }
  if (Buffer.byteLength(local) > 64) return fail('too-long', 'local part longer than 64 octets');
  const d = parseDomain(text.slice(i + 1), utf8);
  if (!d.ok) return d;
  return {
    ok: true,
    value: Object.freeze({
      kind: 'mailbox' as const,
      local,
      domain: d.value.domain,
      quoted,
      literal: d.value.literal,
      trailingDot: d.value.trailingDot,
      sourceRoute: Object.freeze([] as string[]),
      utf8: /[^\x00-\x7f]/.test(local) || /[^\x00-\x7f]/.test(text.slice(i + 1)),
    }),
  };
}

interface ParsedDomain {
  domain: string;
  literal: boolean;
  trailingDot: boolean;
}

/** Domain or address-literal (RFC 5321 §4.1.2, §4.1.3). Returns lower-case A-labels. */
export function parseDomain(input: string, utf8 = true): ParseResult<ParsedDomain> {
  if (input.startsWith('[')) {
    if (!input.endsWith(']')) return fail('syntax', 'unterminated address literal');
    const lit = input.slice(1, -1);
    if (IPV4.test(lit)) return { ok: true, value: { domain: `[${lit}]`, literal: true, trailingDot: false } };
    if (/^IPv6:[0-9A-Fa-f:.]+$/i.test(lit)) {
      return { ok: true, value: { domain: `[IPv6:${lit.slice(5).toLowerCase()}]`, literal: true, trailingDot: false } };
    }
    return fail('syntax', 'invalid address literal');
  }
  let name = input;
  let trailingDot = false;
  if (name.endsWith('.')) {
    trailingDot = true;
    name = name.slice(0, -1);
  }
  if (name === '') return fail('syntax', 'empty domain');
  if (/[^\x00-\x7f]/.test(name) && !utf8) return fail('utf8-not-allowed', 'non-ASCII domain without SMTPUTF8');
  const ascii = /[^\x00-\x7f]/.test(name) ? domainToASCII(name) : name.toLowerCase();
  if (!ascii) return fail('syntax', 'invalid internationalised domain');
  if (ascii.length > 255) return fail('too-long', 'domain longer than 255 octets');
  if (ascii.split('.').some((l) => !LABEL.test(l))) return fail('syntax', 'invalid domain');
  return { ok: true, value: { domain: ascii.toLowerCase(), literal: false, trailingDot } };
}

/** Renders an address as it goes in a path or a header: `local@domain`, `""` quoting where needed; `` for null. */
export function formatAddress(a: Address): string {
  if (a.kind === 'null') return '';
  const local = a.local.split('.').every((atom) => ATEXT_UTF8.test(atom))
    ? a.local
    : `"${a.local.replace(/(["\\])/g, '\\$1')}"`;
  return a.domain ? `${local}@${a.domain}` : local;
}

/** `<local@domain>` or `<>`. */
export function formatPath(a: Address): string {
  return `<${formatAddress(a)}>`;
}

/** The form used as a key for lookups: local part lower-cased, domain A-label. */
export function addressKey(a: MailboxAddress): string {
  return `${a.local.toLowerCase()}@${a.domain}`;
}

export function isNull(a: Address): a is NullSender {
  return a.kind === 'null';
}

/** The domain part (lower-cased) of `local@domain`; '' when there is none. */
export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : address.slice(at + 1).toLowerCase();
}
