/**
 * Success notice: the sender asked NOTIFY=SUCCESS, and we delivered the message into a local
 * mailbox (Action: delivered) or handed it to a remote without DSN support (Action: relayed,
 * as nobody further on will report).
 *
 * RFC 3461 §5.2.2 and §6.2 (delivered vs relayed), RFC 3464 §2.3.3, RFC 3461 §4.3 (headers only).
 */

import { replyText } from '../core/reply.js';
import { assembleNotice } from './assemble-notice.js';
import { remoteName } from './dsn-report.js';
import type { NoticeInput, NoticeRecipient } from './notice-input.js';

export const SUCCESS_SUBJECT = 'Successful Mail Delivery Report';

/** delivered: into a local mailbox; relayed: to a remote that will not report further. */
export function successAction(r: NoticeRecipient): 'delivered' | 'relayed' {
  return r.outcome.stage === 'local' || !r.outcome.remote ? 'delivered' : 'relayed';
}

export function buildSuccessNotice(input: NoticeInput): Buffer {
  const lines = input.recipients.map((r) => {
    const o = r.outcome;
    const where =
      successAction(r) === 'delivered'
        ? `delivered to the mailbox on ${input.hostname}`
        : `handed to ${remoteName(o)}, which does not send delivery reports; there will be no further notice`;
    return `<${o.rcpt}>:\r\n    ${where}:\r\n    ${replyText(o.reply)}\r\n`;
  });
  const text = [
    `This is the mail system at host ${input.hostname}.`,
    '',
    'Your message was successfully delivered, as you asked to be told:',
    '',
    ...lines,
  ].join('\r\n');
  return assembleNotice(input, { subject: SUCCESS_SUBJECT, text, action: successAction, mayReturnWhole: false });
}
