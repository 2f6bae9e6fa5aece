/**
 * A BounceReport for one SMTP reply line ("553 5.7.1 Not an open relay"), so that
 * `mailward explain` treats a pasted reply like a one-recipient bounce.
 * RFC 5321 §4.2 (reply lines), RFC 3463 (enhanced codes).
 */
import { classifyReply } from './classify.js';
import { pseudoStatus } from './pseudo-status.js';
import type { BounceReport } from './types.js';

/** Does the text look like an SMTP reply line (a 2xx/4xx/5xx code, then space or dash)? */
export function looksLikeReply(text: string): boolean {
  return /^[245]\d\d[ -]/.test(text.trim());
}

export function reportFromReply(line: string): BounceReport {
  const text = line.trim().replace(/\s+/g, ' ');
  const code = text.slice(0, 3);
  const enhanced =
    /^[245]\d\d[ -]#?([245]\.\d{1,3}\.\d{1,3})\b/.exec(text)?.[1] ?? /\(#([245]\.\d{1,3}\.\d{1,3})\)/.exec(text)?.[1];
  const { reason, hard } = classifyReply({ text });
  return {
    kind: 'bounce',
    recipients: [
      {
        address: /<([^<>\s]+@[^<>\s]+)>/.exec(text)?.[1] ?? '',
        status: enhanced ?? pseudoStatus(reason, code),
        replyCode: code,
        reason,
        hard,
        diagnostic: text,
        parser: 'reply',
      },
    ],
  };
}
