/**
 * explainText: a BounceReport as text for a person — what happened to each recipient,
 * which server refused at which step, the reason in plain words, whether retrying helps,
 * and what to do (for the sender and, where it differs, the administrator).
 */
import { adviceFor } from './advice.js';
import type { BouncedRecipient, BounceReport } from './types.js';

const STEP: Record<string, string> = {
  CONN: 'when the connection opened (greeting or HELO/EHLO)',
  MAIL: 'after MAIL FROM (the sender address)',
  RCPT: 'after RCPT TO (the recipient address)',
  DATA: 'after the message content was sent (DATA)',
};

export function explainText(report: BounceReport): string {
  const out: string[] = [];
  if (report.kind === 'vacation') out.push('This is an automatic reply, not a bounce.');
  else if (report.kind === 'feedback') out.push('This is a feedback report (complaint), not a bounce.');
  else if (report.kind === 'delivered') out.push('This is a delivery report: the message arrived.');
  const o = report.original;
  if (o && (o.subject || o.messageId)) {
    out.push(
      `Original message: ${[o.subject && `"${o.subject}"`, o.from && `from ${o.from}`, o.messageId].filter(Boolean).join(', ')}`,
    );
  }
  if (report.mta) out.push(`Reported by: ${report.mta}`);
  for (const r of report.recipients) out.push('', ...recipientText(r));
  return `${out.join('\n').trimStart()}\n`;
}

function recipientText(r: BouncedRecipient): string[] {
  const a = adviceFor(r.reason);
  const lines: string[] = [];
  if (r.reason === 'feedback') {
    lines.push(
      `Complaint about mail to: ${r.address || '(address not given)'}${r.feedbackType ? ` (type: ${r.feedbackType})` : ''}`,
    );
  } else if (r.reason === 'vacation') {
    lines.push(`Auto-reply from: ${r.address}`);
  } else {
    if (r.address || r.parser !== 'reply') lines.push(`Recipient: ${r.address || '(not named in the bounce)'}`);
    const where = [r.remoteMta && `server ${r.remoteMta}`, r.command && STEP[r.command]].filter(Boolean).join(', ');
    if (where) lines.push(`Refused by: ${where}`);
    const codes = [r.replyCode, r.status].filter(Boolean).join(' ');
    // The class digit says whether the remote will ever take it as it is (RFC 5321 §4.2.1).
    const cls = (r.status || r.replyCode)[0];
    const kind = cls === '4' ? 'temporary failure' : cls === '5' ? 'permanent failure' : 'failure';
    lines.push(
      `Result: ${kind} (${codes || 'no code'}), reason: ${r.reason}${r.hard ? ' — the address itself does not work' : ''}`,
    );
    if (r.diagnostic)
      lines.push(`Server said: ${r.diagnostic.length > 300 ? `${r.diagnostic.slice(0, 300)}…` : r.diagnostic}`);
  }
  lines.push(`What happened: ${a.what}`, `Retrying: ${a.retry}`, `What to do: ${a.sender}`);
  if (a.admin) lines.push(`For the administrator: ${a.admin}`);
  return lines;
}
