/**
 * Prepares a message handed to `sendmail` on stdin for the queue, as Postfix's pickup and
 * cleanup do for local submissions: ends it at a lone "." unless -i, turns LF line endings
 * into CRLF (RFC 5322 §2.3), with -t takes recipients from To/Cc/Bcc and removes Bcc, and
 * adds From, Date and Message-ID when missing (RFC 5322 §3.6).
 * Security: the text comes from any local user and is trusted only as far as the local
 * origin is (the Received header names the user); it is not parsed beyond the header fields.
 */
import { randomBytes } from 'node:crypto';
import { addressesIn, parseHeaderFields } from './message-headers.js';
import { rfc5322Date } from './received-header.js';

export interface LocalSubmissionOptions {
  readonly ignoreDots: boolean;
  readonly extractRecipients: boolean;
  /** Envelope sender, '' for null. */
  readonly from: string;
  readonly fullName: string | null;
  readonly hostname: string;
  readonly now: number;
}

export interface PreparedSubmission {
  readonly message: Buffer;
  /** Recipients from To/Cc/Bcc (with -t), in order, duplicates included. */
  readonly headerRecipients: readonly string[];
}

export function prepareLocalSubmission(raw: Buffer, opts: LocalSubmissionOptions): PreparedSubmission {
  let text = raw.toString('latin1');
  if (!opts.ignoreDots) {
    const m = /(^|\n)\.\r?(\n|$)/.exec(text);
    if (m) text = text.slice(0, m.index + m[1]!.length);
  }
  text = text.replace(/\r?\n/g, '\r\n');
  if (text !== '' && !text.endsWith('\r\n')) text += '\r\n';

  const fields = startsWithHeader(text) ? parseHeaderFields(text) : [];
  const headerEnd = fields.length ? (fields[fields.length - 1] as { end: number }).end : 0;
  let header = text.slice(0, headerEnd);
  let rest = text.slice(headerEnd);
  if (fields.length && !rest.startsWith('\r\n')) rest = `\r\n${rest}`; // header ran to the end
  if (!fields.length) rest = `\r\n${rest}`;

  const headerRecipients: string[] = [];
  if (opts.extractRecipients) {
    for (const f of fields) {
      if (f.name === 'to' || f.name === 'cc' || f.name === 'bcc') headerRecipients.push(...addressesIn(f.value));
    }
    // Bcc must not reach the recipients (RFC 5322 §3.6.3)
    header = fields
      .filter((f) => f.name !== 'bcc')
      .map((f) => text.slice(f.start, f.end))
      .join('');
  }
  const has = (name: string) => fields.some((f) => f.name === name);
  const added: string[] = [];
  if (!has('from') && opts.from !== '') added.push(`From: ${fromHeader(opts.from, opts.fullName)}\r\n`);
  if (!has('date')) added.push(`Date: ${rfc5322Date(opts.now)}\r\n`);
  if (!has('message-id')) {
    added.push(`Message-ID: <${opts.now.toString(36)}.${randomBytes(6).toString('hex')}@${opts.hostname}>\r\n`);
  }
  return { message: Buffer.from(header + added.join('') + rest, 'latin1'), headerRecipients };
}

function startsWithHeader(text: string): boolean {
  return /^[!-9;-~]+[ \t]*:/.test(text);
}

function fromHeader(address: string, fullName: string | null): string {
  if (!fullName) return address;
  // Non-ASCII names as an RFC 2047 encoded-word; otherwise a quoted-string.
  const name = /[^\x20-\x7e]/.test(fullName)
    ? `=?UTF-8?B?${Buffer.from(fullName, 'utf8').toString('base64')}?=`
    : `"${fullName.replace(/["\\]/g, '\\$&')}"`;
  return `${name} <${address}>`;
}
