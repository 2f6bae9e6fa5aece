/**
 * Reads the header section of a delivered message into a map of unfolded values, and finds
 * the mailboxes named in an address header, for the vacation guards.
 *
 * RFC 5322 §2.2 (header fields), §2.2.3 (unfolding), §3.4 (address lists: display names,
 * quoted strings, comments, groups), RFC 2047 words are left encoded (only addresses matter).
 * Security: the message is untrusted. The reader stops at the first empty line and at 256 KB,
 * and never throws on malformed input: a line without a colon is skipped.
 */

/** Lower-case field name → values in order of appearance, unfolded, trimmed. */
export type HeaderFields = ReadonlyMap<string, readonly string[]>;

const MAX_HEADER_BYTES = 256 * 1024;

export function readHeaderFields(raw: Buffer | string): HeaderFields {
  let text = typeof raw === 'string' ? raw : raw.subarray(0, MAX_HEADER_BYTES).toString('utf8');
  const end = text.search(/\r?\n\r?\n/);
  if (end >= 0) text = text.slice(0, end);
  const fields = new Map<string, string[]>();
  for (const line of text.replace(/\r?\n(?=[ \t])/g, '').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) continue;
    const list = fields.get(name) ?? [];
    list.push(line.slice(colon + 1).trim());
    fields.set(name, list);
  }
  return fields;
}

/** The first value of a field, or undefined. */
export function firstValue(fields: HeaderFields, name: string): string | undefined {
  return fields.get(name.toLowerCase())?.[0];
}

/**
 * The mailboxes in an address list, lower-cased: `"Bob" <bob@x>, carol@y (Carol), team: d@z;`
 * gives bob@x, carol@y, d@z. Quoted display names and comments are removed first so that
 * `"bob@x" <eve@y>` names only eve@y.
 */
export function addressesIn(value: string): string[] {
  let text = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c === '\\' && (quoted || depth > 0)) {
      i++;
      continue;
    }
    if (quoted) {
      if (c === '"') quoted = false;
      continue;
    }
    if (depth > 0) {
      if (c === '(') depth++;
      else if (c === ')') depth--;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === '(') depth = 1;
    else text += c;
  }
  const out: string[] = [];
  for (const piece of text.split(/[,;]/)) {
    // A group name ends in a colon: `team: a@x` → `a@x`.
    const part = piece.slice(piece.lastIndexOf(':') + 1);
    const angle = /<([^<>]*)>/.exec(part);
    const addr = (angle ? angle[1] : part)?.trim() ?? '';
    if (/^[^\s@]+@[^\s@]+$/.test(addr)) out.push(addr.toLowerCase());
  }
  return out;
}
