/**
 * Reads a notice back, for tests and for `mailward` tools that show one: mailparser for the
 * headers, text and attachments, and the top-level parts split at the boundary so the
 * `message/delivery-status` fields can be read as groups (mailparser folds that part into
 * its text).
 *
 * RFC 3464 §2 (field groups separated by empty lines), RFC 5322 §2.2.3 (unfolding).
 * Security: input may be any message; nothing here is trusted or executed.
 */
import { type ParsedMail, simpleParser } from 'mailparser';

export interface ReadNotice {
  readonly mail: ParsedMail;
  /** Top-level MIME parts: content type (lower-case, no parameters), header text and body bytes. */
  readonly parts: ReadonlyArray<{ readonly type: string; readonly head: string; readonly body: Buffer }>;
  /** Per-message fields of the delivery-status part, names lower-cased. */
  readonly perMessage: ReadonlyMap<string, string>;
  /** One map per recipient group. */
  readonly perRecipient: ReadonlyArray<ReadonlyMap<string, string>>;
}

/** Unfolds and splits `Name: value` lines; the first occurrence of a name wins. */
export function parseFieldGroup(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.replace(/\r?\n[ \t]/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!out.has(name)) out.set(name, line.slice(colon + 1).trim());
  }
  return out;
}

function splitParts(raw: Buffer, boundary: string): Array<{ type: string; head: string; body: Buffer }> {
  const delim = Buffer.from(`\r\n--${boundary}`);
  const parts: Array<{ type: string; head: string; body: Buffer }> = [];
  let pos = raw.indexOf(delim);
  while (pos >= 0) {
    const start = pos + delim.length;
    if (raw.subarray(start, start + 2).toString() === '--') break;
    const next = raw.indexOf(delim, start);
    const chunk = raw.subarray(start + 2, next < 0 ? raw.length : next);
    const sep = chunk.indexOf('\r\n\r\n');
    const head = chunk.subarray(0, sep).toString('latin1');
    const type = /^content-type:\s*([^;\s]+)/im.exec(head)?.[1]?.toLowerCase() ?? 'text/plain';
    parts.push({ type, head, body: chunk.subarray(sep + 4) });
    pos = next;
  }
  return parts;
}

export async function readNotice(raw: Buffer): Promise<ReadNotice> {
  const mail = await simpleParser(raw);
  const ct = mail.headers.get('content-type') as { params?: Record<string, string> } | undefined;
  const boundary = ct?.params?.boundary;
  const parts = boundary ? splitParts(raw, boundary) : [];
  const status = parts.find((p) => p.type === 'message/delivery-status');
  const groups = status
    ? status.body
        .toString('latin1')
        .trim()
        .split(/\r?\n\r?\n/)
    : [];
  return {
    mail,
    parts,
    perMessage: parseFieldGroup(groups[0] ?? ''),
    perRecipient: groups.slice(1).map(parseFieldGroup),
  };
}
