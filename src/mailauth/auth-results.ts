/**
 * Removing forged `Authentication-Results:` header fields: a message from outside must not
 * carry results that claim to come from us, or a later reader (a filter, a mail client) would
 * trust a `dkim=pass` the sender wrote itself. RFC 8601 §5 (removal by the border MTA),
 * §2.2 (authserv-id syntax: a token or quoted-string, possibly after comments and folding).
 * Works on the header section alone (bytes up to and including the blank line), so a caller
 * streaming a large message only needs to hold the header in memory.
 * Security: the header is untrusted input; matching ignores case, comments, folding, quoting
 * and a trailing dot, so none of those disguises lets a forged field through. Bytes of the
 * other fields are kept exactly as received (latin1 round-trip) so DKIM signatures still verify.
 */

/** One header field, with its octet range in the header section (folded lines included). */
interface FieldRange {
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

/**
 * Returns the header section without the `Authentication-Results:` fields whose authserv-id
 * is `authservId`. Everything else, including the terminating blank line, is kept as is.
 */
export function stripForgedAuthResults(headers: Buffer, authservId: string): Buffer {
  const ours = normaliseId(authservId);
  return removeFields(
    headers,
    (name, value) => name === 'authentication-results' && normaliseId(authservIdOf(value) ?? '') === ours,
  );
}

/**
 * Our quarantine mark, added by the intake step for a DMARC `p=quarantine` failure; local
 * delivery files a message that carries it into the Junk folder (delivery/local/maildir.ts
 * spells the same name).
 */
export const QUARANTINE_FIELD = 'X-Mailward-Quarantine';

/**
 * Returns the header section without any `X-Mailward-Quarantine:` field: only the mark we add
 * ourselves may reach delivery, or a sender could file its mail into (or, by the absence of
 * the mark, out of) a recipient's Junk folder. Folded and oddly-cased variants are removed too.
 */
export function stripQuarantineMark(headers: Buffer): Buffer {
  const name = QUARANTINE_FIELD.toLowerCase();
  return removeFields(headers, (n) => n === name);
}

/** The header section without the fields `drop` selects (name lower-cased, raw value); same Buffer if none. */
function removeFields(headers: Buffer, drop: (name: string, value: string) => boolean): Buffer {
  const text = headers.toString('latin1');
  const keep: string[] = [];
  let removed = 0;
  let pos = 0;
  for (const field of headerFields(text)) {
    keep.push(text.slice(pos, field.start));
    const value = text.slice(field.start, field.end).replace(/^[^:]*:/, '');
    if (drop(field.name, value)) {
      removed++;
    } else {
      keep.push(text.slice(field.start, field.end));
    }
    pos = field.end;
  }
  if (removed === 0) return headers;
  keep.push(text.slice(pos));
  return Buffer.from(keep.join(''), 'latin1');
}

/**
 * The authserv-id of an Authentication-Results value (RFC 8601 §2.2), or null when the value
 * has none. Comments and folding whitespace before it are skipped.
 */
export function authservIdOf(value: string): string | null {
  const s = value.replace(/\r?\n/g, '');
  let i = 0;
  // Skip CFWS: whitespace and (nested) comments.
  for (;;) {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
    if (s[i] !== '(') break;
    let depth = 0;
    for (; i < s.length; i++) {
      if (s[i] === '\\') {
        i++;
        continue;
      }
      if (s[i] === '(') depth++;
      if (s[i] === ')' && --depth === 0) {
        i++;
        break;
      }
    }
  }
  if (s[i] === '"') {
    let out = '';
    for (i++; i < s.length && s[i] !== '"'; i++) {
      if (s[i] === '\\') i++;
      out += s[i] ?? '';
    }
    return out;
  }
  const m = /^[^\s;()"]+/.exec(s.slice(i));
  return m ? m[0] : null;
}

/** Splits the header section into fields (RFC 5322 §2.2.3: a line starting with WSP continues a field). */
function headerFields(text: string): FieldRange[] {
  const fields: FieldRange[] = [];
  let current: { name: string; start: number } | null = null;
  let pos = 0;
  while (pos < text.length) {
    let eol = text.indexOf('\n', pos);
    eol = eol < 0 ? text.length : eol + 1;
    const line = text.slice(pos, eol);
    if (line === '\r\n' || line === '\n') break; // the blank line ends the header section
    if (line[0] === ' ' || line[0] === '\t') {
      pos = eol;
      continue;
    }
    if (current) fields.push({ ...current, end: pos });
    const colon = line.indexOf(':');
    current = colon > 0 ? { name: line.slice(0, colon).trim().toLowerCase(), start: pos } : null;
    pos = eol;
  }
  if (current) fields.push({ ...current, end: pos });
  return fields;
}

function normaliseId(id: string): string {
  return id.trim().toLowerCase().replace(/\.$/, '');
}

/**
 * Splits a message into its header section (up to and including the blank line) and body.
 * A message without a blank line is all header (RFC 5322 §2.1: the body is optional).
 */
export function splitHeaderSection(message: Buffer): { headers: Buffer; body: Buffer } {
  const crlf = message.indexOf('\r\n\r\n');
  const lf = message.indexOf('\n\n');
  let end = -1;
  if (crlf >= 0 && (lf < 0 || crlf < lf)) end = crlf + 4;
  else if (lf >= 0) end = lf + 2;
  if (end < 0) return { headers: message, body: Buffer.alloc(0) };
  return { headers: message.subarray(0, end), body: message.subarray(end) };
}
