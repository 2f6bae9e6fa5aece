/**
 * Feedback-loop reports: ARF (RFC 5965 §3, message/feedback-report) and the older
 * "complaint about message" mails some providers send without the machine-readable part.
 *
 * Security: untrusted text; only header fields are read.
 */
import { decodeWords, header, type MimePart, splitHeaders } from '../mime.js';
import { addressesIn } from './notice-text.js';

export interface Feedback {
  feedbackType: string;
  recipients: string[];
}

/**
 * `mayHaveFields`: whether the message text could hold `Feedback-Type:` fields at all (the
 * caller's scan of the raw text, called at most once and only when a part could be the report);
 * when not, text parts are not decoded to look for them, unless a part is base64, whose fields
 * the scan cannot see.
 */
export function findFeedback(
  root: MimePart,
  parts: MimePart[],
  mayHaveFields: () => boolean = () => true,
): Feedback | null {
  // asked only when a part could be the report, and once: the scan of the whole text is not free
  let may: boolean | undefined;
  const mayHave = () => {
    may ??= mayHaveFields();
    return may;
  };
  // The machine-readable part, even where a sender labelled it text/plain (RFC 5965 §3 fields).
  const isReport = root.type === 'multipart/report' && /feedback-report/i.test(root.params['report-type'] ?? '');
  const report =
    parts.find((p) => p.type === 'message/feedback-report') ??
    parts.find(
      (p) =>
        p.children.length === 0 &&
        p.raw === undefined &&
        (p.type === 'text/plain' || isReport) &&
        (mayHave() || /base64/i.test(header(p, 'content-transfer-encoding') ?? '')) &&
        (p.body.includes('eedback-') || p.body.includes('EEDBACK-')) &&
        /^feedback-type:\s*\S/im.test(p.body) &&
        (isReport || /^(?:user-agent|version):/im.test(p.body)),
    );
  const original = parts.find((p) => p.type === 'message/rfc822' || p.type === 'text/rfc822-headers');
  const originalTo = (): string[] => {
    const inner = original?.children[0]?.headers ?? (original ? splitHeaders(original.body).headers : undefined);
    const to = inner?.get('to')?.[0];
    return to ? addressesIn(decodeWords(to)).slice(0, 1) : [];
  };
  if (report) {
    const fields = report.body.slice(Math.max(0, report.body.search(/^[\w-]+:/m)));
    const { headers } = splitHeaders(`${fields.trim()}\n\n`, true);
    const type = (headers.get('feedback-type')?.[0] ?? 'other').trim().toLowerCase();
    const rcpt = headers.get('original-rcpt-to') ?? headers.get('removal-recipient') ?? [];
    const list = rcpt.flatMap((v) => addressesIn(v));
    return { feedbackType: type, recipients: list.length ? list : originalTo() };
  }
  const subject = decodeWords(header(root, 'subject') ?? '');
  if (original && /\b(?:complaint about message|abuse report|spam report|feedback report)\b/i.test(subject)) {
    return { feedbackType: 'abuse', recipients: originalTo() };
  }
  return null;
}
