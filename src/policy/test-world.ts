/**
 * A small world for policy tests: a memory directory with example.test (users, aliases, a
 * forward to a remote address), other.test with a catch-all, a badmailfrom list, a scripted
 * DNS resolver, a fake clock, a log that remembers, and client shapes for each role.
 * Test support only; nothing in src imports it.
 */

import { policySchema } from '../config/sections/policy.js';
import { type Address, type MailboxAddress, parsePath } from '../core/address.js';
import { FakeClock } from '../core/clock.js';
import type { ClientInfo, Recipient } from '../core/envelope.js';
import type { SessionView } from '../smtp/hooks.js';
import { MemoryDirectoryStore } from '../store/memory/directory.js';
import { MemorySuppressionStore } from '../store/memory/suppression.js';
import type { PolicyLog } from './context.js';
import { createPolicy, type Policy } from './create-policy.js';
import type { DnsResolver } from './sender-domain.js';
import type { SpamdResult } from './spamd-client.js';

export type DnsScript = Record<string, { mx?: string[] | string; a?: string[] | string; aaaa?: string[] | string }>;

const dnsError = (code: string): Error => Object.assign(new Error(code), { code });

/** Strings are error codes (`ENOTFOUND`, `ESERVFAIL`, `HANG`); arrays are answers. Unknown names: NXDOMAIN. */
export function scriptedResolver(script: DnsScript, calls: string[] = []): DnsResolver {
  const answer = <T>(name: string, kind: 'mx' | 'a' | 'aaaa', map: (v: string) => T): Promise<T[]> => {
    calls.push(`${kind} ${name}`);
    const entry = script[name];
    const v = entry ? entry[kind] : 'ENOTFOUND';
    if (v === undefined) return Promise.reject(dnsError('ENODATA'));
    if (v === 'HANG') return new Promise(() => {});
    if (typeof v === 'string') return Promise.reject(dnsError(v));
    return Promise.resolve(v.map(map));
  };
  return {
    resolveMx: (n) => answer(n, 'mx', (v) => ({ exchange: v, priority: v === '.' ? 0 : 10 })),
    resolve4: (n) => answer(n, 'a', (v) => v),
    resolve6: (n) => answer(n, 'aaaa', (v) => v),
  };
}

export const DNS: DnsScript = {
  'remote.test': { mx: ['mx.remote.test'] },
  'a-only.test': { a: ['192.0.2.10'] },
  'nxdomain.test': { mx: 'ENOTFOUND', a: 'ENOTFOUND', aaaa: 'ENOTFOUND' },
  'empty.test': {},
  'nullmx.test': { mx: ['.'], a: ['192.0.2.11'] },
  'servfail.test': { mx: 'ESERVFAIL', a: 'ESERVFAIL', aaaa: 'ESERVFAIL' },
  'hang.test': { mx: 'HANG', a: 'HANG', aaaa: 'HANG' },
  'refused.test': { mx: 'ECONNREFUSED', a: 'ECONNREFUSED', aaaa: 'ECONNREFUSED' },
};

export function memoryLog(): PolicyLog & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (_o, m) => lines.push(m), warn: (_o, m) => lines.push(`warn: ${m}`) };
}

export async function exampleDirectory(): Promise<MemoryDirectoryStore> {
  const d = new MemoryDirectoryStore(() => 0);
  await d.addDomain('example.test');
  await d.addDomain('other.test');
  for (const u of ['postmaster@example.test', 'alice@example.test', 'bob@example.test']) {
    await d.addUser({ address: u, passwordHash: '$argon2id$v=19$m=1,t=1,p=1$x$y' });
  }
  await d.addAlias('info@example.test', ['alice@example.test']);
  await d.addAlias('fwd@example.test', ['someone@remote.test']);
  await d.addAlias('@other.test', ['alice@example.test']);
  await d.addBadMailFrom('spammer@bad.test');
  await d.addBadMailFrom('@blocked.test');
  return d;
}

export function client(role: ClientInfo['role'], ip: string, authUser: string | null = null): ClientInfo {
  return {
    ip,
    port: 40000,
    localIp: '127.0.0.1',
    localPort: role === 'mx' ? 25 : 587,
    role,
    helo: 'client.test',
    esmtp: true,
    tls: false,
    authUser,
  };
}

export const view = (c: ClientInfo): SessionView => ({ sessionId: 'test', client: c });

export function path(text: string): Address {
  const r = parsePath(text, { allowNull: true, allowBarePostmaster: true });
  if (!r.ok) throw new Error(`test address does not parse: ${text}: ${r.detail}`);
  return r.value;
}

export const rcpt = (text: string): Recipient => ({ address: path(text) as MailboxAddress });

export async function testPolicy(
  raw: Record<string, unknown> = {},
  opts: { dns?: DnsScript; spamd?: (m: Buffer) => Promise<SpamdResult>; trusted?: string[] } = {},
): Promise<{ policy: Policy; log: ReturnType<typeof memoryLog>; directory: MemoryDirectoryStore; clock: FakeClock }> {
  const directory = await exampleDirectory();
  const log = memoryLog();
  const clock = new FakeClock();
  const config = policySchema.parse(raw);
  // one address on the suppression list, as if a bounce had reported it on 2026-11-02
  const suppression = new MemorySuppressionStore();
  await suppression.put({
    address: 'gone@remote.test',
    at: Date.UTC(2026, 10, 2, 9),
    reason: 'userunknown',
    status: '5.1.1',
    diagnostic: '550 5.1.1 <gone@remote.test>: Recipient address rejected: User unknown',
  });
  const policy = createPolicy(
    { ...config, trustedNetworks: opts.trusted ?? ['127.0.0.1/32', '::1/128'], hostname: 'mx.example.test' },
    { directory, resolver: scriptedResolver(opts.dns ?? DNS), clock, log, spamd: opts.spamd, suppression },
  );
  return { policy, log, directory, clock };
}
