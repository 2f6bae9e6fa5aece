/**
 * What a recipient address is to us: a relay trick, one of our mailboxes (known or not), or
 * somewhere else. The three RCPT rules (rcpt_invalid, rcpt_unknown, relay_denied) and the
 * exported relay decision all read this one classification.
 *
 * RFC 5321 §4.1.1.3 (`<Postmaster>` without a domain), §4.1.3 (address literals name this
 * host only if they are its address), §4.5.1 (postmaster MUST be accepted), Appendix C
 * (source routes: obsolete, never followed), RFC 1123 §5.2.16 (the `%` hack), RFC 5321
 * §4.1.2 (a Domain has no trailing dot).
 * Tricks, as Postfix with allow_percent_hack=no, swap_bangpath=no and reject_non_fqdn would
 * have it, but refused with a reply that names the problem instead of a misleading "unknown
 * user": `%` and `!` in the local part, a quoted local part containing `@`, a source route,
 * a trailing dot, and an address literal that is not the address the client connected to.
 * Security: the decision is made on the address the client gave, never on where an alias
 * forwards it: an alias to a remote address is forwarding (fine for anyone), while a
 * foreign domain is a relay whatever aliases exist for it.
 */
import { addressKey, type MailboxAddress } from '../core/address.js';
import type { ClientInfo } from '../core/envelope.js';
import type { PolicyDeps } from './context.js';
import { sameAddress } from './networks.js';

export type RelayTrick = 'source-route' | 'trailing-dot' | 'quoted-at' | 'percent' | 'bang' | 'foreign-literal';

export type RecipientClass =
  | { readonly kind: 'trick'; readonly trick: RelayTrick }
  | { readonly kind: 'local'; readonly key: string; readonly exists: boolean }
  | { readonly kind: 'remote'; readonly domain: string };

/** The relay decision for one recipient, for reuse outside the rule lists. */
export type RelayVerdict =
  | { readonly ok: true; readonly why: 'local' | 'authenticated' | 'trusted' }
  | { readonly ok: false; readonly check: 'rcpt_invalid' | 'rcpt_unknown' | 'relay_denied' };

export function findTrick(a: MailboxAddress, client: ClientInfo): RelayTrick | null {
  if (a.sourceRoute.length > 0) return 'source-route';
  if (a.trailingDot) return 'trailing-dot';
  if (a.quoted && a.local.includes('@')) return 'quoted-at';
  if (a.local.includes('%')) return 'percent';
  if (a.local.includes('!')) return 'bang';
  if (a.literal && !isOwnLiteral(a.domain, client)) return 'foreign-literal';
  return null;
}

/** `[1.2.3.4]` or `[IPv6:::1]` naming the address the client connected to. */
function isOwnLiteral(literal: string, client: ClientInfo): boolean {
  const ip = literal.replace(/^\[(?:IPv6:)?/i, '').replace(/\]$/, '');
  return sameAddress(ip, client.localIp);
}

export async function classifyRecipient(
  a: MailboxAddress,
  client: ClientInfo,
  deps: Pick<PolicyDeps, 'directory' | 'isOurDomain' | 'primaryDomain'>,
): Promise<RecipientClass> {
  const trick = findTrick(a, client);
  if (trick) return { kind: 'trick', trick };
  const bare = a.domain === '';
  const domain = bare || a.literal ? await deps.primaryDomain() : a.domain;
  if (!bare && !a.literal && !(await deps.isOurDomain(domain))) return { kind: 'remote', domain };
  const key = addressKey({ ...a, domain });
  const local = a.local.toLowerCase();
  if (local === 'postmaster') return { kind: 'local', key, exists: true };
  const exists =
    (await deps.directory.findUser(key)) !== null ||
    (await deps.directory.findAlias(key)) !== null ||
    (await deps.directory.findAlias(`@${domain}`)) !== null;
  return { kind: 'local', key, exists };
}

/** Local mailboxes for anyone; elsewhere only for authenticated or trusted clients. */
export async function decideRelay(
  a: MailboxAddress,
  client: ClientInfo,
  deps: Pick<PolicyDeps, 'directory' | 'isOurDomain' | 'primaryDomain' | 'isTrusted'>,
): Promise<RelayVerdict> {
  const c = await classifyRecipient(a, client, deps);
  if (c.kind === 'trick') return { ok: false, check: 'rcpt_invalid' };
  if (c.kind === 'local') return c.exists ? { ok: true, why: 'local' } : { ok: false, check: 'rcpt_unknown' };
  if (client.authUser) return { ok: true, why: 'authenticated' };
  if (await deps.isTrusted(client.ip)) return { ok: true, why: 'trusted' };
  return { ok: false, check: 'relay_denied' };
}

const memo = new WeakMap<object, Promise<RecipientClass | null>>();

/** The class of ctx.rcpt, computed once per context however many rules ask. */
export function recipientClassOf(
  ctx: { readonly rcpt?: { readonly address: MailboxAddress }; readonly client: ClientInfo },
  deps: Pick<PolicyDeps, 'directory' | 'isOurDomain' | 'primaryDomain'>,
): Promise<RecipientClass | null> {
  let p = memo.get(ctx);
  if (!p) {
    p = ctx.rcpt ? classifyRecipient(ctx.rcpt.address, ctx.client, deps) : Promise.resolve(null);
    memo.set(ctx, p);
  }
  return p;
}
