/**
 * Reading the header section of a spooled message (RFC 5322 §2.2: fields, folding), only as
 * far as the queue needs it: Message-ID for the log, To/Cc/Bcc for `sendmail -t`.
 * Security: the text is untrusted; it is only searched, never evaluated, and the scan is
 * bounded by the caller (HEADER_SCAN_LIMIT octets).
 */

export interface HeaderField {
  /** Lower-cased field name. */
  readonly name: string;
  /** Unfolded value without the leading space. */
  readonly value: string;
  /** Octet offsets of the whole field (with its CRLF) in the input. */
  readonly start: number;
  readonly end: number;
}

/** Splits the header section (up to the first empty line, or all of `head`) into fields. */
export function parseHeaderFields(head: Buffer | string): HeaderField[] {
  const text = typeof head === 'string' ? head : head.toString('latin1');
  const fields: HeaderField[] = [];
  let pos = 0;
  let current: { name: string; value: string; start: number } | null = null;
  while (pos < text.length) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = text.length;
    const line = text.slice(pos, eol).replace(/\r$/, '');
    const next = eol + 1;
    if (line === '') break;
    if ((line[0] === ' ' || line[0] === '\t') && current) {
      current.value += line;
    } else {
      if (current) fields.push({ ...current, value: current.value.trim(), end: pos });
      const colon = line.indexOf(':');
      current =
        colon > 0
          ? { name: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1), start: pos }
          : null;
    }
    pos = Math.min(next, text.length);
  }
  if (current) fields.push({ ...current, value: current.value.trim(), end: pos });
  return fields;
}

/** The first value of a field, or null. */
export function headerValue(fields: readonly HeaderField[], name: string): string | null {
  const f = fields.find((x) => x.name === name);
  return f ? f.value : null;
}

/** Message-ID as written (`<…>`), bounded to 998 octets, or null. */
export function messageIdOf(head: Buffer): string | null {
  const v = headerValue(parseHeaderFields(head), 'message-id');
  if (!v) return null;
  const m = /<[^<>\s]+>/.exec(v);
  return (m ? m[0] : v).slice(0, 998);
}

/**
 * Addresses in address-list fields (To, Cc, Bcc), for `sendmail -t`. Display names, comments,
 * and group syntax are skipped; what is left is every `local@domain` found.
 */
export function addressesIn(value: string): string[] {
  const noComments = value.replace(/\((?:[^()\\]|\\.)*\)/g, ' ');
  const out: string[] = [];
  for (const part of splitTopLevel(noComments)) {
    const angle = /<([^<>]*)>/.exec(part);
    const candidate = (angle ? angle[1] : part.replace(/^[^:]*:/, '').replace(/;$/, ''))?.trim() ?? '';
    if (candidate.includes('@')) out.push(candidate);
  }
  return out;
}

function splitTopLevel(value: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  let angle = 0;
  for (const c of value) {
    if (c === '"') quoted = !quoted;
    if (!quoted && c === '<') angle++;
    if (!quoted && c === '>') angle = Math.max(0, angle - 1);
    if (!quoted && angle === 0 && (c === ',' || c === ';')) {
      parts.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  parts.push(cur);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}
