/**
 * Sendmail's "Transcript of session follows" (and the same shape from its descendants):
 *   >>> MAIL From:<a@b>
 *   <<< 550 Insecure Mail Relay
 *   554 <c@d>... Remote protocol error
 * The recipient line carries sendmail's own summary; the "<<<" lines before it are what the
 * remote server really said, so both make the diagnostic (RFC 5321 §4.2 reply lines).
 *
 * Security: untrusted text; line-by-line scanning with bounded expressions only.
 */
import type { RawRecipient } from '../types.js';

const RCPT_LINE = /^\s*(?:([245]\d\d)[ -])?<?([^\s<>@]+@[^\s<>]+?)>?\.\.\.\s*(.*)$/;

export function recipientsFromTranscript(notice: string): RawRecipient[] {
  if (!/transcript of session|^\s*<<<\s|^\s*\d{3} <?[^\s<>]+@[^\s<>]+>?\.\.\./im.test(notice)) return [];
  const out: RawRecipient[] = [];
  let remote: string[] = [];
  let command: string | undefined;
  for (const line of notice.split('\n').slice(0, 400)) {
    const sent = /^\s*>>>\s*(\w+)/.exec(line);
    if (sent) {
      command = (sent[1] ?? '').toUpperCase();
      remote = [];
      continue;
    }
    const said = /^\s*<<<\s*(.*)$/.exec(line);
    if (said) {
      remote.push(said[1] ?? '');
      continue;
    }
    const m = RCPT_LINE.exec(line);
    if (!m) continue;
    const address = m[2] ?? '';
    if (out.some((r) => r.address.toLowerCase() === address.toLowerCase())) continue;
    const own = `${m[1] ? `${m[1]} ` : ''}${m[3] ?? ''}`.trim();
    const r: RawRecipient = { address, diagnostic: [...remote, own].join(' ').trim() };
    if (command === 'MAIL' || command === 'RCPT' || command === 'DATA') r.command = command;
    out.push(r);
    remote = [];
  }
  return out;
}
