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

export function findFeedback(root: MimePart, parts: MimePart[]): Feedback | null {
  // The machine-readable part, even where a sender labelled it text/plain (RFC 5965 §3 fields).
  // Looking into the text parts costs little: the caller decodes them for the notice anyway.
  const isReport = root.type === 'multipart/report' && /feedback-report/i.test(root.params['report-type'] ?? '');
  let report = parts.find((p) => p.type === 'message/feedback-report');
  for (let i = 0; !report && i < parts.length; i++) {
    const p = parts[i] as MimePart;
    if (p.children.length > 0 || p.raw !== undefined || !(p.type === 'text/plain' || isReport)) continue;
    if (hasReportFields(p.body, isReport)) report = p;
  }
  const original = parts.find((p) => p.type === 'message/rfc822' || p.type === 'text/rfc822-headers');
  if (report) {
    const fields = report.body.slice(Math.max(0, report.body.search(/^[\w-]+:/m)));
    const { headers } = splitHeaders(`${fields.trim()}\n\n`, true);
    const type = (headers.get('feedback-type')?.[0] ?? 'other').trim().toLowerCase();
    const rcpt = headers.get('original-rcpt-to') ?? headers.get('removal-recipient') ?? [];
    const list: string[] = [];
    for (const v of rcpt) for (const a of addressesIn(v)) list.push(a);
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
