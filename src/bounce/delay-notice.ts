/**
 * Delay warning: sent once when recipients have been deferred longer than
 * `bounce.delay_warning_after`; nothing needs to be done yet, we are still trying.
 *
 * RFC 3464 §2.3.3 (Action: delayed), §2.3.8 (Will-Retry-Until), RFC 3461 §4.3 (headers only
 * for a notice that reports no failure).
 */
import { assembleNotice } from './assemble-notice.js';
import { peopleLines } from './dsn-report.js';
import type { NoticeInput } from './notice-input.js';

export const DELAY_SUBJECT = 'Delayed Mail (still being retried)';

export function buildDelayNotice(input: NoticeInput & { readonly willRetryUntil: Date }): Buffer {
  const rcpts = input.recipients;
  const text = [
    `This is the mail system at host ${input.hostname}.`,
    '',
    '####################################################################',
    '# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #',
    '####################################################################',
    '',
    `Your message could not be delivered yet to ${rcpts.length === 1 ? 'the recipient below' : `these ${rcpts.length} recipients`}.`,
    `We will keep trying until ${input.willRetryUntil.toUTCString()}.`,
    '',
    ...rcpts.map((r) => `${peopleLines(input, r, 'delayed')}\r\n`),
  ].join('\r\n');
  return assembleNotice(input, {
    subject: DELAY_SUBJECT,
    text,
    action: () => 'delayed',
    mayReturnWhole: false,
    willRetryUntil: input.willRetryUntil,
  });
}
