/**
 * The parts every notice shares: the `message/delivery-status` part, the people's lines
 * for one recipient, and the returned original (whole or headers only).
 *
 * RFC 3464 §2.1 (7-bit fields), §2.2 (per-message: Reporting-MTA, Original-Envelope-Id,
 * Arrival-Date), §2.3 (per-recipient: Original-Recipient, Final-Recipient, Action, Status,
 * Remote-MTA, Diagnostic-Code, Last-Attempt-Date, Will-Retry-Until); RFC 3462 / RFC 6522
 * (multipart/report, text/rfc822-headers); RFC 6533 §3 (utf-8 address type for non-ASCII).
 * Security: the remote's reply text is untrusted and is copied verbatim, but only as one
 * line (CR/LF are impossible in a Reply) into 7-bit fields; non-ASCII is escaped.
 */
import type { DeliveryOutcome } from '../core/delivery-outcome.js';
import { isPermanent, replyText } from '../core/reply.js';
import { header, headerSection, rfc5322Date } from './mime.js';
import type { NoticeInput, NoticeRecipient } from './notice-input.js';

export type DsnAction = 'failed' | 'delayed' | 'delivered' | 'relayed' | 'expanded';

/** RFC 6533 §3: `rfc822; a@b` for ASCII, `utf-8; …\x{HH}…` with non-ASCII escaped. */
export function addressField(type: string, address: string): string {
  if (/^[\x21-\x7e]*$/.test(address)) return `${type}; ${address}`;
  const escaped = [...address]
    .map((c) =>
      /[\x21-\x5b\x5d-\x7e]/.test(c) ? c : `\\x{${(c.codePointAt(0) as number).toString(16).toUpperCase()}}`,
    )
    .join('');
  return `utf-8; ${escaped}`;
}

/** `rfc822;user@example.com` as given in ORCPT → the Original-Recipient value. */
export function originalRecipientField(orcpt: string): string {
  const semi = orcpt.indexOf(';');
  if (semi < 0) return addressField('rfc822', orcpt.trim());
  return addressField(orcpt.slice(0, semi).trim().toLowerCase(), orcpt.slice(semi + 1).trim());
}

/** Status: expired → 4.4.7; else the reply's enhanced code; else derived from the code class. */
export function statusOf(r: NoticeRecipient): string {
  if (r.expired) return '4.4.7';
  const rep = r.outcome.reply;
  return rep.enhanced ?? `${Math.floor(rep.code / 100)}.0.0`;
}

/** The reply as one line, non-ASCII replaced so the field stays 7-bit (RFC 3464 §2.1). */
function oneLine7bit(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?');
}

function domainOf(rcpt: string): string {
  return rcpt.slice(rcpt.lastIndexOf('@') + 1);
}

/** `mx.example.com [192.0.2.1]`, or whichever of the two is known. */
export function remoteName(o: DeliveryOutcome): string | null {
  if (!o.remote) return null;
  const { host, ip } = o.remote;
  if (host && ip && host !== ip) return `${host} [${ip}]`;
  return host || (ip ? `[${ip}]` : null);
}

/** After which command the reply came, in the words of the notice. */
export function stagePhrase(o: DeliveryOutcome, envelopeFrom: string): string {
  const host = remoteName(o) ?? 'the remote host';
  switch (o.stage) {
    case 'dns':
      return `while looking up DNS for ${domainOf(o.rcpt)}`;
    case 'connect':
      return `while connecting to ${host}`;
    case 'greeting':
      return 'in the greeting';
    case 'ehlo':
      return 'after EHLO';
    case 'starttls':
      return 'after STARTTLS';
    case 'auth':
      return 'after AUTH';
    case 'mail':
      return `after MAIL FROM:<${envelopeFrom}>`;
    case 'rcpt':
      return `after RCPT TO:<${o.rcpt}>`;
    case 'data':
      return 'after DATA';
    case 'end-of-data':
      return 'after end of data';
    case 'local':
      return 'during local delivery';
    case 'queue':
      return 'while the message waited in our queue';
  }
}

/** Who said it: `host mx.example.com [192.0.2.1] said` / `our local delivery said` / `we said`. */
function speaker(o: DeliveryOutcome, hostname: string): string {
  const name = remoteName(o);
  if (name) return `host ${name} said`;
  if (o.stage === 'local') return `the mailbox on ${hostname} said`;
  return `${hostname} said`;
}

/** The people's paragraph for one recipient (address, host, command, reply, permanence, advice). */
export function peopleLines(input: NoticeInput, r: NoticeRecipient, action: DsnAction): string {
  const o = r.outcome;
  const lines = [`<${o.rcpt}>:`];
  lines.push(`    ${speaker(o, input.hostname)}, ${stagePhrase(o, input.original.from)}:`);
  lines.push(`    ${replyText(o.reply)}`);
  if (action === 'failed') {
    lines.push(
      r.expired
        ? '    This was a temporary error, but it lasted longer than we keep messages: we have given up.'
        : isPermanent(o.reply)
          ? '    This is a permanent error: we will not try again.'
          : '    This error was temporary, but we have stopped trying.',
    );
  } else if (action === 'delayed') {
    lines.push('    This is a temporary error: we are still trying.');
  }
  if (action === 'failed' || action === 'delayed') lines.push(`    What to do: ${input.advise(o.reply)}`);
  return lines.join('\r\n');
}

/** The `message/delivery-status` part body (RFC 3464 §2). */
export function deliveryStatus(
  input: NoticeInput,
  action: (r: NoticeRecipient) => DsnAction,
  willRetryUntil?: Date,
): Buffer {
  let out = header('Reporting-MTA', `dns; ${input.reportingMta}`);
  if (input.original.envid !== undefined) out += header('Original-Envelope-Id', oneLine7bit(input.original.envid));
  out += header('Arrival-Date', rfc5322Date(input.original.arrivalDate));
  for (const r of input.recipients) {
    const o = r.outcome;
    const a = action(r);
    out += '\r\n';
    if (r.orcpt) out += header('Original-Recipient', originalRecipientField(r.orcpt));
    out += header('Final-Recipient', addressField('rfc822', o.rcpt));
    out += header('Action', a);
    out += header('Status', statusOf(r));
    if (o.remote && (o.remote.host || o.remote.ip)) out += header('Remote-MTA', `dns; ${o.remote.host || o.remote.ip}`);
    out += header('Diagnostic-Code', `smtp; ${oneLine7bit(replyText(o.reply))}`);
    out += header('Last-Attempt-Date', rfc5322Date(r.lastAttempt));
    if (a === 'delayed' && willRetryUntil) out += header('Will-Retry-Until', rfc5322Date(willRetryUntil));
  }
  return Buffer.from(out, 'ascii');
}

/** The original as `message/rfc822`, or only its headers as `text/rfc822-headers` (RET=HDRS or too large). */
export function returnedOriginal(input: NoticeInput): { headers: string; body: Buffer } {
  const { raw, ret } = input.original;
  const size = input.original.size ?? raw.length;
  const whole = ret !== 'HDRS' && size <= input.maxOriginalSize && raw.length === size;
  const body = whole ? raw : headerSection(raw);
  const cte = body.some((b) => b > 127) ? '8bit' : '7bit';
  const type = whole ? 'message/rfc822' : 'text/rfc822-headers';
  return { headers: `Content-Type: ${type}\r\nContent-Transfer-Encoding: ${cte}\r\n`, body };
}
