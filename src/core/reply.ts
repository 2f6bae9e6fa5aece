/**
 * Reply: every SMTP answer, ours or a remote's, as one value.
 *
 * RFC 5321 §4.2 (reply codes, multi-line replies), RFC 3463 / RFC 2034 (enhanced status codes).
 * The one factory refuses a class mismatch (4xx with 5.x.x) and CR/LF inside text, so a
 * malformed reply can never reach the wire. Temporary or permanent is decided here only.
 * Security: text may come from config or a remote server; the factory is the only gate.
 */

export interface Reply {
  readonly code: number;
  /** RFC 3463 enhanced status code ("5.7.1"), or null where none applies (220, 334, 354). */
  readonly enhanced: string | null;
  readonly lines: readonly string[];
}

const ENHANCED = /^([245])\.(\d{1,3})\.(\d{1,3})$/;

export class ReplyError extends Error {}

/** The one factory. Throws ReplyError on a malformed reply: that is a bug, not input. */
export function reply(code: number, enhanced: string | null, text: string | readonly string[]): Reply {
  if (!Number.isInteger(code) || code < 200 || code > 599) throw new ReplyError(`reply code out of range: ${code}`);
  const cls = Math.floor(code / 100);
  if (enhanced !== null) {
    const m = ENHANCED.exec(enhanced);
    if (!m) throw new ReplyError(`malformed enhanced status code: ${enhanced}`);
    if (cls === 3) throw new ReplyError(`a ${code} reply carries no enhanced status code`);
    if (Number(m[1]) !== cls) throw new ReplyError(`class mismatch: ${code} with ${enhanced}`);
  }
  const lines = typeof text === 'string' ? [text] : [...text];
  if (lines.length === 0) lines.push('');
  for (const line of lines) {
    if (/[\r\n]/.test(line)) throw new ReplyError('CR or LF inside reply text');
  }
  return Object.freeze({ code, enhanced, lines: Object.freeze(lines) });
}

/** 4xx: try again later. The only place the class is decided (STYLE.md §2). */
export function isTransient(r: Pick<Reply, 'code'>): boolean {
  return r.code >= 400 && r.code < 500;
}

/** 5xx: do not try again. */
export function isPermanent(r: Pick<Reply, 'code'>): boolean {
  return r.code >= 500 && r.code < 600;
}

/** 2xx (and 3xx intermediate) : the command went through. */
export function isPositive(r: Pick<Reply, 'code'>): boolean {
  return r.code >= 200 && r.code < 400;
}

/**
 * Formats a reply for the wire. Multi-line replies use "code-" on all but the last line and
 * repeat the enhanced code on every line (RFC 2034 §4).
 */
export function formatReply(r: Reply): string {
  let out = '';
  const last = r.lines.length - 1;
  r.lines.forEach((line, i) => {
    const sep = i === last ? ' ' : '-';
    const body = r.enhanced ? (line ? `${r.enhanced} ${line}` : r.enhanced) : line;
    out += `${r.code}${sep}${body}\r\n`;
  });
  return out;
}

/** One line of text for logs and notices: "553 5.7.1 text / more text". */
export function replyText(r: Reply): string {
  const text = r.lines.join(' ');
  return [String(r.code), r.enhanced, text].filter((x) => x).join(' ');
}

/**
 * Parses a reply received from a remote (already split into lines without CRLF).
 * Lenient where remotes are sloppy (missing enhanced codes on some lines), but the result
 * still passes through the factory; an enhanced code of the wrong class is dropped, not trusted.
 */
export function parseReplyLines(raw: readonly string[]): Reply {
  const first = raw[0] ?? '';
  const code = Number(first.slice(0, 3));
  const cls = Math.floor(code / 100);
  let enhanced: string | null = null;
  const texts: string[] = [];
  for (const line of raw) {
    let text = line.slice(4);
    const m = /^([245]\.\d{1,3}\.\d{1,3})(?:\s+|$)/.exec(text);
    // An enhanced code of the wrong class stays in the text, verbatim, and is not trusted.
    if (m && Number(m[1]?.[0]) === cls) {
      enhanced ??= m[1] ?? null;
      text = text.slice(m[0].length);
    }
    texts.push(text.replace(/[\r\n]/g, ' '));
  }
  return reply(Number.isInteger(code) && code >= 200 && code <= 599 ? code : 554, enhanced, texts);
}
