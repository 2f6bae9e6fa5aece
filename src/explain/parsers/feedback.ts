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
  // The machine-readable part, even where a sender labelled it text/plain (RFC 5965 §3 fields).
  const isReport = root.type === 'multipart/report' && /feedback-report/i.test(root.params['report-type'] ?? '');
  let report = parts.find((p) => p.type === 'message/feedback-report');
  // The caller's scan of the whole text is asked at most once, and only when a part could be the report.
  let may: boolean | undefined;
  for (let i = 0; !report && i < parts.length; i++) {
    const p = parts[i] as MimePart;
    if (p.children.length > 0 || p.raw !== undefined || !(p.type === 'text/plain' || isReport)) continue;
    may ??= mayHaveFields();
    if (!may && !/base64/i.test(header(p, 'content-transfer-encoding') ?? '')) continue;
    if (hasReportFields(p.body, isReport)) report = p;
  }
  const original = parts.find((p) => p.type === 'message/rfc822' || p.type === 'text/rfc822-headers');
  if (report) {
    const fields = report.body.slice(Math.max(0, report.body.search(/^[\w-]+:/m)));
    const { headers } = splitHeaders(`${fields.trim()}\n\n`, true);
    const type = (headers.get('feedback-type')?.[0] ?? 'other').trim().toLowerCase();
    const rcpt = headers.get('original-rcpt-to') ?? headers.get('removal-recipient') ?? [];
    const list = rcpt.flatMap((v) => addressesIn(v));
    return { feedbackType: type, recipients: list.length ? list : originalTo(original) };
  }
  const subject = decodeWords(header(root, 'subject') ?? '');
  if (original && /\b(?:complaint about message|abuse report|spam report|feedback report)\b/i.test(subject)) {
    return { feedbackType: 'abuse', recipients: originalTo(original) };
  }
  return null;
}

function hasReportFields(body: string, isReport: boolean): boolean {
  return (
    (body.includes('eedback-') || body.includes('EEDBACK-')) &&
    /^feedback-type:\s*\S/im.test(body) &&
    (isReport || /^(?:user-agent|version):/im.test(body))
  );
}

/** The first To: address of the reported message, when the report names no recipient. */
function originalTo(original: MimePart | undefined): string[] {
  const inner = original?.children[0]?.headers ?? (original ? splitHeaders(original.body).headers : undefined);
  const to = inner?.get('to')?.[0];
  return to ? addressesIn(decodeWords(to)).slice(0, 1) : [];
}
