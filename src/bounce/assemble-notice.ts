/**
 * Puts a notice together: our headers, then `multipart/report; report-type=delivery-status`
 * with the people's text, the delivery-status part and the returned original.
 *
 * RFC 6522 §3 (multipart/report), RFC 3464 §2, RFC 3834 §5 (Auto-Submitted: auto-replied
 * on a notice), RFC 5322 §3.6.4 (In-Reply-To, References).
 * Security: every header we write is 7-bit and folded; nothing from the original becomes a
 * header except its Message-ID, and only in the strict `<left@right>` shape.
 */
import { type DsnAction, deliveryStatus, returnedOriginal } from './dsn-report.js';
import {
  chooseBoundary,
  encodeWords,
  header,
  multipartBody,
  originalMessageId,
  rfc5322Date,
  textPart,
} from './mime.js';
import type { NoticeInput, NoticeRecipient } from './notice-input.js';

export interface NoticeShape {
  readonly subject: string;
  /** Extra header fields (name, value), written after Auto-Submitted. */
  readonly extraHeaders?: ReadonlyArray<readonly [string, string]>;
  /** The people's text (LF or CRLF line breaks). */
  readonly text: string;
  readonly action: (r: NoticeRecipient) => DsnAction;
  /** Return the whole original when RET and size allow (failure notices only, RFC 3461 §4.3). */
  readonly mayReturnWhole: boolean;
  readonly willRetryUntil?: Date;
}

/** `Mail Delivery System <MAILER-DAEMON@host>`. */
export function mailerDaemon(hostname: string): string {
  return `Mail Delivery System <MAILER-DAEMON@${hostname}>`;
}

export function assembleNotice(input: NoticeInput, shape: NoticeShape): Buffer {
  const people = textPart(shape.text);
  const status = {
    headers: 'Content-Type: message/delivery-status\r\nContent-Transfer-Encoding: 7bit\r\n',
    body: deliveryStatus(input, shape.action, shape.willRetryUntil),
  };
  const original = returnedOriginal(
    shape.mayReturnWhole ? input : { ...input, original: { ...input.original, ret: 'HDRS' } },
  );
  const parts = [people, status, original];
  const boundary = chooseBoundary(parts.map((p) => p.body));

  const to = input.to ?? input.original.from;
  let head = header('From', mailerDaemon(input.hostname));
  head += header('To', `<${to}>`);
  head += header('Subject', encodeWords(shape.subject));
  head += header('Date', rfc5322Date(input.now));
  head += header('Message-ID', input.messageId);
  const parent = originalMessageId(input.original.raw);
  if (parent) {
    head += header('In-Reply-To', parent);
    head += header('References', parent);
  }
  head += header('Auto-Submitted', 'auto-replied');
  for (const [name, value] of shape.extraHeaders ?? []) head += header(name, value);
  head += header('MIME-Version', '1.0');
  head += `Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary="${boundary}"\r\n`;
  head += '\r\n';
  return Buffer.concat([Buffer.from(head, 'ascii'), multipartBody(boundary, parts)]);
}
