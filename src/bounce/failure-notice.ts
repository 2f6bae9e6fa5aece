/**
 * Failure notice: one per message per delivery run, listing every recipient that failed
 * permanently (or expired) in that run, sent from MAILER-DAEMON with the null envelope sender.
 *
 * RFC 3464 (Action: failed), RFC 3461 §4.3 (RET=HDRS → headers only), RFC 3834 §5.
 * Security: see assemble-notice.ts; the remote's reply appears verbatim in the text part and
 * as a 7-bit Diagnostic-Code.
 */
import { assembleNotice } from './assemble-notice.js';
import { peopleLines } from './dsn-report.js';
import type { NoticeInput } from './notice-input.js';

export const FAILURE_SUBJECT = 'Mail delivery failed: returning message to sender';

export function buildFailureNotice(input: NoticeInput): Buffer {
  const rcpts = input.recipients;
  const text = [
    `This is the mail system at host ${input.hostname}.`,
    '',
    input.original.from === ''
      ? 'A delivery status notice sent by this server could not be delivered; it is attached below.'
      : `Your message could not be delivered to ${rcpts.length === 1 ? 'the recipient below' : `these ${rcpts.length} recipients`}.`,
    'For each address you will find the host that answered, what it said and when, and what to do.',
    '',
    ...rcpts.map((r) => `${peopleLines(input, r, 'failed')}\r\n`),
    'Your original message is attached below (or only its headers, if it was large).',
    '',
  ].join('\r\n');
  return assembleNotice(input, {
    subject: FAILURE_SUBJECT,
    extraHeaders: [['X-Failed-Recipients', rcpts.map((r) => r.outcome.rcpt).join(', ')]],
    text,
    action: () => 'failed',
    mayReturnWhole: true,
  });
}
