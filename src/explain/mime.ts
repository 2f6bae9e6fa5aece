/**
 * A small, forgiving MIME walker for bounce messages.
 *
 * RFC 5322 §2.2 (header fields, folding), RFC 2045 §6 (quoted-printable, base64),
 * RFC 2046 §5.1 (multipart boundaries), §5.2 (message/rfc822), RFC 2047 (encoded words).
 * Bounces are often malformed: a missing closing boundary, a wrong charset or a boundary
 * that never appears are tolerated; the walker never throws on input and never recurses
 * deeper than MAX_DEPTH.
 * Security: input is untrusted bytes; only string scanning, no eval, bounded depth and parts.
 */

import { isAscii } from 'node:buffer';
import { isWhiteSpace } from './white-space.js';

export interface MimePart {
  /** Header fields by lower-case name, values unfolded, in order of appearance. */
  headers: Map<string, string[]>;
  /** Lower-case "type/subtype"; "text/plain" when absent. */
  type: string;
  params: Record<string, string>;
  /** Decoded body as text (for multipart: the preamble). */
  body: string;
  children: MimePart[];
  depth: number;
  /**
   * For the message inside a message/rfc822 part: its raw text. Only its header block is
   * parsed up front, and of it only ORIGINAL_FIELDS (a returned original can be megabytes
   * of attachments nobody needs); call parseMime(raw) to look inside, e.g. for a forwarded
   * bounce.
   */
  raw?: string;
}

const MAX_DEPTH = 8;
/**
 * The fields read of an attached message (the returned original): its type, and what the
 * report names of it. Its Received and DKIM lines, often most of the block, are not built.
 */
export const ORIGINAL_FIELDS: ReadonlySet<string> = new Set(['content-type', 'message-id', 'subject', 'from', 'to']);
const MAX_PARTS = 200;

/** First value of a header, or undefined. */
export function header(p: MimePart, name: string): string | undefined {
  return field(p.headers, name);
}

/** First value of a field in a header map (lower-case name), or undefined. */
export function field(headers: Map<string, string[]>, name: string): string | undefined {
  return headers.get(name)?.[0];
}

/**
 * Splits a raw block into header map and body; "From " mbox lines are skipped. With
 * `lenient`, a line that is not a field continues the previous one (DSN fields whose
 * multi-line diagnostic lost its indent). With `only`, just those fields (lower-case names)
 * are kept: the others are still read past, folded lines and all, but no value is built.
 */
export function splitHeaders(
  text: string,
  lenient = false,
  only?: ReadonlySet<string>,
): { headers: Map<string, string[]>; body: string } {
  const headers = new Map<string, string[]>();
  let pos = 0;
  if (text.startsWith('From ')) pos = nextLine(text, 0);
  let name = '';
  let value = '';
  let keep = true;
  // Whether the field so far ends with ";" (its value, trimmed): a parameter may follow unindented.
  let semicolon = false;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const end = nl < 0 ? text.length : nl + 1;
    const stop = nl < 0 ? text.length : text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    if (stop === pos) {
      pos = end;
      break;
    }
    const first = text.charCodeAt(pos);
    if (name && (first === 32 || first === 9)) {
      semicolon = endsWithSemicolon(text, pos, stop, semicolon);
      if (keep) value += ` ${text.slice(pos, stop).trim()}`;
      pos = end;
      continue;
    }
    // Scan the field name in place: up to ":" with no white space inside (RFC 5322 §2.2).
    let i = pos;
    let eq = -1;
    while (i < stop) {
      const c = text.charCodeAt(i);
      if (c === 58 || c === 32 || c === 9) break;
      if (c === 61 && eq < 0) eq = i;
      i++;
    }
    let j = i;
    while (j < stop && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
    const isField = i > pos && j < stop && text.charCodeAt(j) === 58;
    // A parameter line whose folding lost its indent ("...;\nboundary=x").
    if (name && eq > pos && (!isField || eq < i) && semicolon) {
      semicolon = endsWithSemicolon(text, pos, stop, semicolon);
      if (keep) value += ` ${text.slice(pos, stop).trim()}`;
    } else if (!isField) {
      // A line that is neither a field nor a continuation ends the header block.
      if (lenient && name) {
        semicolon = endsWithSemicolon(text, pos, stop, semicolon);
        if (keep) value += ` ${text.slice(pos, stop).trim()}`;
        pos = end;
        continue;
      }
      if (headers.size === 0 && !name) return { headers, body: text.slice(pos) };
      // A folded line that lost its indent (a pasted or re-wrapped message) when a common field
      // follows before the blank line: only a blank line ends the block then (RFC 5322 §2.1).
      if (name && fieldFollows(text, end)) {
        if (keep) value += ` ${text.slice(pos, stop).trim()}`;
        pos = end;
        continue;
      }
      if (keep) addField(headers, name, value);
      name = '';
      break;
    } else {
      if (keep) addField(headers, name, value);
      name = text.slice(pos, i).toLowerCase();
      keep = !only || only.has(name);
      value = keep ? text.slice(j + 1, stop) : '';
      semicolon = endsWithSemicolon(text, j + 1, stop, false);
    }
    pos = end;
  }
  if (keep) addField(headers, name, value);
  return { headers, body: text.slice(pos) };
}

/**
 * Whether text[from, to) ends with ";" once trimmed; `before` when it is all white space
 * (then the value still ends where it ended). White space as String.prototype.trim sees it.
 */
function endsWithSemicolon(text: string, from: number, to: number, before: boolean): boolean {
  let k = to - 1;
  while (k >= from && isWhiteSpace(text.charCodeAt(k))) k--;
  return k < from ? before : text.charCodeAt(k) === 59;
}

// Module-level helpers rather than closures in hot functions: a closure is made on every call
// (and tsx's keepNames renames each one), which showed in the corpus profile.
function addField(headers: Map<string, string[]>, name: string, value: string): void {
  if (!name) return;
  const list = headers.get(name);
  if (list) list.push(value.trim());
  else headers.set(name, [value.trim()]);
}

const COMMON_FIELD = /^(?:content-type|mime-version|from|to|subject|date|message-id|received|return-path):/i;

/** Whether a common field starts one of the lines from `pos` up to the next blank line (at most 200 lines). */
function fieldFollows(text: string, pos: number): boolean {
  for (let i = 0; i < 200 && pos < text.length; i++) {
    const nl = text.indexOf('\n', pos);
    const end = nl < 0 ? text.length : nl;
    if (end === pos || (end === pos + 1 && text.charCodeAt(pos) === 13)) return false;
    if (COMMON_FIELD.test(text.slice(pos, Math.min(end, pos + 40)))) return true;
    pos = end + 1;
  }
  return false;
}

function nextLine(text: string, pos: number): number {
  const nl = text.indexOf('\n', pos);
  return nl < 0 ? text.length : nl + 1;
}

/** Parses "type/subtype; a=b; c="d"" into lower-case type and params. */
export function parseContentType(v: string | undefined): { type: string; params: Record<string, string> } {
  const params: Record<string, string> = {};
  if (!v) return { type: 'text/plain', params };
  const semi = v.indexOf(';');
  const type = (semi < 0 ? v : v.slice(0, semi)).trim().toLowerCase() || 'text/plain';
  const re = /;\s*([\w*.-]+)\s*=\s*(?:"([^"]*)"|([^;\s]*))/g;
  for (let m = re.exec(v); m; m = re.exec(v)) {
    params[(m[1] ?? '').toLowerCase()] = m[2] ?? m[3] ?? '';
  }
  return { type, params };
}

/** Decodes a body held as a binary (latin1) string into text. */
function decodeBody(raw: string, encoding: string, charset: string | undefined): string {
  const enc = encoding.trim().toLowerCase();
  let bytes: Buffer;
  if (enc === 'base64') bytes = Buffer.from(raw.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  else if (enc === 'quoted-printable') bytes = decodeQuotedPrintable(raw);
  // Most bounce text is 7-bit ASCII without ISO-2022 escapes, and then already the text: a
  // string whose UTF-8 length is its length has no octet above 0x7f (counted without copying
  // it into bytes and back).
  else if (Buffer.byteLength(raw, 'utf8') === raw.length && !raw.includes('\x1b')) return raw;
  else bytes = Buffer.from(raw, 'latin1');
  return bytesToText(bytes, charset);
}

export function decodeQuotedPrintable(raw: string): Buffer {
  if (!raw.includes('=')) return Buffer.from(raw, 'latin1');
  const s = raw.replace(/=\r?\n/g, '');
  const out = Buffer.allocUnsafe(s.length);
  let n = 0;
  let from = 0;
  // Copy the runs between "=" escapes in one go; decode only the escapes.
  for (let eq = s.indexOf('='); eq >= 0; eq = s.indexOf('=', eq + 1)) {
    const hi = hexValue(s.charCodeAt(eq + 1));
    const lo = hexValue(s.charCodeAt(eq + 2));
    if (hi < 0 || lo < 0) continue;
    n += out.write(s.slice(from, eq), n, 'latin1');
    out[n++] = hi * 16 + lo;
    from = eq + 3;
    eq += 2;
  }
  n += out.write(s.slice(from), n, 'latin1');
  return out.subarray(0, n);
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** Bytes to text: the declared charset if the runtime knows it, else UTF-8 if valid, else latin1. */
export function bytesToText(bytes: Buffer, charset?: string): string {
  const cs = (charset ?? '').toLowerCase();
  // Pure ASCII without ISO-2022 escapes is the common case in bounces: skip decoders.
  const ascii = isAscii(bytes);
  if (ascii && bytes.indexOf(0x1b) < 0) return bytes.toString('latin1');
  // ISO-2022 is a 7-bit code (RFC 1468): octets above 0x7f mean the label is wrong (a relay
  // that converted the text and kept the header); UTF-8, if valid, is what they are then.
  const mislabelled = !ascii && cs.startsWith('iso-2022-');
  if (cs && cs !== 'us-ascii' && cs !== 'utf-8' && cs !== 'utf8' && !mislabelled) {
    try {
      return new TextDecoder(cs).decode(bytes);
    } catch {
      // unknown charset label: fall through
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}

/** RFC 2047 encoded words in a header value. */
export function decodeWords(v: string): string {
  if (!v.includes('=?')) return v;
  return v
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (_all, cs: string, enc: string, text: string) => {
      const bytes =
        enc.toLowerCase() === 'b' ? Buffer.from(text, 'base64') : decodeQuotedPrintable(text.replace(/_/g, ' '));
      return bytesToText(bytes, cs.replace(/\*.*$/, ''));
    });
}

/** Parses a whole message (binary string) into a part tree. */
export function parseMime(raw: string): MimePart {
  const counter = { n: 0 };
  return parsePart(raw, 0, counter, 'text/plain');
}

function parsePart(raw: string, depth: number, counter: { n: number }, defaultType: string): MimePart {
  counter.n++;
  const { headers, body } = splitHeaders(raw);
  const ct = headers.get('content-type')?.[0];
  const { type, params } = ct ? parseContentType(ct) : { type: defaultType, params: {} };
  const part: MimePart = { headers, type, params, body: '', children: [], depth };
  const encoding = headers.get('content-transfer-encoding')?.[0] ?? '7bit';
  if (depth >= MAX_DEPTH || counter.n > MAX_PARTS) {
    part.body = decodeBody(body, encoding, params.charset);
    return part;
  }
  if (type.startsWith('multipart/')) {
    const boundary = params.boundary ?? guessBoundary(body);
    if (!boundary) {
      part.body = decodeBody(body, encoding, params.charset);
      return part;
    }
    const chunks = splitMultipart(body, boundary);
    part.body = chunks.preamble;
    const childDefault = type === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
    for (const chunk of chunks.parts) {
      if (counter.n > MAX_PARTS) break;
      part.children.push(parsePart(chunk, depth + 1, counter, childDefault));
    }
    return part;
  }
  if (type === 'message/rfc822' || type === 'message/global' || type === 'message/partial') {
    // Keep the bytes as a binary string for a later parse.
    const innerRaw =
      encoding.trim().toLowerCase() === 'base64'
        ? Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64').toString('latin1')
        : body;
    const inner = splitHeaders(innerRaw, false, ORIGINAL_FIELDS);
    const ict = parseContentType(inner.headers.get('content-type')?.[0]);
    part.children.push({
      headers: inner.headers,
      type: ict.type,
      params: ict.params,
      body: '',
      children: [],
      depth: depth + 1,
      raw: innerRaw,
    });
    return part;
  }
  // Leaves are decoded on first use: most parts of a bounce are never read.
  return new LeafPart(headers, type, params, depth, body, encoding);
}

class LeafPart implements MimePart {
  readonly children: MimePart[] = [];
  #decoded: string | undefined;
  constructor(
    readonly headers: Map<string, string[]>,
    readonly type: string,
    readonly params: Record<string, string>,
    readonly depth: number,
    private readonly rawBody: string,
    private readonly encoding: string,
  ) {}
  get body(): string {
    this.#decoded ??= decodeBody(this.rawBody, this.encoding, this.params.charset);
    return this.#decoded;
  }
  set body(v: string) {
    this.#decoded = v;
  }
}

/** A multipart whose Content-Type lost its boundary: take the first "--token" line. */
function guessBoundary(body: string): string | undefined {
  const m = /^--([^\s-][^\r\n]{0,69}?)\r?$/m.exec(body);
  return m?.[1];
}

function splitMultipart(body: string, boundary: string): { preamble: string; parts: string[] } {
  const delim = `--${boundary}`;
  const parts: string[] = [];
  let preamble = '';
  let start = -1;
  let pos = 0;
  while (pos <= body.length) {
    const idx = body.indexOf(delim, pos);
    if (idx < 0) break;
    // The delimiter must start a line.
    if (idx > 0 && body[idx - 1] !== '\n') {
      pos = idx + delim.length;
      continue;
    }
    const chunkEnd = idx > 0 && body[idx - 2] === '\r' ? idx - 2 : Math.max(0, idx - 1);
    if (start < 0) preamble = body.slice(0, chunkEnd);
    else parts.push(body.slice(start, chunkEnd));
    const closing = body.startsWith('--', idx + delim.length);
    const eol = nextLine(body, idx);
    if (closing) {
      start = -1;
      break;
    }
    start = eol;
    pos = eol;
  }
  // A missing closing delimiter: the last part runs to the end.
  if (start >= 0 && start < body.length) parts.push(body.slice(start));
  if (parts.length === 0 && start < 0 && !preamble) preamble = body;
  return { preamble, parts };
}

/** All parts in document order (depth-first). */
export function flatten(root: MimePart): MimePart[] {
  const out: MimePart[] = [];
  collect(root, out);
  return out;
}

function collect(p: MimePart, out: MimePart[]): void {
  out.push(p);
  for (const c of p.children) collect(c, out);
}
