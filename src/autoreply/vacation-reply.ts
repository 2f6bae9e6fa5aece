/**
 * Builds a vacation reply: a plain text message from the user to the original sender,
 * marked as automatic so that no well-behaved responder answers it.
 *
 * RFC 3834 §3.1.1 (From: the user), §3.1.4 (In-Reply-To, References), §3.1.5 (Subject
 * "Auto:" prefix), §3.1.7 (Auto-Submitted: auto-replied); X-Loop naming the user (common
 * practice, checked by guards.ts); RFC 2045/2047 for non-ASCII text.
 * Security: from the original only the Message-ID and References ids in strict `<a@b>` shape
 * and the Subject are copied; CR/LF cannot enter a header (mime.header replaces them).
 */
import { encodeWords, header, isPlainAscii, rfc5322Date, textPart } from '../bounce/mime.js';
import { firstValue, type HeaderFields } from './header-fields.js';

export interface VacationReplyInput {
  /** The user's address (From and X-Loop). */
  readonly user: string;
  /** The original envelope sender (To). */
  readonly to: string;
  /** Header fields of the message being answered. */
  readonly original: HeaderFields;
  /** The user's subject; null → `<subjectPrefix> <original subject>`. */
  readonly subject: string | null;
  readonly subjectPrefix: string;
  readonly body: string;
  readonly now: Date;
  /** Message-ID of the reply, with angle brackets. */
  readonly messageId: string;
}

const MSG_ID = /<[^<>\s@]+@[^<>\s@]+>/g;

/** RFC 3834 §3.1.5: the configured subject, or the prefix before the original subject. */
export function replySubject(input: Pick<VacationReplyInput, 'original' | 'subject' | 'subjectPrefix'>): string {
  if (input.subject !== null && input.subject.trim() !== '') return encodeWords(input.subject);
  const orig = firstValue(input.original, 'subject') ?? '';
  // An ASCII subject may hold encoded words already: keep them as they are.
  const kept = isPlainAscii(orig) ? orig : encodeWords(orig);
  return `${encodeWords(input.subjectPrefix)} ${kept}`.trim();
}

export function buildVacationReply(input: VacationReplyInput): Buffer {
  const parentId = (firstValue(input.original, 'message-id') ?? '').match(MSG_ID)?.[0];
  const refs =
    (firstValue(input.original, 'references') ?? firstValue(input.original, 'in-reply-to') ?? '').match(MSG_ID) ?? [];
  // Keep the thread short: the first reference and the last few (RFC 5322 §3.6.4 allows trimming).
  const chain = [...(refs.length > 8 ? [refs[0] as string, ...refs.slice(-7)] : refs), ...(parentId ? [parentId] : [])];

  const part = textPart(input.body.endsWith('\n') ? input.body : `${input.body}\n`);
  let head = header('From', `<${input.user}>`);
  head += header('To', `<${input.to}>`);
  head += header('Subject', replySubject(input));
  head += header('Date', rfc5322Date(input.now));
  head += header('Message-ID', input.messageId);
  if (parentId) head += header('In-Reply-To', parentId);
  if (chain.length) head += header('References', chain.join(' '));
  head += header('Auto-Submitted', 'auto-replied');
  head += header('X-Loop', input.user);
  head += header('MIME-Version', '1.0');
  head += part.headers;
  head += '\r\n';
  return Buffer.concat([Buffer.from(head, 'ascii'), part.body]);
}
