/**
 * The `Received:` trace header prepended to every message we accept.
 * RFC 5321 §4.4 (trace information), RFC 3848 (ESMTPS/ESMTPA/ESMTPSA), RFC 6531 §3.7.3
 * (UTF8SMTP*), RFC 5322 §3.3 (date-time).
 * Security: the HELO name is client text; it is reduced to printable characters without
 * parentheses or spaces so it cannot forge a comment or a second header. The login name of
 * an authenticated client is not written (it would leak to every recipient).
 */
import type { ClientInfo } from '../core/envelope.js';

/** "with" protocol name of a session (RFC 3848, RFC 6531). */
export function protocolName(client: Pick<ClientInfo, 'esmtp' | 'tls' | 'authUser'>, smtputf8 = false): string {
  if (!client.esmtp) return 'SMTP';
  const suffix = `${client.tls ? 'S' : ''}${client.authUser !== null ? 'A' : ''}`;
  return `${smtputf8 ? 'UTF8SMTP' : 'ESMTP'}${suffix}`;
}

/** RFC 5322 date-time in UTC: "Thu, 01 Jan 2026 00:00:00 +0000". */
export function rfc5322Date(ms: number): string {
  return new Date(ms).toUTCString().replace(/GMT$/, '+0000');
}

function cleanName(name: string): string {
  return name.replace(/[^\x21-\x7e]|[()]/g, '?').slice(0, 255) || 'unknown';
}

function ipLiteral(ip: string): string {
  const v4 = ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
  return v4.includes(':') ? `IPv6:${v4}` : v4;
}

export interface ReceivedInput {
  readonly hostname: string;
  readonly queueId: string;
  readonly time: number;
  /** One recipient: named in a `for` clause; several: left out (privacy, like Postfix). */
  readonly rcpts: readonly string[];
}

/** For mail received over SMTP. */
export function smtpReceived(client: ClientInfo, smtputf8: boolean, input: ReceivedInput): string {
  const from = `from ${cleanName(client.helo ?? ipLiteral(client.ip))} ([${ipLiteral(client.ip)}])`;
  return fold(
    from,
    `by ${input.hostname} (mailward) with ${protocolName(client, smtputf8)} id ${input.queueId}`,
    input,
  );
}

/** For mail injected by a local program (sendmail, notices); no SMTP hop happened. */
export function localReceived(user: string | undefined, input: ReceivedInput): string {
  const by = `by ${input.hostname} (mailward${user ? `, from userid ${cleanName(user)}` : ''}) id ${input.queueId}`;
  return fold(null, by, input);
}

function fold(from: string | null, by: string, input: ReceivedInput): string {
  const parts = [from, by, input.rcpts.length === 1 ? `for <${input.rcpts[0]}>` : null].filter((p) => p !== null);
  return `Received: ${parts.join('\r\n\t')};\r\n\t${rfc5322Date(input.time)}\r\n`;
}
