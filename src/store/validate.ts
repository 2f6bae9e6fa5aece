/**
 * Validators for what enters the directory: domains, addresses, alias sources, badmailfrom
 * patterns. Every store calls these at its boundary, so memory and sqlite accept and refuse
 * exactly the same input, and the CLI shows the same words as the store would.
 * RFC 5321 §4.1.2 (mailbox and domain syntax, through core/address), RFC 5890 (A-labels).
 * Security: input comes from an administrator (CLI, admin API) and ends up in policy
 * decisions; nothing is stored that the policy could read in two ways.
 */
import { addressKey, parseDomain, parseMailbox } from '../core/address.js';
import type { BadMailFromKind } from './ports/directory.js';

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

const bad = (error: string): { ok: false; error: string } => ({ ok: false, error });

/** A domain name in key form (lower-case A-label, no trailing dot). Literals are refused. */
export function checkDomain(input: string): Checked<string> {
  const text = input.trim();
  if (text.startsWith('[')) return bad(`invalid domain "${input}": address literals cannot be hosted domains`);
  const d = parseDomain(text.endsWith('.') ? text.slice(0, -1) : text);
  if (!d.ok) return bad(`invalid domain "${input}": ${d.detail}`);
  return { ok: true, value: d.value.domain };
}

/** A mailbox `local@domain` in key form (local part lower-cased, domain A-label). */
export function checkAddress(input: string): Checked<string> {
  const m = parseMailbox(input);
  if (!m.ok) return bad(`invalid address "${input}": ${m.detail}`);
  if (m.value.literal) return bad(`invalid address "${input}": address literals are not allowed here`);
  if (m.value.quoted) return bad(`invalid address "${input}": quoted local parts are not allowed here`);
  return { ok: true, value: addressKey(m.value) };
}

/** An alias source: `local@domain`, or `@domain` for a catch-all. */
export function checkAliasSource(input: string): Checked<{ source: string; domain: string }> {
  const text = input.trim();
  if (text.startsWith('@')) {
    const d = checkDomain(text.slice(1));
    if (!d.ok) return bad(`invalid alias source "${input}": ${d.error}`);
    return { ok: true, value: { source: `@${d.value}`, domain: d.value } };
  }
  const a = checkAddress(text);
  if (!a.ok) return a;
  return { ok: true, value: { source: a.value, domain: domainOf(a.value) } };
}

/** A badmailfrom pattern: `user@dom` (exact), `@dom` (whole domain) or `/regex/` (must compile). */
export function checkBadMailFrom(input: string): Checked<{ pattern: string; kind: BadMailFromKind }> {
  const text = input.trim();
  if (text.length >= 2 && text.startsWith('/') && text.endsWith('/')) {
    const body = text.slice(1, -1);
    if (body === '') return bad(`invalid badmailfrom pattern "${input}": empty regular expression`);
    try {
      new RegExp(body, 'i');
    } catch (err) {
      return bad(`invalid badmailfrom pattern "${input}": ${(err as Error).message}`);
    }
    return { ok: true, value: { pattern: text, kind: 'regex' } };
  }
  if (text.startsWith('/')) return bad(`invalid badmailfrom pattern "${input}": a regular expression must end with /`);
  if (text.startsWith('@')) {
    const d = checkDomain(text.slice(1));
    if (!d.ok) return bad(`invalid badmailfrom pattern "${input}": ${d.error}`);
    return { ok: true, value: { pattern: `@${d.value}`, kind: 'domain' } };
  }
  const a = checkAddress(text);
  if (!a.ok) return bad(`invalid badmailfrom pattern "${input}": expected user@domain, @domain or /regex/`);
  return { ok: true, value: { pattern: a.value, kind: 'address' } };
}

/** The domain of a key-form address or `@domain` source. */
export function domainOf(key: string): string {
  return key.slice(key.lastIndexOf('@') + 1);
}
