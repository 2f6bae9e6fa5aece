/**
 * Recognises auto-replies (RFC 3834 §5 Auto-Submitted: auto-replied, and the de-facto
 * headers and subjects of Exchange and webmail vacation responders) so they are reported as
 * "vacation", never as bounces.
 *
 * Security: reads header fields of untrusted mail only.
 */
import { decodeWords, header, type MimePart } from '../mime.js';

const VACATION_SUBJECT =
  /^(?:auto(?:matic)?[- ]?(?:reply|response|antwort)|out of (?:the )?office|away|on vacation|vacation|autoreply|abwesenheit|absence|réponse automatique|自動応答|不在)\b|^(?:auto|ooo):|\b(?:away until|out of office|on vacation|on leave)\b/i;

export function isAutoReply(root: MimePart): boolean {
  const auto = (header(root, 'auto-submitted') ?? '').toLowerCase();
  if (auto.startsWith('auto-replied')) return true;
  if (root.headers.has('x-autoreply') || root.headers.has('x-autorespond')) return true;
  if (/auto[-_]?reply/i.test(header(root, 'precedence') ?? '')) return true;
  const subject = decodeWords(header(root, 'subject') ?? '');
  return (
    VACATION_SUBJECT.test(subject) ||
    (root.headers.has('x-auto-response-suppress') && /^automatic reply/i.test(subject))
  );
}
