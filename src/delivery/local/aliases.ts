/**
 * Alias expansion for our own domains, done at intake (like Postfix's virtual alias
 * expansion in cleanup) so that the queue holds final recipients.
 *
 * Order for one address: a user of that name is final; else the exact alias; else the
 * catch-all `@domain`. Alias targets are expanded in turn (lists, nesting). A target that is
 * the alias itself ("keep a copy": `a → a, b`) is final. A target outside our domains is
 * returned as is (forwarding). A target in our domains that is neither user nor alias is
 * kept, so that delivery fails it with 5.1.1 and the sender hears of it, rather than losing it.
 * RFC 5321 §3.9.1 (aliases), §3.4 (forwarding).
 * Security: alias data is admin input, but cycles and runaway lists must not hang intake:
 * a cycle, a depth over MAX_DEPTH or more than MAX_TARGETS addresses is reported as 'loop'.
 */
import type { DirectoryStore } from '../../store/ports/directory.js';

export const MAX_DEPTH = 20;
export const MAX_TARGETS = 1000;

export type ExpandResult = { targets: string[] } | { error: 'loop' | 'unknown' };

type Lookup = { kind: 'user' } | { kind: 'alias'; source: string; targets: readonly string[] } | { kind: 'none' };

function splitKey(address: string): { local: string; domain: string; key: string } {
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at).toLowerCase();
  const domain = address
    .slice(at + 1)
    .toLowerCase()
    .replace(/\.$/, '');
  return { local, domain, key: `${local}@${domain}` };
}

async function lookup(key: string, domain: string, directory: DirectoryStore): Promise<Lookup> {
  if (await directory.findUser(key)) return { kind: 'user' };
  const exact = await directory.findAlias(key);
  if (exact) return { kind: 'alias', source: exact.source, targets: exact.targets };
  const catchAll = await directory.findAlias(`@${domain}`);
  if (catchAll) return { kind: 'alias', source: catchAll.source, targets: catchAll.targets };
  return { kind: 'none' };
}

export async function expandRecipient(address: string, directory: DirectoryStore): Promise<ExpandResult> {
  const first = splitKey(address);
  if (first.domain === '' || first.local === '') return { error: 'unknown' };
  const top = await lookup(first.key, first.domain, directory);
  if (top.kind === 'user') return { targets: [first.key] };
  if (top.kind === 'none') return { error: 'unknown' };

  const out: string[] = [];
  const seen = new Set<string>();
  const ourDomain = new Map<string, boolean>();
  const isOurs = async (domain: string) => {
    let v = ourDomain.get(domain);
    if (v === undefined) {
      v = await directory.hasDomain(domain);
      ourDomain.set(domain, v);
    }
    return v;
  };
  const add = (key: string) => {
    if (!seen.has(key)) {
      seen.add(key);
      out.push(key);
    }
  };

  // Depth-first; `path` holds the aliases being expanded above us, to tell a cycle from a diamond.
  const expand = async (source: string, targets: readonly string[], path: Set<string>): Promise<'loop' | null> => {
    if (path.size > MAX_DEPTH) return 'loop';
    for (const raw of targets) {
      const t = splitKey(raw.trim());
      if (t.domain === '' || t.local === '') continue;
      if (out.length >= MAX_TARGETS) return 'loop';
      if (t.key === source || !(await isOurs(t.domain))) {
        add(t.key);
        continue;
      }
      const found = await lookup(t.key, t.domain, directory);
      if (found.kind !== 'alias') {
        add(t.key);
        continue;
      }
      // A catch-all that answers for the target is followed like an exact alias.
      const next = found.source.startsWith('@') ? t.key : found.source;
      if (path.has(next)) return 'loop';
      const r = await expand(next, found.targets, new Set([...path, next]));
      if (r) return r;
    }
    return null;
  };

  const source = top.source.startsWith('@') ? first.key : top.source;
  const r = await expand(source, top.targets, new Set([source]));
  if (r) return { error: r };
  return out.length > 0 ? { targets: out } : { error: 'unknown' };
}
