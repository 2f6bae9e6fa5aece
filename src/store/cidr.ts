/**
 * CIDR networks (IPv4 and IPv6): validation into one canonical text form, and membership
 * tests for client addresses, including IPv4-mapped IPv6 (`::ffff:127.0.0.1`), which is how
 * a dual-stack listener reports an IPv4 client.
 * RFC 4632 (CIDR), RFC 4291 §2.2 and §2.5.5.2 (IPv6 text form, IPv4-mapped addresses).
 * Security: trusted networks may relay; a network that parses loosely would open the relay,
 * so anything that is not exactly an address and a prefix length is refused, and host bits
 * set below the prefix are an error rather than silently widened.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import type { Checked } from './validate.js';

export interface Network {
  readonly family: 'ipv4' | 'ipv6';
  readonly address: string;
  readonly prefix: number;
}

/** Parses `a.b.c.d/n` or `x::y/n`; a bare address means a single host (/32, /128). */
export function checkCidr(input: string): Checked<string> {
  const text = input.trim();
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  const lenText = slash < 0 ? null : text.slice(slash + 1);
  const family = isIPv4(addr) ? 'ipv4' : isIPv6(addr) && !addr.includes('%') ? 'ipv6' : null;
  if (!family) return { ok: false, error: `invalid network "${input}": "${addr}" is not an IPv4 or IPv6 address` };
  const max = family === 'ipv4' ? 32 : 128;
  if (lenText !== null && !/^\d{1,3}$/.test(lenText)) {
    return { ok: false, error: `invalid network "${input}": prefix length must be a number from 0 to ${max}` };
  }
  const prefix = lenText === null ? max : Number(lenText);
  if (prefix > max) return { ok: false, error: `invalid network "${input}": prefix length must be from 0 to ${max}` };
  const bits = toBits(addr, family);
  const masked = bits & mask(prefix, max);
  const canonical = fromBits(masked, family);
  if (masked !== bits) {
    return { ok: false, error: `invalid network "${input}": host bits are set (did you mean ${canonical}/${prefix}?)` };
  }
  return { ok: true, value: `${canonical}/${prefix}` };
}

/** Builds a matcher over canonical CIDR strings (from checkCidr). Invalid entries are a bug: throws. */
export function networkMatcher(cidrs: readonly string[]): (ip: string) => boolean {
  const list = new BlockList();
  for (const c of cidrs) {
    const checked = checkCidr(c);
    if (!checked.ok) throw new Error(checked.error);
    const [addr, len] = checked.value.split('/') as [string, string];
    list.addSubnet(addr, Number(len), isIPv4(addr) ? 'ipv4' : 'ipv6');
  }
  return (ip: string) => {
    const plain = unmapIPv4(ip);
    if (isIPv4(plain)) return list.check(plain, 'ipv4');
    if (isIPv6(plain)) return list.check(plain, 'ipv6');
    return false;
  };
}

/** `::ffff:1.2.3.4` → `1.2.3.4`; anything else unchanged. */
export function unmapIPv4(ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return m && isIPv4(m[1] as string) ? (m[1] as string) : ip;
}

function mask(prefix: number, max: number): bigint {
  const all = (1n << BigInt(max)) - 1n;
  return (all >> BigInt(max - prefix)) << BigInt(max - prefix);
}

function toBits(addr: string, family: 'ipv4' | 'ipv6'): bigint {
  if (family === 'ipv4') return addr.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
  let text = addr.toLowerCase();
  // An embedded dotted quad (`::ffff:1.2.3.4`) is the last 32 bits.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = toBits(v4[1] as string, 'ipv4');
    text = `${text.slice(0, -(v4[1] as string).length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(Number.parseInt(g, 16)), 0n);
}

function fromBits(bits: bigint, family: 'ipv4' | 'ipv6'): string {
  if (family === 'ipv4') return [24n, 16n, 8n, 0n].map((s) => ((bits >> s) & 0xffn).toString()).join('.');
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((bits >> BigInt(i * 16)) & 0xffffn));
  // RFC 5952 §4.2: compress the longest run (≥ 2) of zero groups, the first one on a tie.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}
