/**
 * Matching a sender against badmailfrom entries (qmail's control/badmailfrom, extended with
 * regular expressions): `user@dom` exact, `@dom` the whole domain, `/re/` case-insensitive
 * against `local@domain` in key form.
 * Security: the sender is untrusted; the patterns come from the administrator and were
 * checked to compile when added (store/validate.ts). Regexes run against at most 256
 * characters of an address already parsed by core/address.
 */
import type { BadMailFromEntry } from './ports/directory.js';
import { domainOf } from './validate.js';

/** Returns a function that names the first entry matching a key-form sender, or null. */
export function badMailFromMatcher(
  entries: readonly BadMailFromEntry[],
): (senderKey: string) => BadMailFromEntry | null {
  const exact = new Map<string, BadMailFromEntry>();
  const domains = new Map<string, BadMailFromEntry>();
  const regexes: { re: RegExp; entry: BadMailFromEntry }[] = [];
  for (const e of entries) {
    if (e.kind === 'address') exact.set(e.pattern, e);
    else if (e.kind === 'domain') domains.set(e.pattern.slice(1), e);
    else regexes.push({ re: new RegExp(e.pattern.slice(1, -1), 'i'), entry: e });
  }
  return (senderKey) => {
    const key = senderKey.toLowerCase();
    const hit = exact.get(key) ?? domains.get(domainOf(key));
    if (hit) return hit;
    for (const r of regexes) if (r.re.test(key)) return r.entry;
    return null;
  };
}
