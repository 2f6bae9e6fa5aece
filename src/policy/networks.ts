/**
 * Trusted networks: CIDR matching for IPv4 and IPv6 on top of node:net BlockList.
 *
 * RFC 4291 §2.5.5.2 (IPv4-mapped IPv6 addresses, `::ffff:127.0.0.1` as a dual-stack socket
 * reports an IPv4 client), RFC 4632 (CIDR).
 * Security: the client IP comes from the socket, not from the client; a malformed network in
 * config is an error at start, never a silent "match nothing" or "match everything".
 */
import { BlockList, isIP } from 'node:net';

export interface NetworkSet {
  has(ip: string): boolean;
}

const MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** `::ffff:1.2.3.4` → `1.2.3.4`; anything else unchanged. */
export function unmapIPv4(ip: string): string {
  const m = MAPPED.exec(ip);
  return m ? (m[1] as string) : ip;
}

/** Throws on a malformed network: config is validated at start (STYLE.md §7). */
export function networkSet(cidrs: readonly string[]): NetworkSet {
  const list = new BlockList();
  for (const raw of cidrs) {
    const [addr = '', bits, extra] = raw.trim().split('/');
    const ip = unmapIPv4(addr);
    const family = isIP(ip);
    if (family === 0 || extra !== undefined) throw new Error(`not a network: ${raw}`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    const max = family === 4 ? 32 : 128;
    const prefix = bits === undefined ? max : Number(bits);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > max || (bits !== undefined && !/^\d+$/.test(bits))) {
      throw new Error(`bad prefix length in ${raw}`);
    }
    list.addSubnet(ip, prefix, type);
  }
  return {
    has(clientIp: string): boolean {
      const ip = unmapIPv4(clientIp.replace(/%.*$/, ''));
      const family = isIP(ip);
      if (family === 0) return false;
      return list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

/** Same address, whatever the notation (`::ffff:1.2.3.4` vs `1.2.3.4`, `::1` vs `0:0::1`). */
export function sameAddress(a: string, b: string): boolean {
  const x = unmapIPv4(a);
  const y = unmapIPv4(b);
  const fx = isIP(x);
  if (fx === 0 || fx !== isIP(y)) return false;
  const one = new BlockList();
  one.addAddress(x, fx === 4 ? 'ipv4' : 'ipv6');
  return one.check(y, fx === 4 ? 'ipv4' : 'ipv6');
}
