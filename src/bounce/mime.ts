/**
 * Small MIME building blocks for the notices we write: RFC 5322 dates, folded 7-bit
 * headers, RFC 2047 encoded words, quoted-printable bodies, a boundary that cannot occur
 * in the content, and the header section of a stored message.
 *
 * RFC 5322 §2.2.3 (folding), §3.3 (date-time); RFC 2045 §6.7 (quoted-printable);
 * RFC 2046 §5.1.1 (boundary must not occur in the encapsulated parts); RFC 2047 §4.1 (B encoding).
 * Security: the original message is untrusted; it is only searched and copied, never parsed
 * into our own headers except the Message-ID, which is checked against a strict shape first.
 */
import { randomBytes } from 'node:crypto';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const two = (n: number): string => String(n).padStart(2, '0');

/** RFC 5322 §3.3 date-time in UTC: `Sat, 28 Nov 2026 10:11:59 +0000`. */
export function rfc5322Date(d: Date): string {
  return (
    `${DAYS[d.getUTCDay()]}, ${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`
  );
}

/** True when the text is printable US-ASCII plus tab (safe in a 7-bit header as is). */
export function isPlainAscii(text: string): boolean {
  return /^[\t\x20-\x7e]*$/.test(text);
}

/** RFC 2047 B-encoded words for a header value that holds non-ASCII, each under 76 characters. */
export function encodeWords(text: string): string {
  if (isPlainAscii(text)) return text;
  const words: string[] = [];
  let chunk = '';
  for (const ch of text) {
    // 45 bytes of UTF-8 become 60 base64 characters; with `=?utf-8?B??=` that is 72.
    if (Buffer.byteLength(chunk + ch) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?utf-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join(' ');
}

/**
 * One header field, folded at spaces so no line passes 78 characters where it can be
 * avoided (RFC 5322 §2.1.1). CR and LF in the value are replaced: a value can never add a header.
 */
export function header(name: string, value: string): string {
  const clean = value.replace(/[\r\n]+/g, ' ');
  const words = clean.split(' ');
  let line = `${name}:`;
  const out: string[] = [];
  for (const w of words) {
    if (line.length + 1 + w.length > 78 && line.length > name.length + 1) {
      out.push(line);
      line = '';
    }
    line += ` ${w}`;
  }
  out.push(line);
  return `${out.join('\r\n')}\r\n`;
}

/** Quoted-printable (RFC 2045 §6.7) for text with CRLF line breaks; ASCII-only text passes almost unchanged. */
export function quotedPrintable(text: string): string {
  const lines = text.split('\r\n');
  return lines
    .map((line) => {
      let enc = '';
      for (const byte of Buffer.from(line, 'utf8')) {
        const c = String.fromCharCode(byte);
        enc +=
          (byte >= 33 && byte <= 126 && c !== '=') || byte === 32 || byte === 9
            ? c
            : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
      }
      // Trailing white space would be lost in transit (§6.7 rule 3).
      enc = enc.replace(/([ \t])$/, (m) => `=${m.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
      const parts: string[] = [];
      while (enc.length > 76) {
        let cut = 75;
        // Never split an =XX escape.
        if (enc[cut - 1] === '=') cut -= 1;
        else if (enc[cut - 2] === '=') cut -= 2;
        parts.push(`${enc.slice(0, cut)}=`);
        enc = enc.slice(cut);
      }
      parts.push(enc);
      return parts.join('\r\n');
    })
    .join('\r\n');
}

/** A text/plain part: 7bit when the text is ASCII, quoted-printable otherwise. */
export function textPart(text: string): { headers: string; body: Buffer } {
  const crlf = text.replace(/\r?\n/g, '\r\n');
  if (/^[\t\r\n\x20-\x7e]*$/.test(crlf)) {
    return {
      headers: 'Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n',
      body: Buffer.from(crlf, 'ascii'),
    };
  }
  return {
    headers: 'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n',
    body: Buffer.from(quotedPrintable(crlf), 'ascii'),
  };
}

/** A boundary that occurs in none of the given part bodies (RFC 2046 §5.1.1). */
export function chooseBoundary(parts: readonly Buffer[], random: (n: number) => Buffer = randomBytes): string {
  for (;;) {
    const b = `=_mailward_${random(12).toString('hex')}`;
    if (!parts.some((p) => p.includes(b))) return b;
  }
}

/** Joins parts into a multipart body with CRLF, ending with the close delimiter. */
export function multipartBody(boundary: string, parts: ReadonlyArray<{ headers: string; body: Buffer }>): Buffer {
  const chunks: Buffer[] = [Buffer.from('This is a MIME-encapsulated message.\r\n', 'ascii')];
  for (const p of parts) {
    chunks.push(Buffer.from(`\r\n--${boundary}\r\n${p.headers}\r\n`, 'ascii'), p.body);
  }
  chunks.push(Buffer.from(`\r\n--${boundary}--\r\n`, 'ascii'));
  return Buffer.concat(chunks);
}

/** The header section of a raw message, up to and including the empty line (or all of it). */
export function headerSection(raw: Buffer): Buffer {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return raw.subarray(0, crlf + 4);
  if (lf >= 0) return raw.subarray(0, lf + 2);
  return raw;
}

/** The original's Message-ID (`<left@right>`), only when it has that strict shape; else null. */
export function originalMessageId(raw: Buffer): string | null {
  const head = headerSection(raw).toString('latin1');
  const m = /^message-id:[ \t]*((?:\r?\n[ \t]+)?)(<[^<>\s@]+@[^<>\s@]+>)[ \t]*\r?$/im.exec(head);
  return m?.[2] ?? null;
}
